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
import { JourneyInputError } from './journey-input';

const HOUR = 3600_000;
/** The first deadline window a page reads; it doubles until the page is full or nothing is left. */
const FIRST_WINDOW_MS = HOUR;
/** No review deadline lies further ahead than this (a journey's timers are capped at 30 days). */
const LAST_DEADLINE_MS = 60 * 24 * HOUR;

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
  /** The `next` cursor of the previous page. */
  after: z
    .string()
    .regex(/^\d{13}~ekyc:[A-Za-z0-9._-]{1,100}$/, 'must be the next cursor of a previous page')
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

/**
 * The review queue from visibility alone (no query reaches a journey), ordered by review deadline, soonest first.
 *
 * SQL visibility cannot sort by a custom attribute, so a page reads the queue in deadline windows: cases whose deadline
 * falls before now + 1 h (or in [cursor, cursor + 1 h) on later pages), then a window twice as long, and so on until
 * the page is full or every dated case has been seen; each window is sorted here. A page reads about one window more
 * than it shows, whatever the queue's length. Cases without a deadline (they entered review before the queue kept
 * one) come after the dated ones, on the last page.
 */
export async function listReviewQueue(
  client: Client,
  taskQueue: string,
  rawFilter: ReviewQueueFilter,
): Promise<ReviewQueuePage> {
  const parsed = reviewQueueFilterSchema.safeParse(rawFilter);
  if (!parsed.success) {
    throw new JourneyInputError(
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const filter = parsed.data;
  const base = baseQuery(taskQueue, filter);
  const waiting = (await client.workflow.count(base)).count;
  const cursor = filter.after ? parseCursor(filter.after) : undefined;
  const cases: ReviewCase[] = [];
  const want = filter.limit + 1;

  // Cases with a deadline, window by window from the cursor on; the first window without a cursor also takes every
  // overdue case (a deadline passed while no worker ran).
  const deadline = ekycReviewDeadlineKey.name;
  const dated = (await client.workflow.count(`${base} AND ${deadline} IS NOT NULL`)).count;
  let seen = cursor ? (await client.workflow.count(`${base} AND ${deadline} < '${iso(cursor.deadlineMs)}'`)).count : 0;
  let from = cursor?.deadlineMs;
  let windowMs = FIRST_WINDOW_MS;
  let to = (from ?? Date.now()) + windowMs;
  while (cases.length < want && seen < dated && to < Date.now() + LAST_DEADLINE_MS) {
    const lower = from === undefined ? '' : ` AND ${deadline} >= '${iso(from)}'`;
    const inWindow = await listAll(client, `${base}${lower} AND ${deadline} < '${iso(to)}'`);
    seen += inWindow.length;
    cases.push(...inWindow.filter((entry) => !cursor || isAfter(entry, cursor)).sort(byDeadline));
    from = to;
    windowMs *= 2;
    to = from + windowMs;
  }
  // Cases that entered review before deadlines were kept: after the dated ones, on the last page.
  if (cases.length < want) {
    const undated = await listAll(client, `${base} AND ${deadline} IS NULL`, want - cases.length);
    cases.push(...undated.sort((a, b) => a.startedAt.localeCompare(b.startedAt)));
  }
  const page = cases.slice(0, filter.limit);
  const last = page.at(-1);
  const next = cases.length > filter.limit && last?.deadline ? cursorOf(last) : undefined;
  return { cases: page, ...(next ? { next } : {}), waiting };
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

async function listAll(client: Client, query: string, limit = Number.MAX_SAFE_INTEGER): Promise<ReviewCase[]> {
  const cases: ReviewCase[] = [];
  for await (const execution of client.workflow.list({ query, pageSize: 1000 })) {
    cases.push(reviewCaseOf(execution));
    if (cases.length >= limit) break;
  }
  return cases;
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

function byDeadline(a: ReviewCase, b: ReviewCase): number {
  return (a.deadline ?? '').localeCompare(b.deadline ?? '') || a.journeyId.localeCompare(b.journeyId);
}

interface Cursor {
  deadlineMs: number;
  journeyId: string;
}

function cursorOf(entry: ReviewCase): string {
  return `${String(Date.parse(entry.deadline ?? '')).padStart(13, '0')}~${entry.journeyId}`;
}

function parseCursor(value: string): Cursor {
  const [deadline = '0', journeyId = ''] = value.split('~');
  return { deadlineMs: Number(deadline), journeyId };
}

/** Whether a case comes after the cursor in deadline order (ties broken by journey id). */
function isAfter(entry: ReviewCase, cursor: Cursor): boolean {
  const deadlineMs = Date.parse(entry.deadline ?? '');
  return deadlineMs > cursor.deadlineMs || (deadlineMs === cursor.deadlineMs && entry.journeyId > cursor.journeyId);
}
