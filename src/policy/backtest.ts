import { resolveRules, type JourneyPolicyOverrides, type PinnedPolicy } from '../contracts/policy-document';
import { redecide, type DecisionInputs } from '../workflows/decision';

/** The longest period one back-test covers: a year, leap day included. */
const BACKTEST_MAX_DAYS = 366;
/** Changed journeys per answer unless the caller asks for another number (at most {@link BACKTEST_MAX_LIMIT}). */
export const BACKTEST_DEFAULT_LIMIT = 50;
export const BACKTEST_MAX_LIMIT = 500;
/** Records read per query: enough to keep round trips few, few enough that a year of records never sits in memory. */
export const BACKTEST_READ_BATCH = 5_000;

/** The journeys a back-test decides again: those that ended in `[from, to)`, of one flow or region if named. */
export interface BacktestPeriod {
  /** ISO timestamps. */
  from: string;
  to: string;
  flow?: string;
  region?: string;
}

/** Where the reading stopped: the last record's end (epoch ms) and id, in the order records are read. */
export interface RecordCursor {
  endedAtMs: number;
  id: string;
}

/** One decision record as a back-test reads it: ids, enums and what the decision used, never personal data. */
export interface BacktestRecord {
  id: string;
  /** Null once the journey was erased. */
  journeyId: string | null;
  reference: string | null;
  flow: string;
  region: string;
  /** The version the journey was pinned to; null for journeys started before versions. */
  policyVersion: number | null;
  /** The journey's outcome: approved, rejected, expired, cancelled or failed. */
  outcome: string;
  /** What the policy concluded before any review (approved, rejected, review); null when nothing was decided. */
  policyDecision: string | null;
  reasons: string[];
  /** What the decision used, and the journey's own overrides; null when the journey ended before a decision. */
  inputs: { decision: DecisionInputs; overrides?: JourneyPolicyOverrides } | null;
  endedAtMs: number;
}

/** Reads records of a period ordered by (end, id), `limit` at a time after `after`. */
export interface BacktestRecordSource {
  page(period: BacktestPeriod, after: RecordCursor | undefined, limit: number): Promise<BacktestRecord[]>;
}

/** Which page of changed journeys to answer with: at most `limit` after the `next` of the previous page. */
export interface BacktestPage {
  limit?: number;
  after?: string;
}

/** One journey the candidate would have decided otherwise. */
interface ChangedJourney {
  journeyId: string | null;
  reference: string | null;
  endedAt: string;
  flow: string;
  region: string;
  ownVersion: number | null;
  own: { decision: string; reasons: string[] };
  candidate: { decision: string; reasons: string[] };
}

/** What a candidate version would have done to the journeys of a period, beside what their own versions did. */
export interface BacktestReport {
  candidate: { version: number; sha256: string };
  period: BacktestPeriod;
  /** Records in the period. */
  total: number;
  /** Records with decision inputs: the only ones a candidate can change. */
  decided: number;
  outcomes: { own: Record<string, number>; candidate: Record<string, number> };
  /** Every pair of own and candidate outcomes that occurred, the unchanged ones (the diagonal) included. */
  transitions: Array<{ from: string; to: string; count: number }>;
  /** Reasons the candidate gives that the journey's own decision did not, and the reverse, counted per journey. */
  reasons: { added: Record<string, number>; removed: Record<string, number> };
  /** The page of journeys whose outcome changed, in the order they ended; `next` pages on. */
  changed: { journeys: ChangedJourney[]; next?: string };
}

