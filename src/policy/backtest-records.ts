import type { PinnedPolicy } from '../contracts/policy-document';
import type { Queryable } from '../db/database';
import type { BacktestPeriod, BacktestRecord, BacktestRecordSource, RecordCursor } from './backtest';

interface RecordRow {
  id: string;
  journey_id: string | null;
  reference: string | null;
  flow: string;
  region: string;
  policy_version: number | null;
  outcome: string;
  policy_decision: string | null;
  reasons: string[];
  inputs: BacktestRecord['inputs'];
  ended_at_ms: string;
}

// Keyset paging on (ended_at, id), the index's own order, so each batch is one index range scan whatever the offset.
// End times are written from JavaScript dates, so milliseconds are exact.
const PAGE_SQL = `
  SELECT id::text, journey_id, reference, flow, region, policy_version, outcome, policy_decision, reasons, inputs,
         (extract(epoch FROM ended_at) * 1000)::bigint::text AS ended_at_ms
    FROM decision_records
   WHERE (ended_at, id) > ($1::timestamptz, $2::bigint)
     AND ended_at < $3::timestamptz
     AND ($4::text IS NULL OR flow = $4)
     AND ($5::text IS NULL OR region = $5)
   ORDER BY ended_at, id
   LIMIT $6`;

/** Decision records from the `decision_records` table, for {@link backtest}. */
export function decisionRecordSource(db: Queryable): BacktestRecordSource {
  return {
    async page(period: BacktestPeriod, after: RecordCursor | undefined, limit: number): Promise<BacktestRecord[]> {
      // Without a cursor, start just before `from` (id 0 precedes every record), so `from` itself is included.
      const start = after ? new Date(after.endedAtMs).toISOString() : period.from;
      const rows = await db.query<RecordRow>(PAGE_SQL, [
        start,
        after ? after.id : '0',
        period.to,
        period.flow ?? null,
        period.region ?? null,
        limit,
      ]);
      return rows.map(recordOf);
    },
  };
}

function recordOf(row: RecordRow): BacktestRecord {
  return {
    id: row.id,
    journeyId: row.journey_id,
    reference: row.reference,
    flow: row.flow,
    region: row.region,
    policyVersion: row.policy_version,
    outcome: row.outcome,
    policyDecision: row.policy_decision,
    reasons: row.reasons,
    inputs: row.inputs,
    endedAtMs: Number(row.ended_at_ms),
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
