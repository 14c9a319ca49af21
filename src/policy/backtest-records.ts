import type { PinnedPolicy } from '../contracts/policy-document';
import type { Queryable } from '../db/database';
import { DecisionRecords } from '../records/decision-records';
import type { BacktestPeriod, BacktestRecord, BacktestRecordSource, RecordCursor } from './backtest';

/** Decision records as {@link backtest} reads them: pages of the records table in the order journeys ended. */
export function decisionRecordSource(db: Queryable): BacktestRecordSource {
  const records = new DecisionRecords(db);
  return {
    async page(period: BacktestPeriod, after: RecordCursor | undefined, limit: number): Promise<BacktestRecord[]> {
      const cursor = after && { endedAt: new Date(after.endedAtMs).toISOString(), id: after.id };
      const page = await records.page(period, cursor, limit);
      return page.records.map((record) => ({
        id: record.id,
        journeyId: record.journeyId,
        reference: record.reference,
        flow: record.flow,
        region: record.region,
        policyVersion: record.policyVersion,
        outcome: record.outcome,
        policyDecision: record.policyDecision,
        reasons: record.reasons,
        inputs: record.inputs,
        endedAtMs: Date.parse(record.endedAt),
      }));
    },
  };
}

/** A stored version as a back-test's candidate (any state: a draft is what one tests before publishing), if it exists. */
export async function candidateVersion(db: Queryable, version: number): Promise<PinnedPolicy | undefined> {
  const [row] = await db.query<PinnedPolicy>(
    'SELECT version, sha256, document FROM policy_versions WHERE version = $1',
    [version],
  );
  return row;
}
