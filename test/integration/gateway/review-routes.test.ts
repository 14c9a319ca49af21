import { eventually } from '../../support/eventually';
import { FAST_TIMERS, inputFor } from '../../support/journeys';
import {
  API_KEY,
  expectProblem,
  OPERATOR_KEY,
  resultOf,
  SECOND_OPERATOR_KEY,
  startGatewayFixture,
  waitForStage,
  type GatewayFixture,
} from './gateway-fixture';

let gw: GatewayFixture;
beforeAll(async () => {
  gw = await startGatewayFixture();
});
afterAll(() => gw?.close());

/**
 * An eKYC journey started and finished through the gateway, whose document warning sends it to review; `policy` is
 * its decision policy (such as the four-eyes rule).
 */
async function journeyInReview(policy?: Record<string, unknown>): Promise<string> {
  const reference = gw.harness.reference('gw-queue');
  const input = await inputFor(gw.harness, 'ekyc', reference);
  const started = await gw.call('POST', '/v1/journeys', {
    bearer: API_KEY,
    json: { ...input, ...(policy ? { policy } : {}), timers: { ...FAST_TIMERS, startWindowMs: 60_000 } },
  });
  const { journeyId, token, clientSecret } = started.body;
  await gw.harness.sandbox.complete(token, 'document_warning');
  await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: clientSecret });
  await waitForStage(gw, journeyId, 'in_review');
  return journeyId;
}

const asOperator = (json?: unknown) => ({ bearer: OPERATOR_KEY, ...(json === undefined ? {} : { json }) });
/** The second operator key's identity is op-b. */
const asSecond = (json?: unknown) => ({ bearer: SECOND_OPERATOR_KEY, ...(json === undefined ? {} : { json }) });

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
    expectProblem(await gw.callSecond('POST', claim, asSecond({ reviewer: 'op-b' })), 409, 'review_claimed');
    const decision = { decision: 'approved', reviewer: 'op-b', reason: 'document fine', reasonCode: 'glare_only' };
    expectProblem(await gw.callSecond('POST', decide, asSecond(decision)), 409, 'review_claimed');

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
    expect((await gw.callSecond('POST', claim, asSecond({ reviewer: 'op-b' }))).status).toBe(200);
    expect((await gw.callSecond('POST', decide, asSecond(decision))).status).toBe(200);
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

  it("acts as the operator key's identity: one key cannot pass four-eyes twice or write entries under another name", async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    const journeyId = await journeyInReview({ fourEyesRejection: true });
    const decide = gw.path(journeyId, '/review');
    const rejection = { decision: 'rejected', reason: 'screen recapture', reasonCode: 'recaptured_screen' };

    // The body may leave the reviewer out (the key says who), or name the key's own identity.
    expect(await gw.call('POST', decide, asOperator(rejection))).toMatchObject({
      status: 200,
      body: { review: { firstRejection: { reviewer: 'op-a' } } },
    });
    // The same key naming someone else is refused, for a decision and for a claim alike.
    expectProblem(await gw.call('POST', decide, asOperator({ ...rejection, reviewer: 'op-b' })), 403, 'actor_mismatch');
    expectProblem(
      await gw.call('POST', gw.path(journeyId, '/review/claim'), asOperator({ reviewer: 'reviewer-1' })),
      403,
      'actor_mismatch',
    );
    expectProblem(await gw.call('POST', decide, asOperator(rejection)), 409, 'second_reviewer_needed');
    expectProblem(
      await gw.call('POST', decide, asOperator({ ...rejection, reviewer: 'op-a' })),
      409,
      'second_reviewer_needed',
    );

    // Another key is another person: its confirmation ends the journey.
    expect((await gw.call('POST', decide, asSecond({ ...rejection, reviewer: 'op-b' }))).status).toBe(200);
    expect((await resultOf(gw, journeyId)).body).toMatchObject({ outcome: 'rejected', review: { reviewer: 'op-b' } });

    const until = new Date(Date.now() + 60_000).toISOString();
    const exported = await gw.call('GET', `/v1/audit?from=${since}&to=${until}`, asSecond());
    const entries = exported.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { actor: string; action: string; journeyId?: string });
    expect(entries.filter((entry) => entry.journeyId === journeyId).map((entry) => entry.actor)).toEqual([
      'op-a',
      'op-b',
    ]);
    const again = await gw.call('GET', `/v1/audit?from=${since}&to=${until}`, asSecond());
    expect(
      again.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as object),
    ).toContainEqual(expect.objectContaining({ actor: 'op-b', action: 'audit_exported' }));
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
