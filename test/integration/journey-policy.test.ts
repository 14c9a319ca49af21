import { freePorts } from '../../scripts/lib/free-port';
import type { JourneyStart } from '../../src/client/journey-input';
import { DEFAULT_POLICY_DOCUMENT, type PinnedPolicy, type PolicyDocument } from '../../src/contracts/policy-document';
import { ErasureService } from '../../src/erasure/erasure-service';
import { policySha256 } from '../../src/policy/policy-hash';
import { createLogger } from '../../src/logging';
import { DecisionRecords, type DecisionRecord } from '../../src/records/decision-records';
import { eventually } from '../support/eventually';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { inputFor, waitForStage } from '../support/journeys';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Journeys pinned to a policy version: decided by it, showing it, and leaving a decision record at every ending; a
// shadow version that disagrees is counted on /metrics and listed from the records.

let harness: JourneyHarness;
let db: TestDatabase;
let records: DecisionRecords;
let metricsUrl: string;

function pinned(version: number, document: PolicyDocument): PinnedPolicy {
  return { version, sha256: policySha256(document), document };
}

/** Version 1 as every database starts with it, and a stricter one: faces must match at 95 (the sandbox gives 92.5). */
const FIRST = pinned(1, DEFAULT_POLICY_DOCUMENT);
const STRICTER = pinned(2, {
  ...DEFAULT_POLICY_DOCUMENT,
  rules: { ...DEFAULT_POLICY_DOCUMENT.rules, similarityThreshold: 95 },
});
/** The stricter threshold, but a face below it goes to review rather than being rejected. */
const SHADOW = pinned(3, {
  ...DEFAULT_POLICY_DOCUMENT,
  rules: {
    ...DEFAULT_POLICY_DOCUMENT.rules,
    similarityThreshold: 95,
    reasonActions: { similarity_below_threshold: 'review' },
  },
});

beforeAll(async () => {
  db = await createTestDatabase();
  records = new DecisionRecords(db.database);
  const [port] = (await freePorts(1)) as [number];
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  // The file's first harness installs the process's runtime, here with the Prometheus exporter.
  harness = await startJourneyHarness({
    logger: createLogger({ component: 'worker', level: 'error' }),
    metricsBindAddress: `127.0.0.1:${port}`,
    database: db.database,
  });
}, 60_000);

afterAll(async () => {
  await harness?.close();
  await db?.drop();
});

/** A selfie journey started with `policies`, its user passing (similarity 92.5); answers its id and result. */
async function passedSelfie(prefix: string, policies: { pinnedPolicy?: PinnedPolicy; shadowPolicy?: PinnedPolicy }) {
  const input: JourneyStart = await inputFor(harness, 'selfie', harness.reference(prefix));
  const started = await harness.ekyc.startJourney(input, policies);
  await harness.sandbox.complete(started.token, 'pass');
  await harness.ekyc.userFinished(started.journeyId);
  return { journeyId: started.journeyId, result: await harness.ekyc.result(started.journeyId) };
}

/** The journey's decision record, once its last step has written it. */
function recordOf(journeyId: string): Promise<DecisionRecord> {
  return eventually(
    async () => {
      const record = await records.get(journeyId);
      if (!record) throw new Error('no record yet');
      return record;
    },
    { what: `the decision record of ${journeyId}` },
  );
}

/** Every field a record has: anything more (a name, a card number, a token) would be a leak. */
const RECORD_FIELDS = [
  'id',
  'journeyId',
  'reference',
  'flow',
  'region',
  'policyVersion',
  'policySha256',
  'policyOverridden',
  'ending',
  'outcome',
  'policyDecision',
  'reasons',
  'inputs',
  'shadowVersion',
  'shadowDecision',
  'shadowReasons',
  'stages',
  'startedAt',
  'endedAt',
  'erasedAt',
].sort();

describe('a journey pinned to a stricter published version', () => {
  it('is decided by it, shows it in status, result and visibility, and records what the decision used', async () => {
    const { journeyId, result } = await passedSelfie('policy-stricter', { pinnedPolicy: STRICTER });
    expect(result).toMatchObject({ outcome: 'rejected', policyVersion: 2, policyOverridden: false });
    expect(result.reasons).toContain('similarity_below_threshold');
    expect(await harness.ekyc.status(journeyId)).toMatchObject({ policyVersion: 2, stage: 'completed' });

    await eventually(
      async () => {
        const listed = await harness.ekyc.list({ policyVersion: 2 });
        expect(listed.map((journey) => journey.journeyId)).toContain(journeyId);
      },
      { what: 'the journey under EkycPolicyVersion = "2"' },
    );
    const description = await harness.client.workflow.getHandle(journeyId).describe();
    expect(description.searchAttributes.EkycPolicyVersion).toEqual(['2']);

    const record = await recordOf(journeyId);
    expect(Object.keys(record).sort()).toEqual(RECORD_FIELDS);
    expect(record).toMatchObject({
      flow: 'selfie',
      policyVersion: 2,
      policySha256: STRICTER.sha256,
      ending: 'decided',
      outcome: 'rejected',
      policyDecision: 'rejected',
      shadowDecision: null,
    });
    expect(record.inputs?.decision.result.compare).toEqual({ passed: true, similarity: 92.5 });
    expect(Object.keys(record.stages)).toEqual(expect.arrayContaining(['issuing_token', 'awaiting_user']));
  });

  it('leaves a journey pinned to the first version as it was decided: approved', async () => {
    const { result } = await passedSelfie('policy-first', { pinnedPolicy: FIRST });
    expect(result).toMatchObject({ outcome: 'approved', policyVersion: 1 });
  });

  it('reports no version for a journey started without one', async () => {
    const { journeyId, result } = await passedSelfie('policy-none', {});
    expect(result).toMatchObject({ outcome: 'approved', policyVersion: null });
    expect((await recordOf(journeyId)).policyVersion).toBeNull();
  });
});

