import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { EkycClient } from '../../../src/client/ekyc-client';
import { clientSecretFor } from '../../../src/client/client-secret';
import { encodeJpeg } from '../../../src/emulator/image-encoding';
import type { WebhookSettings } from '../../../src/activities/webhook-activities';
import { signingKeyFromSeed } from '../../../src/evidence/bundle-signing';
import { FailedLoginLimiter } from '../../../src/gateway/failed-logins';
import type { OperatorKey } from '../../../src/gateway/operator-identities';
import { createGateway } from '../../../src/gateway/server';
import type { Database } from '../../../src/db/database';
import { PolicyService } from '../../../src/policy/policy-service';
import { AuditLog } from '../../../src/review/audit-log';
import { eventually } from '../../support/eventually';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { FAST_TIMERS } from '../../support/journeys';

export const API_KEY = 'test-backend-api-key-000001';
const OTHER_API_KEY = 'test-backend-api-key-000002';
/** The fixture's operator keys, each with the identity it acts as (`GATEWAY_OPERATOR_KEYS`' `id:key`). */
export const OPERATOR_ID = 'op-a';
export const OPERATOR_KEY = 'test-operator-key-00000001';
const SECOND_OPERATOR_ID = 'op-b';
export const SECOND_OPERATOR_KEY = 'test-operator-key-00000002';
export const CLIENT_SECRET_KEY = 'test-client-secret-key-0000000000001';
/** Signs the fixture's evidence bundles (a fresh key per test file). */
export const EVIDENCE_KEY = signingKeyFromSeed('test-evidence-1', randomBytes(32).toString('base64'));

/**
 * Every field a gateway answer may have, typed loosely enough for one type to cover them all; each test asserts the
 * exact shape it expects.
 */
interface Body {
  journeyId: string;
  token: string;
  verificationUrl?: string;
  expiresAt: string;
  clientSecret: string;
  code?: string;
  status?: number;
  errors: { path: string; message: string }[];
  stage?: string;
  outcome?: string;
  reasons: string[];
  renewalsLeft?: number;
  fetchAttempts?: number;
  media: { key: string; kind: string; md5: string; size: number }[];
  journeys: { journeyId: string; flow: string; stage: string; outcome?: string; startedAt: string }[];
  [key: string]: unknown;
}

/** A parsed HTTP answer: `body` for JSON, `text` always. */
export interface Answer {
  status: number;
  headers: Headers;
  contentType: string;
  body: Body;
  text: string;
}