/** The period or page cannot be back-tested as asked; `code` is stable. */
export class BacktestRequestError extends Error {
  override readonly name = 'BacktestRequestError';
  constructor(
    readonly code: 'period_too_long' | 'invalid_period' | 'invalid_cursor',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Decides every journey of a period again under a candidate version and compares it with what the journey's own
 * version decided. The counts cover the whole period on every page; only the changed journeys are paged. Records are
 * read in batches of {@link BACKTEST_READ_BATCH}, so memory does not grow with the period.
 */
export async function backtest(
  records: BacktestRecordSource,
  candidate: PinnedPolicy,
  period: BacktestPeriod,
  page: BacktestPage = {},
): Promise<BacktestReport> {
  checkPeriod(period);
  const limit = Math.min(Math.max(page.limit ?? BACKTEST_DEFAULT_LIMIT, 1), BACKTEST_MAX_LIMIT);
  const after = page.after === undefined ? undefined : parseBacktestCursor(page.after);
  const tally = new Tally(limit, after);
  let cursor: RecordCursor | undefined;
  for (;;) {
    const batch = await records.page(period, cursor, BACKTEST_READ_BATCH);
    for (const record of batch) tally.add(record, compare(record, candidate));
    const last = batch[batch.length - 1];
    if (!last || batch.length < BACKTEST_READ_BATCH) break;
    cursor = { endedAtMs: last.endedAtMs, id: last.id };
  }
  return tally.report({ version: candidate.version, sha256: candidate.sha256 }, period);
}

/** A period of at most {@link BACKTEST_MAX_DAYS} days with `from` before `to`. */
function checkPeriod(period: BacktestPeriod): void {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  if (Number.isNaN(from) || Number.isNaN(to) || from >= to) {
    throw new BacktestRequestError('invalid_period', 'from and to must be ISO timestamps, from before to');
  }
  if (to - from > BACKTEST_MAX_DAYS * 24 * 3600 * 1000) {
    throw new BacktestRequestError('period_too_long', `a back-test covers at most ${BACKTEST_MAX_DAYS} days`);
  }
}

/** The `next` cursor: the last changed journey's end in epoch ms (13 digits) and its record id, as the review queue's. */
export const BACKTEST_CURSOR_PATTERN = /^(\d{13})~(\d{1,19})$/;

function formatCursor(record: BacktestRecord): string {
  return `${String(record.endedAtMs).padStart(13, '0')}~${record.id}`;
}

function parseBacktestCursor(after: string): RecordCursor {
  const match = BACKTEST_CURSOR_PATTERN.exec(after);
  if (!match) throw new BacktestRequestError('invalid_cursor', 'after must be the next cursor of a previous page');
  return { endedAtMs: Number(match[1]), id: match[2] as string };
}

interface Comparison {
  own: { decision: string; reasons: string[] };
  candidate: { decision: string; reasons: string[] };
}

/** A record without inputs ended before any decision: the same under every version. */
function compare(record: BacktestRecord, candidate: PinnedPolicy): Comparison {
  const own = { decision: record.policyDecision ?? record.outcome, reasons: policyReasons(record.reasons) };
  if (!record.inputs) return { own, candidate: own };
  const rules = resolveRules(candidate.document, record, record.inputs.overrides);
  return { own, candidate: redecide(record.inputs.decision, rules) };
}

/** How a review ends: the reasons it appends after the policy's own (then the reviewer's reason code, if any). */
const REVIEW_ENDINGS = new Set(['review_approved', 'review_rejected', 'review_timeout']);

/** The reasons the policy itself gave: a reviewed journey's record goes on with what the review added. */
function policyReasons(reasons: string[]): string[] {
  const cut = reasons.findIndex((reason) => REVIEW_ENDINGS.has(reason));
  return cut < 0 ? reasons : reasons.slice(0, cut);
}

function isAfter(record: BacktestRecord, cursor: RecordCursor): boolean {
  if (record.endedAtMs !== cursor.endedAtMs) return record.endedAtMs > cursor.endedAtMs;
  // Record ids are decimal bigints: compare them as such.
  return record.id.length !== cursor.id.length ? record.id.length > cursor.id.length : record.id > cursor.id;
}

/** The counts of a back-test as records pass, and the page of changed journeys it answers with. */
class Tally {
  private total = 0;
  private decided = 0;
  private readonly own = new Map<string, number>();
  private readonly candidate = new Map<string, number>();
  private readonly transitions = new Map<string, { from: string; to: string; count: number }>();
  private readonly added = new Map<string, number>();
  private readonly removed = new Map<string, number>();
  private readonly changed: ChangedJourney[] = [];
  private next?: string;
  /** The last changed journey on the page, whose position the next page starts after. */
  private lastOnPage?: BacktestRecord;

  constructor(
    private readonly limit: number,
    private readonly after: RecordCursor | undefined,
  ) {}

  add(record: BacktestRecord, { own, candidate }: Comparison): void {
    this.total += 1;
    if (record.inputs) this.decided += 1;
    increment(this.own, own.decision);
    increment(this.candidate, candidate.decision);
    const key = `${own.decision}\u0000${candidate.decision}`;
    const transition = this.transitions.get(key) ?? { from: own.decision, to: candidate.decision, count: 0 };
    transition.count += 1;
    this.transitions.set(key, transition);
    if (record.inputs) this.countReasons(own.reasons, candidate.reasons);
    if (own.decision !== candidate.decision) this.keepChanged(record, { own, candidate });
  }

  private countReasons(own: readonly string[], candidate: readonly string[]): void {
    for (const reason of new Set(candidate)) if (!own.includes(reason)) increment(this.added, reason);
    for (const reason of new Set(own)) if (!candidate.includes(reason)) increment(this.removed, reason);
  }

  private keepChanged(record: BacktestRecord, comparison: Comparison): void {
    if (this.after && !isAfter(record, this.after)) return;
    if (this.changed.length === this.limit) {
      // One more exists beyond the page: the page says where to go on.
      if (this.next === undefined && this.lastOnPage) this.next = formatCursor(this.lastOnPage);
      return;
    }
    this.lastOnPage = record;
    this.changed.push({
      journeyId: record.journeyId,
      reference: record.reference,
      endedAt: new Date(record.endedAtMs).toISOString(),
      flow: record.flow,
      region: record.region,
      ownVersion: record.policyVersion,
      ...comparison,
    });
  }

  report(candidate: BacktestReport['candidate'], period: BacktestPeriod): BacktestReport {
    return {
      candidate,
      period,
      total: this.total,
      decided: this.decided,
      outcomes: { own: sorted(this.own), candidate: sorted(this.candidate) },
      transitions: [...this.transitions.values()].sort(
        (a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
      ),
      reasons: { added: sorted(this.added), removed: sorted(this.removed) },
      changed: { journeys: this.changed, ...(this.next !== undefined ? { next: this.next } : {}) },
    };
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Counts as a plain object, keys in order, so answers compare and print the same every time. */
function sorted(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
