import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { z } from 'zod';
import { FACEID_REGIONS } from '../faceid/actions';
import {
  ekycFlowKey,
  ekycReasonKey,
  ekycRegionKey,
  ekycReviewClaimKey,
  ekycReviewDeadlineKey,
  ekycReviewStepKey,
  ekycStageKey,
} from '../workflows/search-attributes';
import { FLOWS, type Flow } from '../workflows/types';
import { JourneyInputError } from '../client/journey-input';
import { windowEnd } from './review-window';

/** A window a page reads holds at most this many times the cases the page needs (ties in one millisecond aside). */
export const WINDOW_SLACK = 4;

/** Filters of the review queue; each value is an enum or a code, so none can smuggle anything into the query. */
export const reviewQueueFilterSchema = z.strictObject({
  flow: z.enum(FLOWS as [Flow, ...Flow[]]).optional(),
  region: z.enum(FACEID_REGIONS).optional(),
  reason: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a reason code')
    .optional(),
  /** `unclaimed`: only cases nobody holds; `claimed`: only held ones. */
  claim: z.enum(['any', 'unclaimed', 'claimed']).default('any'),
  /** `second`: four-eyes rejections waiting for a second reviewer. */
  step: z.enum(['first', 'second']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `next` cursor of the previous page (`u` before the time: a case without a deadline). */
  after: z
    .string()
    .regex(/^u?\d{13}~ekyc:[A-Za-z0-9._-]{1,100}$/, 'must be the next cursor of a previous page')
    .optional(),
});

/** Filters of {@link listReviewQueue}. */
export type ReviewQueueFilter = z.input<typeof reviewQueueFilterSchema>;

/** One case waiting for a reviewer, from visibility alone: ids, enums and times, never personal data. */
interface ReviewCase {
  journeyId: string;
  flow: Flow;
  region: string;
  /** The policy's primary reason for review. */
  reason?: string;
  /** When the policy's default applies (ISO); absent for journeys that entered review before deadlines were kept. */
  deadline?: string;
  claimedBy?: string;
  step: 'first' | 'second';
  /** ISO timestamp of the journey's start. */
  startedAt: string;
}

/** A page of the queue, most urgent first; `next` pages on, `waiting` counts every case the filters match. */
export interface ReviewQueuePage {
  cases: ReviewCase[];
  next?: string;
  waiting: number;
}

/** A page of the queue with what reading it cost, for tests and the bench (the gateway serves only the page). */
export interface ReviewQueueRead {
  page: ReviewQueuePage;
  /** Executions listed from visibility. */
  recordsRead: number;
  /** Count queries made. */
  counts: number;
}

/**
 * The review queue from visibility alone (no query reaches a journey), ordered by review deadline, soonest first, then
 * journey id; cases without a deadline (they entered review before the queue kept one) come after every dated case,
 * oldest start first.
 *
 * SQL visibility cannot sort by a custom attribute, so a page lists one window of the queue and sorts it here. Count
 * queries choose the window (see {@link windowEnd}): from the cursor (on the first page from epoch 0, so every overdue
 * case comes first) up to an end an hour past the cursor or now, doubled while the window holds too few, then bisected
 * on a log scale of its distance until the window holds at least the page's need and at most {@link WINDOW_SLACK} times
 * it, or is one millisecond wide. A page thus lists a bounded number of records however the queue is shaped (10,000
 * cases due within minutes, thousands overdue), plus the ties that share one millisecond, for about ten counts; a
 * window that yields too few after the cursor's ties moves on to the next. The rest of a part that holds few enough is
 * listed whole. Undated cases are paged the same way by start time, with a cursor that starts with `u`.
 */
export async function listReviewQueue(
  client: Client,
  taskQueue: string,
  rawFilter: ReviewQueueFilter,
): Promise<ReviewQueuePage> {
  return (await readReviewQueue(client, taskQueue, rawFilter)).page;
}

/** {@link listReviewQueue}, with the records and counts the page cost. */
export async function readReviewQueue(
  client: Client,
  taskQueue: string,
  rawFilter: ReviewQueueFilter,
): Promise<ReviewQueueRead> {
  const parsed = reviewQueueFilterSchema.safeParse(rawFilter);
  if (!parsed.success) {
    throw new JourneyInputError(
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const filter = parsed.data;
  const reader = new VisibilityReader(client);
  const base = baseQuery(taskQueue, filter);
  const waiting = await reader.count(base);
  const cursor = filter.after ? parseCursor(filter.after) : undefined;
  const want = filter.limit + 1;
  const cap = WINDOW_SLACK * want;
  const cases: ReviewCase[] = [];
  if (!cursor?.undated) cases.push(...(await readPart(reader, DATED, base, cursor, want, cap)));
  if (cases.length < want) {
    const undatedCursor = cursor?.undated ? cursor : undefined;
    cases.push(...(await readPart(reader, UNDATED, base, undatedCursor, want - cases.length, cap)));
  }
  const page = cases.slice(0, filter.limit);
  const last = page.at(-1);
  const next = cases.length > filter.limit && last ? cursorOf(last) : undefined;
  return {
    page: { cases: page, ...(next ? { next } : {}), waiting },
    recordsRead: reader.recordsRead,
    counts: reader.counts,
  };
}

/** One part of the queue, in its own order: the dated cases by deadline, then the undated ones by start time. */
interface QueuePart {
  undated: boolean;
  /** The clause that selects the part's cases. */
  where: string;
  /** The Datetime attribute the part is ordered and windowed by. */
  key: string;
  /** The case's value of `key`, in ms. */
  at(entry: ReviewCase): number;
}

const DATED: QueuePart = {
  undated: false,
  where: `${ekycReviewDeadlineKey.name} IS NOT NULL`,
  key: ekycReviewDeadlineKey.name,
  at: (entry) => Date.parse(entry.deadline ?? ''),
};

const UNDATED: QueuePart = {
  undated: true,
  where: `${ekycReviewDeadlineKey.name} IS NULL`,
  key: 'StartTime',
  at: (entry) => Date.parse(entry.startedAt),
};

/**
 * At least `need` cases of one part after the cursor (fewer only when the part has no more), in the part's order,
 * window by window; a window holds at most `cap` cases unless they share one millisecond.
 */
async function readPart(
  reader: VisibilityReader,
  part: QueuePart,
  base: string,
  cursor: Cursor | undefined,
  need: number,
  cap: number,
): Promise<ReviewCase[]> {
  const query = `${base} AND ${part.where}`;
  const inWindow = (from: number, end?: number) =>
    `${query} AND ${part.key} >= '${iso(from)}'${end === undefined ? '' : ` AND ${part.key} < '${iso(end)}'`}`;
  const found: ReviewCase[] = [];
  // Epoch 0 on a first page: overdue cases (a deadline passed while no worker ran) come first, however old.
  let from = cursor?.atMs ?? 0;
  let anchor = cursor?.atMs ?? Date.now();
  while (found.length < need) {
    const rest = await reader.count(inWindow(from));
    if (rest === 0) break;
    const left = need - found.length;
    // The rest of the part, when it is small enough: no window to search for.
    const end =
      rest <= cap
        ? undefined
        : await windowEnd({ from, anchor, need: left, cap, countBelow: (at) => reader.count(inWindow(from, at)) });
    const window = await reader.list(inWindow(from, end));
    const after = cursor ? window.filter((entry) => isAfter(part, entry, cursor)) : window;
    found.push(...after.sort((a, b) => part.at(a) - part.at(b) || byId(a, b)));
    if (end === undefined) break;
    from = end;
    anchor = end;
  }
  return found;
}

function baseQuery(taskQueue: string, filter: z.output<typeof reviewQueueFilterSchema>): string {
  const clauses = [
    `WorkflowType = 'ekycJourney'`,
    `TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`,
    `ExecutionStatus = 'Running'`,
    `${ekycStageKey.name} = 'in_review'`,
  ];
  if (filter.flow) clauses.push(`${ekycFlowKey.name} = '${filter.flow}'`);
  if (filter.region) clauses.push(`${ekycRegionKey.name} = '${filter.region}'`);
  if (filter.reason) clauses.push(`${ekycReasonKey.name} = '${filter.reason}'`);
  if (filter.claim === 'unclaimed') clauses.push(`${ekycReviewClaimKey.name} IS NULL`);
  if (filter.claim === 'claimed') clauses.push(`${ekycReviewClaimKey.name} IS NOT NULL`);
  if (filter.step === 'second') clauses.push(`${ekycReviewStepKey.name} = 'second'`);
  if (filter.step === 'first') clauses.push(`${ekycReviewStepKey.name} != 'second'`);
  return clauses.join(' AND ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Visibility counts and lists, tallied. */
class VisibilityReader {
  recordsRead = 0;
  counts = 0;

  constructor(private readonly client: Client) {}

  async count(query: string): Promise<number> {
    this.counts += 1;
    return (await this.client.workflow.count(query)).count;
  }

  async list(query: string): Promise<ReviewCase[]> {
    const cases: ReviewCase[] = [];
    for await (const execution of this.client.workflow.list({ query, pageSize: 1000 })) {
      cases.push(reviewCaseOf(execution));
    }
    this.recordsRead += cases.length;
    return cases;
  }
}

function reviewCaseOf(execution: WorkflowExecutionInfo): ReviewCase {
  const attributes = execution.typedSearchAttributes;
  const deadline = attributes.get(ekycReviewDeadlineKey);
  const reason = attributes.get(ekycReasonKey);
  const claimedBy = attributes.get(ekycReviewClaimKey);
  return {
    journeyId: execution.workflowId,
    flow: attributes.get(ekycFlowKey) as Flow,
    region: attributes.get(ekycRegionKey) ?? '',
    ...(reason ? { reason } : {}),
    ...(deadline ? { deadline: deadline.toISOString() } : {}),
    ...(claimedBy ? { claimedBy } : {}),
    step: attributes.get(ekycReviewStepKey) === 'second' ? 'second' : 'first',
    startedAt: execution.startTime.toISOString(),
  };
}

/** Where the previous page ended: its last case's deadline (or start time, for an undated case) and journey id. */
interface Cursor {
  undated: boolean;
  atMs: number;
  journeyId: string;
}

function cursorOf(entry: ReviewCase): string {
  const part = entry.deadline ? DATED : UNDATED;
  return `${part.undated ? 'u' : ''}${String(part.at(entry)).padStart(13, '0')}~${entry.journeyId}`;
}

function parseCursor(value: string): Cursor {
  const [at = '0', journeyId = ''] = value.split('~');
  const undated = at.startsWith('u');
  return { undated, atMs: Number(undated ? at.slice(1) : at), journeyId };
}

/** Journey ids by code unit, as {@link isAfter} compares them (a locale's collation would disagree on case and `_`). */
function byId(a: ReviewCase, b: ReviewCase): number {
  return a.journeyId < b.journeyId ? -1 : a.journeyId > b.journeyId ? 1 : 0;
}

/** Whether a case comes after the cursor in its part's order (ties broken by journey id). */
function isAfter(part: QueuePart, entry: ReviewCase, cursor: Cursor): boolean {
  const atMs = part.at(entry);
  return atMs > cursor.atMs || (atMs === cursor.atMs && entry.journeyId > cursor.journeyId);
}
