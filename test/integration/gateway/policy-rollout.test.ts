import { DEFAULT_POLICY_DOCUMENT, type PolicyDocument } from '../../../src/contracts/policy-document';
import { FAST_TIMERS } from '../../support/journeys';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  API_KEY,
  jpegBase64,
  OPERATOR_KEY,
  resultOf,
  SECOND_OPERATOR_KEY,
  startGatewayFixture,
  waitForStage,
  type GatewayFixture,
} from './gateway-fixture';

// A policy change rolled out as a risk team would, through the public API only: back-test a stricter draft over the
// journeys already decided, publish it, and see it decide new journeys only; a journey started before keeps its
// version even when its user finishes after the publication. Then a shadow version disagrees, and is listed.

let fixture: GatewayFixture;
let db: TestDatabase;
const since = new Date().toISOString();

/** Faces must match at 95: the sandbox's passing user scores 92.5, so this rejects what version 1 approved. */
const STRICTER: PolicyDocument = {
  ...DEFAULT_POLICY_DOCUMENT,
  rules: { ...DEFAULT_POLICY_DOCUMENT.rules, similarityThreshold: 95 },
};
/** The same threshold, a face below it reviewed rather than rejected. */
const REVIEWING: PolicyDocument = {
  ...STRICTER,
  rules: { ...STRICTER.rules, reasonActions: { similarity_below_threshold: 'review' } },
};

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await startGatewayFixture({ database: db.database });
}, 120_000);

afterAll(async () => {
  await fixture?.close();
  await db?.drop();
});

/** Starts a compare selfie through the gateway and lets its user pass in the sandbox (similarity 92.5). */
async function startPassingSelfie(name: string): Promise<string> {
  const started = await fixture.call('POST', '/v1/journeys', {
    bearer: API_KEY,
    json: {
      reference: fixture.harness.reference(name),
      flow: 'selfie',
      region: 'ap-singapore',
      selfie: { CheckMode: 'compare' },
      compareImage: jpegBase64(name),
      timers: FAST_TIMERS,
    },
  });
  expect(started.status).toBe(201);
  await fixture.harness.sandbox.complete(started.body.token, 'pass');
  return started.body.journeyId;
}

async function finish(journeyId: string): Promise<{ outcome: unknown; policyVersion: unknown; reasons: unknown }> {
  const finished = await fixture.call('POST', fixture.path(journeyId, '/finished'), {
    bearer: fixture.secretOf(journeyId),
  });
  expect(finished.status).toBe(202);
  const result = await resultOf(fixture, journeyId);
  expect(result.status).toBe(200);
  const { outcome, policyVersion, reasons } = result.body;
  return { outcome, policyVersion, reasons };
}

async function draft(document: PolicyDocument): Promise<number> {
  const created = await fixture.call('POST', '/v1/policies', { bearer: OPERATOR_KEY, json: { document } });
  expect(created.status).toBe(201);
  return created.body.version as number;
}

describe('rolling out a stricter policy version', () => {
  let decidedBefore: string;
  let startedBefore: string;
  let stricter: number;

  it('decides journeys by the first version until another is published', async () => {
    decidedBefore = await startPassingSelfie('before');
    expect(await finish(decidedBefore)).toEqual({
      outcome: 'approved',
      policyVersion: 1,
      reasons: ['all_checks_passed'],
    });
  });

  it('back-tests the stricter draft over the journeys already decided, before it is published', async () => {
    stricter = await draft(STRICTER);
    const report = await fixture.call('POST', `/v1/policies/${stricter}/backtest`, {
      bearer: OPERATOR_KEY,
      json: { from: since, to: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(report.status).toBe(200);
    expect(report.body.transitions).toEqual([{ from: 'approved', to: 'rejected', count: 1 }]);
    const changed = (report.body.changed as { journeys: Array<Record<string, unknown>> }).journeys;
    expect(changed).toEqual([
      expect.objectContaining({
        journeyId: decidedBefore,
        ownVersion: 1,
        own: { decision: 'approved', reasons: ['all_checks_passed'] },
        candidate: { decision: 'rejected', reasons: ['similarity_below_threshold'] },
      }),
    ]);
  });

  it('changes the outcome of journeys started after the publication only', async () => {
    startedBefore = await startPassingSelfie('straddling');
    await waitForStage(fixture, startedBefore, 'awaiting_user');

    const published = await fixture.call('POST', `/v1/policies/${stricter}/publish`, { bearer: SECOND_OPERATOR_KEY });
    expect(published.status).toBe(200);
    const current = await fixture.call('GET', '/v1/policies/current', { bearer: OPERATOR_KEY });
    expect(current.body).toMatchObject({ version: stricter, current: true, state: 'published' });

    const startedAfter = await startPassingSelfie('after');
    expect(await finish(startedAfter)).toEqual({
      outcome: 'rejected',
      policyVersion: stricter,
      reasons: ['similarity_below_threshold'],
    });
    // Started under version 1, finished under the stricter one: the journey keeps the version it started with.
    expect(await finish(startedBefore)).toMatchObject({ outcome: 'approved', policyVersion: 1 });
    const status = await fixture.call('GET', fixture.path(decidedBefore), { bearer: API_KEY });
    expect(status.body).toMatchObject({ outcome: 'approved', policyVersion: 1 });
  });

  it('evaluates a shadow version beside the current one without effect, and lists where they disagree', async () => {
    const shadow = await draft(REVIEWING);
    const marked = await fixture.call('POST', `/v1/policies/${shadow}/publish`, {
      bearer: OPERATOR_KEY,
      json: { shadow: true },
    });
    expect(marked.status).toBe(200);

    const journeyId = await startPassingSelfie('shadowed');
    expect(await finish(journeyId)).toMatchObject({ outcome: 'rejected', policyVersion: stricter });
    const listed = await fixture.call(
      'GET',
      `/v1/policies/shadow/disagreements?from=${encodeURIComponent(since)}&to=${encodeURIComponent(
        new Date(Date.now() + 60_000).toISOString(),
      )}`,
      { bearer: OPERATOR_KEY },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.disagreements).toEqual([
      expect.objectContaining({
        journeyId,
        policyVersion: stricter,
        policyDecision: 'rejected',
        shadowVersion: shadow,
        shadowDecision: 'review',
      }),
    ]);
  });
});