describe('journeys that end without a decision', () => {
  it('record expired and cancelled endings with no decision inputs', async () => {
    const expiring = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', harness.reference('exp')), {
      pinnedPolicy: FIRST,
    });
    const cancelled = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', harness.reference('can')), {
      pinnedPolicy: FIRST,
    });
    await harness.ekyc.cancel(cancelled.journeyId);
    expect((await harness.ekyc.result(cancelled.journeyId)).outcome).toBe('cancelled');
    expect((await harness.ekyc.result(expiring.journeyId)).outcome).toBe('expired');

    expect(await recordOf(cancelled.journeyId)).toMatchObject({
      ending: 'cancelled',
      outcome: 'cancelled',
      policyDecision: null,
      inputs: null,
      reasons: ['user_cancelled'],
    });
    expect(await recordOf(expiring.journeyId)).toMatchObject({
      ending: 'expired',
      outcome: 'expired',
      policyDecision: null,
      inputs: null,
      policyVersion: 1,
    });
  }, 60_000);
});

describe('a journey decided by a reviewer', () => {
  it('records the policy’s review beside the reviewer’s outcome, written by the detached last step', async () => {
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'ekyc', harness.reference('reviewed')), {
      pinnedPolicy: FIRST,
    });
    await harness.sandbox.complete(started.token, 'document_warning');
    await harness.ekyc.userFinished(started.journeyId);
    await waitForStage(harness, started.journeyId, 'in_review');
    await harness.ekyc.review(started.journeyId, { decision: 'approved', reviewer: 'op-a', reason: 'checked' });
    expect((await harness.ekyc.result(started.journeyId)).outcome).toBe('approved');
    const record = await recordOf(started.journeyId);
    expect(record).toMatchObject({ ending: 'decided', outcome: 'approved', policyDecision: 'review' });
    expect(record.reasons).toEqual(expect.arrayContaining(['document_warning', 'review_approved']));
    expect(Object.keys(record.stages)).toContain('in_review');
  });
});

describe('a journey the policy ends failed', () => {
  it('records the failed ending with what the decision used', async () => {
    // FaceID flags the document -9109: the account lacks the capability, and the policy fails the journey.
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'ekyc', harness.reference('failed')), {
      pinnedPolicy: FIRST,
    });
    await harness.sandbox.completeWith(started.token, { scenario: 'pass', ocr: { warnings: [-9109] } });
    await harness.ekyc.userFinished(started.journeyId);
    expect((await harness.ekyc.result(started.journeyId)).outcome).toBe('failed');
    const record = await recordOf(started.journeyId);
    expect(record).toMatchObject({ ending: 'failed', outcome: 'failed', policyDecision: 'failed', policyVersion: 1 });
    expect(record.inputs?.decision.result.document?.warnings).toEqual(['-9109']);
  });
});

describe('a shadow version', () => {
  it('has no effect, and its disagreement is recorded, listed and counted', async () => {
    const { journeyId, result } = await passedSelfie('policy-shadow', { pinnedPolicy: FIRST, shadowPolicy: SHADOW });
    expect(result.outcome).toBe('approved');
    const record = await recordOf(journeyId);
    expect(record).toMatchObject({ policyDecision: 'approved', shadowVersion: 3, shadowDecision: 'review' });
    expect(record.shadowReasons).toContain('similarity_below_threshold');

    const listed = await records.shadowDisagreements(
      { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
      undefined,
      50,
    );
    expect(listed.records.map((entry) => entry.journeyId)).toEqual([journeyId]);

    await eventually(
      async () => {
        const text = await (await fetch(metricsUrl)).text();
        const line = text
          .split('\n')
          .find(
            (entry) =>
              entry.startsWith('ekyc_policy_shadow_disagreements_total{') &&
              entry.includes('from="approved"') &&
              entry.includes('to="review"') &&
              entry.includes(harness.taskQueue),
          );
        expect(line?.split(' ').at(-1)).toBe('1');
      },
      { what: 'one disagreement on /metrics' },
    );
  });
});

describe('erasure', () => {
  it('removes the journey id and reference from its record and keeps the anonymous inputs', async () => {
    const { journeyId } = await passedSelfie('policy-erased', { pinnedPolicy: FIRST });
    const before = await recordOf(journeyId);
    await new ErasureService({
      client: harness.client,
      store: harness.archive,
      dataKeys: harness.dataKeys,
      decisionRecords: records,
    }).erase(journeyId, { requestedBy: 'op-dpo', reason: 'data_subject_request' });
    expect(await records.get(journeyId)).toBeUndefined();
    const [row] = await db.database.query<{ journey_id: string | null; reference: string | null; erased: boolean }>(
      `SELECT journey_id, reference, erased_at IS NOT NULL AS erased, inputs IS NOT NULL AS kept
       FROM decision_records WHERE id = $1`,
      [before.id],
    );
    expect(row).toMatchObject({ journey_id: null, reference: null, erased: true, kept: true });
  });
});
