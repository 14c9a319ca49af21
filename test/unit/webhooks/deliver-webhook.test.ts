import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createWebhookActivities } from '../../../src/activities/webhook-activities';
import { verifyWebhook } from '../../../src/webhooks/signature';
import type { JourneyEvent } from '../../../src/workflows/types';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const event: JourneyEvent = {
  id: 'ekyc:order-7/journey.completed',
  type: 'journey.completed',
  journeyId: 'ekyc:order-7',
  reference: 'order-7',
  flow: 'liveness',
  stage: 'completed',
  outcome: 'approved',
  reasons: ['all_checks_passed'],
  policyVersion: 2,
  policyOverridden: false,
  occurredAt: '2026-01-15T12:00:00.000Z',
};
const secrets = ['whsec-current-0000000', 'whsec-previous-000000'];

const quiet = new DefaultLogger('ERROR');

let server: Server;
let url: string;
let received: Received[];
let answer: { status: number; location?: string };

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(answer.status, answer.location ? { location: answer.location } : {});
      response.end('backend says: something personal');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  answer = { status: 204 };
});

function deliver(webhookUrl: string | undefined, attempt = 1) {
  const { deliverWebhook } = createWebhookActivities({
    webhook: { url: webhookUrl, secrets },
    requestTimeoutMs: 2_000,
  });
  // Failed attempts are expected here; the SDK would log each one at WARN.
  return new MockActivityEnvironment({ attempt }, { logger: quiet }).run(deliverWebhook, event);
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('deliverWebhook', () => {
  it('POSTs the event signed with the first secret over the exact raw body, with the attempt number', async () => {
    await expect(deliver(url, 3)).resolves.toEqual({ delivered: true, status: 204 });
    expect(received).toHaveLength(1);
    const [delivery] = received as [Received];
    expect(JSON.parse(delivery.body)).toEqual(event);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-ekyc-attempt']).toBe('3');
    expect(delivery.headers['x-ekyc-event-id']).toBe(event.id);
    const header = delivery.headers['x-ekyc-signature'];
    expect(verifyWebhook({ header, body: delivery.body, secrets: ['whsec-current-0000000'] }).valid).toBe(true);
    // Signed with the first secret only: a receiver that knows just the previous one refuses it.
    expect(verifyWebhook({ header, body: delivery.body, secrets: ['whsec-previous-000000'] }).valid).toBe(false);
  });

  it('fails for good on a 4xx other than 408 / 429, without the response body in the message', async () => {
    answer = { status: 410 };
    const failure = await failureOf(deliver(url));
    expect(failure).toMatchObject({ type: 'WebhookRejected', nonRetryable: true });
    expect(failure.category).toBeUndefined();
    expect(failure.message).not.toContain('personal');
  });

  it.each([429, 408, 500, 503])('leaves HTTP %i to Temporal to retry', async (status) => {
    answer = { status };
    expect(await failureOf(deliver(url))).toMatchObject({
      type: 'WebhookDeliveryFailed',
      nonRetryable: false,
      category: 'BENIGN',
    });
  });

  it('does not follow redirects (the signed body stays with the configured URL) and retries instead', async () => {
    answer = { status: 302, location: `${url}/elsewhere` };
    expect(await failureOf(deliver(url))).toMatchObject({ type: 'WebhookDeliveryFailed', nonRetryable: false });
    expect(received).toHaveLength(1);
  });

  it('retries when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failure = await failureOf(deliver(`http://127.0.0.1:${port}/hooks`));
    expect(failure).toMatchObject({ type: 'WebhookDeliveryFailed', nonRetryable: false });
    expect(failure.message).toContain('ECONNREFUSED');
  });

  it('reports not delivered, and sends nothing, when no webhook URL is configured', async () => {
    await expect(deliver(undefined)).resolves.toEqual({ delivered: false });
    expect(received).toHaveLength(0);
  });

  it('refuses to be built with a URL but no secret', () => {
    expect(() => createWebhookActivities({ webhook: { url, secrets: [] } })).toThrow(/WEBHOOK_SECRETS/);
  });
});
