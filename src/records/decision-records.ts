import type { Queryable } from '../db/database';
import type { JourneyPolicyOverrides } from '../contracts/policy-document';
import type { DecisionInputs } from '../workflows/decision';
import type { DecisionRecordInput, JourneyEnding } from '../workflows/decision-record';
import type { Flow, Outcome, Stage } from '../workflows/types';

/** A stored decision record: what a journey's decision used and concluded, never personal data. */
export interface DecisionRecord {
  id: string;
  /** Null once the journey was erased. */
  journeyId: string | null;
  reference: string | null;
  flow: Flow;
  region: string;
  policyVersion: number | null;
  policySha256: string | null;
  policyOverridden: boolean;
  ending: JourneyEnding;
  outcome: Outcome;
  policyDecision: string | null;
  reasons: string[];
  inputs: { decision: DecisionInputs; overrides?: JourneyPolicyOverrides } | null;
  shadowVersion: number | null;
  shadowDecision: string | null;
  shadowReasons: string[] | null;
  stages: Partial<Record<Stage, string>>;
  /** ISO timestamps. */
  startedAt: string;
  endedAt: string;
  erasedAt: string | null;
}

/** Where a page of records starts: after this record in (ended_at, id) order. */
export interface RecordCursor {
  endedAt: string;
  id: string;
}

/** The period and filters of a page of records. */
export interface RecordPeriod {
  /** ISO timestamps: records that ended at or after `from` and before `to`. */
  from: string;
  to: string;
  flow?: string;
  region?: string;
}

/** One page of records in (ended_at, id) order, and where the next begins when there is more. */
export interface RecordPage {
  records: DecisionRecord[];
  next?: RecordCursor;
}

interface RecordRow {
  id: string;
  journey_id: string | null;
  reference: string | null;
  flow: Flow;
  region: string;
  policy_version: number | null;
  policy_sha256: string | null;
  policy_overridden: boolean;
  ending: JourneyEnding;
  outcome: Outcome;
  policy_decision: string | null;
  reasons: string[];
  inputs: DecisionRecord['inputs'];
  shadow_version: number | null;
  shadow_decision: string | null;
  shadow_reasons: string[] | null;
  stages: Partial<Record<Stage, string>>;
  started_at: Date;
  ended_at: Date;
  erased_at: Date | null;
}

const COLUMNS = `id::text AS id, journey_id, reference, flow, region, policy_version, policy_sha256, policy_overridden,
  ending, outcome, policy_decision, reasons, inputs, shadow_version, shadow_decision, shadow_reasons, stages,
  started_at, ended_at, erased_at`;

/** The SQL of the decision records (`decision_records`, migration 1): written at each journey's end, read by queries. */
export class DecisionRecords {
  constructor(private readonly db: Queryable) {}

  /** Writes a journey's record once: a retried write of the same journey changes nothing. */
  async insert(record: DecisionRecordInput): Promise<void> {
    await this.db.query(
      `INSERT INTO decision_records (journey_id, reference, flow, region, policy_version, policy_sha256,
         policy_overridden, ending, outcome, policy_decision, reasons, inputs, shadow_version, shadow_decision,
         shadow_reasons, stages, started_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (journey_id) DO NOTHING`,
      [
        record.journeyId,
        record.reference,
        record.flow,
        record.region,
        record.policy?.version ?? null,
        record.policy?.sha256 ?? null,
        record.policyOverridden,
        record.ending,
        record.outcome,
        record.policyDecision,
        record.reasons,
        record.inputs === null ? null : JSON.stringify(record.inputs),
        record.shadow?.version ?? null,
        record.shadow?.decision ?? null,
        record.shadow?.reasons ?? null,
        JSON.stringify(record.stages),
        record.startedAt,
        record.endedAt,
      ],
    );
  }

  /** The journey's record, or undefined (never written, or erased). */
  async get(journeyId: string): Promise<DecisionRecord | undefined> {
    const rows = await this.db.query<RecordRow>(`SELECT ${COLUMNS} FROM decision_records WHERE journey_id = $1`, [
      journeyId,
    ]);
    return rows[0] ? recordOf(rows[0]) : undefined;
  }

