import {
  DEFAULT_POLICY_DOCUMENT,
  type PinnedPolicy,
  type PolicyDocument,
} from '../../../src/contracts/policy-document';
import {
  backtest,
  BACKTEST_READ_BATCH,
  BacktestRequestError,
  type BacktestPeriod,
  type BacktestRecord,
  type BacktestRecordSource,
  type RecordCursor,
} from '../../../src/policy/backtest';
import { decide, decisionInputsOf, type Expectations } from '../../../src/workflows/decision';

// The back-test over records held in memory: what it counts, what it pages, and what it refuses.

const TAG = 'tag-1';
const SELFIE: Expectations = { compare: true, document: false, extra: TAG };
const DAY = 24 * 3600 * 1000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const PERIOD: BacktestPeriod = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

const stricter: PinnedPolicy = {
  version: 2,
  sha256: 'b'.repeat(64),
  document: {
    ...DEFAULT_POLICY_DOCUMENT,
    rules: { ...DEFAULT_POLICY_DOCUMENT.rules, similarityThreshold: 80 },
  } satisfies PolicyDocument,
};

/** A decided selfie journey with this similarity, recorded as version 1 decided it. */
function selfieRecord(id: number, similarity: number, extra: Partial<BacktestRecord> = {}): BacktestRecord {
  const result = {
    codes: { action: 'GetFaceIdResultIntl' as const, overall: '0' },
    compare: { passed: true, code: '0', similarity },
    extra: TAG,
  };
  const own = decide(result, undefined, DEFAULT_POLICY_DOCUMENT.rules, SELFIE);
  return {
    id: String(id),
    journeyId: `ekyc:ref-${id}`,
    reference: `ref-${id}`,
    flow: 'selfie',
    region: 'ap-singapore',
    policyVersion: 1,
    outcome: own.decision === 'review' ? 'approved' : own.decision,
    policyDecision: own.decision,
    reasons: own.reasons,
    inputs: { decision: decisionInputsOf(result, undefined, SELFIE) },
    endedAtMs: T0 + id * 1000,
    ...extra,
  };
}

/** A journey that expired before any decision. */
function expiredRecord(id: number): BacktestRecord {
  return {
    ...selfieRecord(id, 90),
    outcome: 'expired',
    policyDecision: null,
    reasons: ['user_did_not_finish'],
    inputs: null,
  };
}

/** Records in memory, read as the database reads them: by (end, id), after a cursor, a batch at a time. */
class MemoryRecords implements BacktestRecordSource {
  readonly batches: number[] = [];
  constructor(private readonly records: BacktestRecord[]) {}

  async page(period: BacktestPeriod, after: RecordCursor | undefined, limit: number): Promise<BacktestRecord[]> {
    const from = Date.parse(period.from);
    const to = Date.parse(period.to);
    const batch = this.records
      .filter((record) => record.endedAtMs >= from && record.endedAtMs < to)
      .filter((record) => period.flow === undefined || record.flow === period.flow)
      .filter((record) => period.region === undefined || record.region === period.region)
      .filter(
        (record) =>
          !after ||
          record.endedAtMs > after.endedAtMs ||
          (record.endedAtMs === after.endedAtMs && Number(record.id) > Number(after.id)),
      )
      .sort((a, b) => a.endedAtMs - b.endedAtMs || Number(a.id) - Number(b.id))
      .slice(0, limit);
    this.batches.push(batch.length);
    return Promise.resolve(batch);
  }
}

