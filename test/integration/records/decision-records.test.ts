import { createDecisionRecordActivities } from '../../../src/activities/decision-record-activities';
import { DecisionRecords, cursorOf, cursorText } from '../../../src/records/decision-records';
import type { DecisionRecordInput } from '../../../src/workflows/decision-record';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

// The decision records' SQL against a real PostgreSQL: one write per journey, erasure that forgets who, retention,
// and the pages the back-test and the shadow listing read.

let db: TestDatabase;
let records: DecisionRecords;

beforeAll(async () => {
  db = await createTestDatabase();
  records = new DecisionRecords(db.database);
});

afterAll(() => db?.drop());

function ended(journey: string, endedAt: string, overrides: Partial<DecisionRecordInput> = {}): DecisionRecordInput {
  return {
    journeyId: `ekyc:${journey}`,
    reference: journey,
    flow: 'liveness',
    region: 'ap-singapore',
    policy: { version: 2, sha256: 'a'.repeat(64) },
    policyOverridden: false,
    ending: 'decided',
    outcome: 'approved',
    policyDecision: 'approved',
    reasons: ['all_checks_passed'],
    inputs: {
      decision: {
        result: { tagMatched: true, compare: { passed: true, similarity: 91 } },
        expected: { compare: false, document: false, tagged: true },
      },
    },
    shadow: null,
    stages: { issuing_token: endedAt, awaiting_user: endedAt },
    startedAt: endedAt,
    endedAt,
    ...overrides,
  };
}

describe('decision records', () => {
  it('writes a journey once: a retried write of the same journey changes nothing', async () => {
    await records.insert(ended('once', '2026-03-01T10:00:00.000Z'));
    await records.insert(ended('once', '2026-03-01T10:00:05.000Z', { outcome: 'rejected' }));
    const [row] = await db.database.query<{ count: string }>(
      `SELECT count(*)::text AS count FROM decision_records WHERE journey_id = 'ekyc:once'`,
    );
    expect(row?.count).toBe('1');
    const record = await records.get('ekyc:once');
    expect(record).toMatchObject({
      reference: 'once',
      policyVersion: 2,
      ending: 'decided',
      outcome: 'approved',
      policyDecision: 'approved',
      reasons: ['all_checks_passed'],
      stages: { issuing_token: '2026-03-01T10:00:00.000Z' },
      endedAt: '2026-03-01T10:00:00.000Z',
      erasedAt: null,
    });
    expect(record?.inputs?.decision.result.compare?.similarity).toBe(91);
  });

  it('erasure forgets the journey id and reference and keeps the anonymous inputs', async () => {
    await records.insert(ended('erased', '2026-03-02T10:00:00.000Z'));
    expect(await records.erase('ekyc:erased')).toBe(true);
    expect(await records.erase('ekyc:erased')).toBe(false);
    expect(await records.get('ekyc:erased')).toBeUndefined();
    const [row] = await db.database.query<{ journey_id: string | null; reference: string | null; inputs: unknown }>(
      `SELECT journey_id, reference, inputs FROM decision_records WHERE erased_at IS NOT NULL`,
    );
    expect(row).toMatchObject({ journey_id: null, reference: null });
    expect(row?.inputs).toBeTruthy();
  });

  it('pages a period in the order journeys ended, filtered by flow, with a cursor that survives a round trip', async () => {
    const base = Date.parse('2026-04-01T00:00:00.000Z');
    for (let i = 0; i < 5; i += 1) {
      await records.insert(ended(`page-${i}`, new Date(base + i * 60_000).toISOString()));
    }
    await records.insert(ended('page-selfie', new Date(base + 30_000).toISOString(), { flow: 'selfie' }));
    const period = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-02T00:00:00.000Z', flow: 'liveness' };
    const first = await records.page(period, undefined, 2);
    expect(first.records.map((record) => record.reference)).toEqual(['page-0', 'page-1']);
    expect(first.next).toBeDefined();
    const second = await records.page(period, cursorOf(cursorText(first.next!)), 2);
    expect(second.records.map((record) => record.reference)).toEqual(['page-2', 'page-3']);
    const last = await records.page(period, second.next, 2);
    expect(last.records.map((record) => record.reference)).toEqual(['page-4']);
    expect(last.next).toBeUndefined();
  });

  it('lists only the journeys whose shadow version decided otherwise', async () => {
    const at = '2026-05-01T00:00:00.000Z';
    await records.insert(
      ended('shadow-agrees', at, { shadow: { version: 3, decision: 'approved', reasons: ['all_checks_passed'] } }),
    );
    await records.insert(
      ended('shadow-differs', at, {
        shadow: { version: 3, decision: 'review', reasons: ['similarity_below_threshold'] },
      }),
    );
    await records.insert(ended('no-shadow', at));
    const page = await records.shadowDisagreements(
      { from: '2026-05-01T00:00:00.000Z', to: '2026-05-02T00:00:00.000Z' },
      undefined,
      10,
    );
    expect(page.records.map((record) => [record.reference, record.policyDecision, record.shadowDecision])).toEqual([
      ['shadow-differs', 'approved', 'review'],
    ]);
  });

  it('retention deletes the records of journeys that ended before the cutoff, and only those', async () => {
    await records.insert(ended('old', '2020-01-01T00:00:00.000Z'));
    await records.insert(ended('recent', '2026-06-01T00:00:00.000Z'));
    expect(await records.purgeEndedBefore(new Date('2021-01-01T00:00:00.000Z'))).toBe(1);
    expect(await records.get('ekyc:old')).toBeUndefined();
    expect(await records.get('ekyc:recent')).toBeDefined();
  });
});

describe('the retention sweep’s purge activity', () => {
  it('deletes records past DECISION_RECORD_RETENTION_DAYS and keeps those within it', async () => {
    const day = 86_400_000;
    await records.insert(ended('past-retention', new Date(Date.now() - 401 * day).toISOString()));
    await records.insert(ended('within-retention', new Date(Date.now() - 399 * day).toISOString()));
    const { purgeDecisionRecords } = createDecisionRecordActivities({ database: db.database, retentionDays: 400 });
    expect(await purgeDecisionRecords()).toBe(1);
    expect(await records.get('ekyc:past-retention')).toBeUndefined();
    expect(await records.get('ekyc:within-retention')).toBeDefined();
  });
});