/** Options of one {@link GatewayFixture.call}. */
interface CallOptions {
  bearer?: string;
  /** A value to send as JSON, or a raw string / Buffer sent as is. */
  json?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

/** A gateway on a free port over a journey harness (dev server, emulator, workers), reached over real HTTP. */
export interface GatewayFixture {
  harness: JourneyHarness;
  app: FastifyInstance;
  url: string;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** The same call on the second gateway (same Temporal, same archive). */
  callSecond(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** A started journey's id path segment, URL-encoded as a client would send it. */
  path(journeyId: string, suffix?: string): string;
  secretOf(journeyId: string): string;
  close(): Promise<void>;
}

/**
 * Starts the harness and a gateway with test keys; `webFinalUrl` is the default final page of web journeys, `webhook`
 * where the worker delivers journey events, `workflowsPath` other workflow code for the workers, `operatorKeys` more
 * operator identities beside `op-a` and `op-b`.
 */
export async function startGatewayFixture(
  options: {
    webFinalUrl?: string;
    webhook?: WebhookSettings;
    workflowsPath?: string;
    operatorKeys?: OperatorKey[];
    /** The policy and decision database both gateways and the worker use, as `DATABASE_URL` gives them one. */
    database?: Database;
  } = {},
): Promise<GatewayFixture> {
  const { database } = options;
  const harness = await startJourneyHarness({
    ...(options.webhook ? { webhook: options.webhook } : {}),
    ...(options.workflowsPath ? { workflowsPath: options.workflowsPath } : {}),
    ...(database ? { database } : {}),
  });
  const policies = database && new PolicyService({ database, audit: new AuditLog(harness.archive), fourEyes: false });
  await policies?.ensureFirstVersion();
  const ekyc = new EkycClient(harness.client, harness.taskQueue, {
    archive: harness.archive,
  });
  const gatewayOn = () =>
    createGateway({
      // Every test of a file calls from 127.0.0.1, many with wrong keys on purpose: a limit the tests cannot reach
      // (the limit itself is tested in test/unit/gateway/failed-logins.test.ts).
      failedLogins: new FailedLoginLimiter({ maxFailures: 1_000_000, windowMs: 60_000 }),
      client: harness.client,
      ekyc,
      archive: harness.archive,
      dataKeys: harness.dataKeys,
      ...(database && policies ? { database, policies } : {}),
      settings: {
        apiKeys: [API_KEY, OTHER_API_KEY],
        operatorKeys: [
          { id: OPERATOR_ID, key: OPERATOR_KEY },
          { id: SECOND_OPERATOR_ID, key: SECOND_OPERATOR_KEY },
          ...(options.operatorKeys ?? []),
        ],
        clientSecretKey: CLIENT_SECRET_KEY,
        evidenceSigningKey: EVIDENCE_KEY,
        sandbox: true,
        ...(options.webFinalUrl ? { webFinalUrl: options.webFinalUrl } : {}),
      },
    });
  // Two gateways over one Temporal and one archive, as a deployment behind a load balancer runs them.
  const app = gatewayOn();
  const second = gatewayOn();
  const urlOf = async (gateway: FastifyInstance) => {
    await gateway.listen({ host: '127.0.0.1', port: 0 });
    return `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
  };
  const url = await urlOf(app);
  const secondUrl = await urlOf(second);
  return {
    harness,
    app,
    url,
    call: callerOf(url),
    callSecond: callerOf(secondUrl),
    path: (journeyId, suffix = '') => `/v1/journeys/${encodeURIComponent(journeyId)}${suffix}`,
    secretOf: (journeyId) => clientSecretFor(CLIENT_SECRET_KEY, journeyId),
    async close() {
      await second.close();
      await app.close();
      await harness.close();
    },
  };
}

/** Calls one gateway as a client would. */
export function callerOf(url: string): GatewayFixture['call'] {
  return async (method, path, { bearer, json, raw, headers = {} } = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(json !== undefined ? { body: JSON.stringify(json) } : raw !== undefined ? { body: raw } : {}),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      contentType,
      body: (/^application\/(.+\+)?json/.test(contentType) && text ? JSON.parse(text) : {}) as Body,
      text,
    };
  };
}

/** A unique small JPEG as the gateway takes it: Base64 with its content type. */
export function jpegBase64(seed: string): { contentType: 'image/jpeg'; base64: string } {
  const pixels = new Uint8Array(16 * 16 * 3).fill(seed.length * 11);
  return { contentType: 'image/jpeg', base64: encodeJpeg(16, 16, pixels, 85, seed).toString('base64') };
}

/** A start body for a flow that needs no images: liveness with shrunk timers. */
export function livenessBody(reference: string, timers: Record<string, number> = {}): Record<string, unknown> {
  return {
    reference,
    flow: 'liveness',
    region: 'ap-singapore',
    liveness: { SecureLevel: '4' },
    timers: { ...FAST_TIMERS, startWindowMs: 60_000, ...timers },
  };
}

/** The result route's answer once the journey has ended: waits on the workflow itself, then asks the route. */
export async function resultOf(fixture: GatewayFixture, journeyId: string): Promise<Answer> {
  // handle.result(): a journey that failed outright is the route's to report, so its error is not thrown here.
  await fixture.harness.client.workflow
    .getHandle(journeyId)
    .result()
    .catch(() => undefined);
  return fixture.call('GET', fixture.path(journeyId, '/result'), { bearer: API_KEY });
}

/** Waits until the status route answers a stage (a stage change has no event to wait on). */
export async function waitForStage(fixture: GatewayFixture, journeyId: string, stage: string): Promise<void> {
  await eventually(
    async () => {
      const answer = await fixture.call('GET', fixture.path(journeyId), { bearer: API_KEY });
      expect(answer.body.stage).toBe(stage);
    },
    { what: `journey ${journeyId} in stage ${stage} on the status route`, timeoutMs: 30_000 },
  );
}

/** `expect.any(String)`, typed so lint sees no `any`. */
export const anyString = (): unknown => expect.any(String);
/** `expect.any(Number)`, typed so lint sees no `any`. */
export const anyNumber = (): unknown => expect.any(Number);

/** Asserts an RFC 9457 problem answer with its status and stable code. */
export function expectProblem(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
  expect(answer.contentType).toContain('application/problem+json');
}