describe('backtest', () => {
  it('counts outcomes under the own and the candidate version, with the transitions and the reasons that changed', async () => {
    const records = [
      selfieRecord(1, 95),
      selfieRecord(2, 75),
      selfieRecord(3, 78),
      selfieRecord(4, 60),
      expiredRecord(5),
    ];
    const report = await backtest(new MemoryRecords(records), stricter, PERIOD);
    expect(report.candidate).toEqual({ version: 2, sha256: stricter.sha256 });
    expect(report.total).toBe(5);
    expect(report.decided).toBe(4);
    expect(report.outcomes.own).toEqual({ approved: 3, expired: 1, rejected: 1 });
    expect(report.outcomes.candidate).toEqual({ approved: 1, expired: 1, rejected: 3 });
    expect(report.transitions).toEqual([
      { from: 'approved', to: 'rejected', count: 2 },
      { from: 'approved', to: 'approved', count: 1 },
      { from: 'expired', to: 'expired', count: 1 },
      { from: 'rejected', to: 'rejected', count: 1 },
    ]);
    expect(report.reasons).toEqual({
      added: { similarity_below_threshold: 2 },
      removed: { all_checks_passed: 2 },
    });
    expect(report.changed.journeys.map((journey) => journey.journeyId)).toEqual(['ekyc:ref-2', 'ekyc:ref-3']);
    expect(report.changed.journeys[0]).toEqual({
      journeyId: 'ekyc:ref-2',
      reference: 'ref-2',
      endedAt: new Date(T0 + 2000).toISOString(),
      flow: 'selfie',
      region: 'ap-singapore',
      ownVersion: 1,
      own: { decision: 'approved', reasons: ['all_checks_passed'] },
      candidate: { decision: 'rejected', reasons: ['similarity_below_threshold'] },
    });
    expect(report.changed.next).toBeUndefined();
  });

  it('compares the reasons the policy gave, not what a review added after them', async () => {
    const reviewed: BacktestRecord = {
      ...selfieRecord(1, 95),
      outcome: 'approved',
      policyDecision: 'review',
      reasons: ['device_risk_elevated', 'review_approved', 'glare_only'],
      inputs: {
        decision: decisionInputsOf(
          {
            codes: { action: 'GetFaceIdResultIntl', overall: '0' },
            compare: { passed: true, code: '0', similarity: 95 },
            extra: TAG,
            deviceRiskLevel: '3',
          },
          undefined,
          SELFIE,
        ),
      },
    };
    const report = await backtest(new MemoryRecords([reviewed]), stricter, PERIOD);
    expect(report.transitions).toEqual([{ from: 'review', to: 'review', count: 1 }]);
    expect(report.reasons).toEqual({ added: {}, removed: {} });
  });

  it("applies the candidate's override for the record's flow and region, and the journey's own overrides last", async () => {
    const regional: PinnedPolicy = {
      ...stricter,
      document: {
        ...DEFAULT_POLICY_DOCUMENT,
        overrides: [{ region: 'ap-jakarta', rules: { similarityThreshold: 80 } }],
      },
    };
    const records = [
      selfieRecord(1, 75, { region: 'ap-jakarta' }),
      selfieRecord(2, 75),
      {
        ...selfieRecord(3, 75, { region: 'ap-jakarta' }),
        inputs: { ...selfieRecord(3, 75).inputs!, overrides: { similarityThreshold: 70 } },
      },
    ];
    const report = await backtest(new MemoryRecords(records), regional, PERIOD);
    expect(report.changed.journeys.map((journey) => journey.journeyId)).toEqual(['ekyc:ref-1']);
  });

  it('keeps the counts of the whole period on every page and pages the changed journeys with next', async () => {
    const records = Array.from({ length: 7 }, (_, index) => selfieRecord(index + 1, 75));
    const source = new MemoryRecords(records);
    const first = await backtest(source, stricter, PERIOD, { limit: 3 });
    expect(first.changed.journeys.map((journey) => journey.reference)).toEqual(['ref-1', 'ref-2', 'ref-3']);
    expect(first.changed.next).toBe(`${T0 + 3000}~3`);
    const second = await backtest(source, stricter, PERIOD, { limit: 3, after: first.changed.next });
    expect(second.changed.journeys.map((journey) => journey.reference)).toEqual(['ref-4', 'ref-5', 'ref-6']);
    const third = await backtest(source, stricter, PERIOD, { limit: 3, after: second.changed.next });
    expect(third.changed.journeys.map((journey) => journey.reference)).toEqual(['ref-7']);
    expect(third.changed.next).toBeUndefined();
    for (const page of [first, second, third]) expect(page.outcomes.candidate).toEqual({ rejected: 7 });
  });

  it('pages ties on the same end time by record id', async () => {
    const records = [3, 1, 2].map((id) => selfieRecord(id, 75, { endedAtMs: T0 }));
    const source = new MemoryRecords(records);
    const first = await backtest(source, stricter, PERIOD, { limit: 2 });
    expect(first.changed.journeys.map((journey) => journey.reference)).toEqual(['ref-1', 'ref-2']);
    const second = await backtest(source, stricter, PERIOD, { limit: 2, after: first.changed.next });
    expect(second.changed.journeys.map((journey) => journey.reference)).toEqual(['ref-3']);
  });

  it('reads the records in batches, never the whole period at once', async () => {
    const count = 2 * BACKTEST_READ_BATCH + 17;
    const records = Array.from({ length: count }, (_, index) =>
      selfieRecord(index + 1, index % 2 === 0 ? 95 : 75, { endedAtMs: T0 + index }),
    );
    const source = new MemoryRecords(records);
    const report = await backtest(source, stricter, PERIOD);
    expect(report.total).toBe(count);
    expect(source.batches).toEqual([BACKTEST_READ_BATCH, BACKTEST_READ_BATCH, 17]);
    expect(report.changed.journeys).toHaveLength(50);
  });

  it('only reads the flow and region asked for', async () => {
    const records = [
      selfieRecord(1, 75),
      selfieRecord(2, 75, { flow: 'ekyc' }),
      selfieRecord(3, 75, { region: 'ap-jakarta' }),
    ];
    const report = await backtest(new MemoryRecords(records), stricter, {
      ...PERIOD,
      flow: 'selfie',
      region: 'ap-singapore',
    });
    expect(report.total).toBe(1);
    expect(report.period).toEqual({ ...PERIOD, flow: 'selfie', region: 'ap-singapore' });
  });

  it('refuses a period longer than 366 days, one that ends before it starts, and a cursor it did not write', async () => {
    const source = new MemoryRecords([]);
    const refusal = (period: BacktestPeriod, after?: string) =>
      backtest(source, stricter, period, after === undefined ? {} : { after }).then(
        () => 'answered',
        (error: unknown) => (error instanceof BacktestRequestError ? error.code : 'other'),
      );
    const from = PERIOD.from;
    await expect(refusal({ from, to: new Date(T0 + 366 * DAY).toISOString() })).resolves.toBe('answered');
    await expect(refusal({ from, to: new Date(T0 + 366 * DAY + 1).toISOString() })).resolves.toBe('period_too_long');
    await expect(refusal({ from, to: from })).resolves.toBe('invalid_period');
    await expect(refusal(PERIOD, 'ekyc:ref-1')).resolves.toBe('invalid_cursor');
    expect(source.batches).toHaveLength(1);
  });
});