  /**
   * Erasure: the record forgets which journey and reference it was (the anonymous decision inputs stay for back-tests).
   * True when a record was erased now.
   */
  async erase(journeyId: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE decision_records SET journey_id = NULL, reference = NULL, erased_at = now()
       WHERE journey_id = $1 RETURNING id`,
      [journeyId],
    );
    return rows.length > 0;
  }

  /** Retention: deletes the records of journeys that ended before `date`; answers how many. */
  async purgeEndedBefore(date: Date): Promise<number> {
    const rows = await this.db.query(`DELETE FROM decision_records WHERE ended_at < $1 RETURNING id`, [
      date.toISOString(),
    ]);
    return rows.length;
  }

  /** A page of the records that ended in the period, in (ended_at, id) order, after `after`. */
  async page(period: RecordPeriod, after: RecordCursor | undefined, limit: number): Promise<RecordPage> {
    return this.pageWhere(period, after, limit, 'true');
  }

  /** A page of the records whose shadow version decided otherwise than the pinned one, in (ended_at, id) order. */
  async shadowDisagreements(period: RecordPeriod, after: RecordCursor | undefined, limit: number): Promise<RecordPage> {
    return this.pageWhere(
      period,
      after,
      limit,
      'shadow_decision IS NOT NULL AND shadow_decision IS DISTINCT FROM policy_decision',
    );
  }

  private async pageWhere(
    period: RecordPeriod,
    after: RecordCursor | undefined,
    limit: number,
    condition: string,
  ): Promise<RecordPage> {
    const rows = await this.db.query<RecordRow>(
      `SELECT ${COLUMNS} FROM decision_records
       WHERE ended_at >= $1 AND ended_at < $2
         AND ($3::text IS NULL OR flow = $3) AND ($4::text IS NULL OR region = $4)
         AND ($5::timestamptz IS NULL OR (ended_at, id) > ($5::timestamptz, $6::bigint))
         AND ${condition}
       ORDER BY ended_at, id
       LIMIT $7`,
      [
        period.from,
        period.to,
        period.flow ?? null,
        period.region ?? null,
        after?.endedAt ?? null,
        after?.id ?? null,
        limit + 1,
      ],
    );
    const records = rows.slice(0, limit).map(recordOf);
    const last = records.at(-1);
    return { records, ...(rows.length > limit && last ? { next: { endedAt: last.endedAt, id: last.id } } : {}) };
  }
}

function recordOf(row: RecordRow): DecisionRecord {
  return {
    id: row.id,
    journeyId: row.journey_id,
    reference: row.reference,
    flow: row.flow,
    region: row.region,
    policyVersion: row.policy_version,
    policySha256: row.policy_sha256,
    policyOverridden: row.policy_overridden,
    ending: row.ending,
    outcome: row.outcome,
    policyDecision: row.policy_decision,
    reasons: row.reasons,
    inputs: row.inputs,
    shadowVersion: row.shadow_version,
    shadowDecision: row.shadow_decision,
    shadowReasons: row.shadow_reasons,
    stages: row.stages,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at.toISOString(),
    erasedAt: row.erased_at?.toISOString() ?? null,
  };
}

/** A cursor as callers pass it (`after`, `next`): the record's end in epoch ms and its id. */
export function cursorText(cursor: RecordCursor): string {
  return `${Date.parse(cursor.endedAt)}~${cursor.id}`;
}

/** The format of {@link cursorText}'s answers, for the routes' query schemas. */
export const RECORD_CURSOR_PATTERN = /^\d{1,15}~\d{1,19}$/;

/** The cursor a caller passed back (checked against {@link RECORD_CURSOR_PATTERN} at the edge). */
export function cursorOf(text: string): RecordCursor {
  const [endedAtMs = '0', id = '0'] = text.split('~');
  return { endedAt: new Date(Number(endedAtMs)).toISOString(), id };
}
