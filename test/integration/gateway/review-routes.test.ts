import { eventually } from '../../support/eventually';
import { FAST_TIMERS, inputFor } from '../../support/journeys';
import {
  API_KEY,
  expectProblem,
  OPERATOR_KEY,
  resultOf,
  startGatewayFixture,
  waitForStage,
  type GatewayFixture,
} from './gateway-fixture';

let gw: GatewayFixture;
beforeAll(async () => {
  gw = await startGatewayFixture();
});
afterAll(() => gw?.close());

/** An eKYC journey started and finished through the gateway, whose document warning sends it to review. */
async function journeyInReview(): Promise<string> {
  const reference = gw.harness.reference('gw-queue');
  const input = await inputFor(gw.harness, 'ekyc', reference);
  const started = await gw.call('POST', '/v1/journeys', {
    bearer: API_KEY,
    json: { ...input, timers: { ...FAST_TIMERS, startWindowMs: 60_000 } },
  });
  const { journeyId, token, clientSecret } = started.body;
  await gw.harness.sandbox.complete(token, 'document_warning');
  await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: clientSecret });
  await waitForStage(gw, journeyId, 'in_review');
  return journeyId;
}

const asOperator = (json?: unknown) => ({ bearer: OPERATOR_KEY, ...(json === undefined ? {} : { json }) });

describe('review routes across two gateways', () => {
  it('claims hold across gateways, the queue shows them, and the audit log records who did what', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    const journeyId = await journeyInReview();
    const claim = gw.path(journeyId, '/review/claim');
    const decide = gw.path(journeyId, '/review');

    expect(await gw.call('POST', claim, asOperator({ reviewer: 'op-a' }))).toMatchObject({
      status: 200,
      body: { journeyId, review: { claimedBy: 'op-a' } },
    });
    expectProblem(await gw.callSecond('POST', claim, asOperator({ reviewer: 'op-b' })), 409, 'review_claimed');
    const decision = { decision: 'approved', reviewer: 'op-b', reason: 'document fine', reasonCode: 'glare_only' };
    expectProblem(await gw.callSecond('POST', decide, asOperator(decision)), 409, 'review_claimed');

    const queued = await eventually(
      async () => {
        const page = await gw.callSecond('GET', '/v1/review-queue?claim=claimed', asOperator());
        expect(page.status).toBe(200);
        const cases = page.body.cases as { journeyId: string }[];
        const entry = cases.find((item) => item.journeyId === journeyId);
        expect(entry).toBeDefined();
        return entry;
      },
      { what: 'the claimed case in the queue' },
    );
    expect(queued).toMatchObject({ flow: 'ekyc', reason: 'document_warning', claimedBy: 'op-a', step: 'first' });

    expect(
      (await gw.call('POST', gw.path(journeyId, '/review/release'), asOperator({ reviewer: 'op-a' }))).status,
    ).toBe(200);
    expect((await gw.callSecond('POST', claim, asOperator({ reviewer: 'op-b' }))).status).toBe(200);
    expect((await gw.callSecond('POST', decide, asOperator(decision))).status).toBe(200);
    expect((await resultOf(gw, journeyId)).body).toMatchObject({
      outcome: 'approved',
      reasons: ['document_warning', 'review_approved', 'glare_only'],
      review: { reviewer: 'op-b', reasonCode: 'glare_only' },
    });

    const until = new Date(Date.now() + 60_000).toISOString();
    const exported = await gw.call('GET', `/v1/audit?from=${since}&to=${until}`, asOperator());
    expect(exported.status).toBe(200);
    expect(exported.contentType).toMatch(/^application\/x-ndjson/);
    expect(exported.headers.get('cache-control')).toBe('no-store');
    const entries = exported.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { actor: string; action: string; journeyId?: string; detail?: object });
    expect(entries.filter((entry) => entry.journeyId === journeyId)).toEqual([
      expect.objectContaining({ actor: 'op-a', action: 'review_claimed' }),
      expect.objectContaining({ actor: 'op-a', action: 'review_released' }),
      expect.objectContaining({ actor: 'op-b', action: 'review_claimed' }),
      expect.objectContaining({
        actor: 'op-b',
        action: 'review_decided',
        detail: { decision: 'approved', reasonCode: 'glare_only' },
      }),
    ]);
    // Refusals decided nothing and are not in the log; the note never is.
    expect(exported.text).not.toContain('document fine');
  });

  it('needs an operator key, and names the field of a malformed query', async () => {
    expectProblem(await gw.call('GET', '/v1/review-queue'), 401, 'unauthenticated');
    expectProblem(await gw.call('GET', '/v1/review-queue', { bearer: API_KEY }), 403, 'forbidden');
    const bad = await gw.call('GET', "/v1/review-queue?reason=x'%20OR%201=1", asOperator());
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors.map((issue: { path: string }) => issue.path)).toEqual(['reason']);
    const backwards = await gw.call('GET', '/v1/audit?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', asOperator());
    expectProblem(backwards, 400, 'validation_failed');
    expect(backwards.body.errors.map((issue: { path: string }) => issue.path)).toEqual(['to']);
  });
});
