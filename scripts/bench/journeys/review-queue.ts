import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetch } from 'undici';
import { readReviewQueue, type ReviewQueuePage } from '../../../src/review/review-queue';
import { journeyDurations } from '../../../src/workflows/journey-durations';
import { seedReviewCases, type SeededCase } from '../../lib/review-cases';
import { rssMiBOfTree } from './proc';
import { percentile, round } from './stats';
import type { Stack } from './stack';
import { progress, withStack } from './with-stack';

const LIMIT = 50;
/** Each of the first, middle and last pages is fetched this many times for its latency figures. */
const SAMPLES = 30;
const DAY = 24 * 3600_000;

interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The figures of the review-queue run, as the JSON line carries them. */
interface ReviewQueueResult {
  cases: number;
  overdue: number;
  undated: number;
  seedSeconds: number;
  pages: number;
  limit: number;
  page: Latency;
  firstPage: Latency;
  middlePage: Latency;
  lastPage: Latency;
  recordsReadMax: number;
  countsMax: number;
  everyCaseOnceInOrder: boolean;
  serverRssMiB: number;
}

/** What the section text adds. */
export interface ReviewQueueDetail {
  result: ReviewQueueResult;
  recordsReadMean: number;
  countsMean: number;
  samples: number;
}

const latency = (values: number[]): Latency => ({
  p50Ms: round(percentile(values, 50), 0),
  p99Ms: round(percentile(values, 99), 0),
  maxMs: round(percentile(values, 100), 0),
});

/**
 * `cases` journeys waiting for a reviewer, seeded through the Temporal client with the queue's attributes on a stack
 * without a worker (so they stay as seeded): most due the default review deadline after they entered review, a tenth
 * overdue by up to a day, one in thirty-three without a deadline. The whole queue is paged through the gateway
 * (`GET /v1/review-queue`, operator key); each page is read again here to count the records and counts it cost.
 */
export function reviewQueue(cases: number): Promise<ReviewQueueDetail> {
  return withStack({ quotaPerSecond: 1000, workers: 0 }, async (stack) => {
    const runId = Date.now().toString(36);
    const reviewDeadlineMs = journeyDurations({ flow: 'ekyc' }).reviewDeadlineMs;
    const seeded = new Map<string, SeededCase>();
    function* arrivals(): Generator<SeededCase> {
      for (let i = 0; i < cases; i += 1) {
        const journeyId = `ekyc:bench-rq-${runId}-${String(i).padStart(6, '0')}`;
        const now = Date.now();
        const deadlineMs =
          i % 33 === 5 ? undefined : i % 10 === 0 ? now - 1 - Math.floor(Math.random() * DAY) : now + reviewDeadlineMs;
        const entry = { journeyId, ...(deadlineMs === undefined ? {} : { deadlineMs }) };
        seeded.set(journeyId, entry);
        yield entry;
      }
    }
    progress(`review-queue: seeding ${cases} cases in review`);
    const seedStart = performance.now();
    await seedReviewCases(stack.client, stack.taskQueue, arrivals(), 32);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const undated = [...seeded.values()].filter((entry) => entry.deadlineMs === undefined).length;
    const overdue = [...seeded.values()].filter((entry) => (entry.deadlineMs ?? Infinity) < Date.now()).length;
    for (let i = 0; (await stack.client.workflow.count(`TaskQueue = '${stack.taskQueue}'`)).count < cases; i += 1) {
      if (i === 120) throw new Error('visibility did not show every seeded case within a minute');
      await sleep(500);
    }

    progress(`review-queue: paging through the gateway, ${LIMIT} a page`);
    const afters: Array<string | undefined> = [];
    const pages: ReviewQueuePage[] = [];
    const pageMs: number[] = [];
    let after: string | undefined;
    do {
      afters.push(after);
      const started = performance.now();
      const page = await fetchPage(stack, after);
      pageMs.push(performance.now() - started);
      pages.push(page);
      after = page.next;
    } while (after && pages.length <= cases);
    const served = pages.flatMap((page) => page.cases);
    const problem =
      checkOrder(served, seeded) ?? (pages.some((page) => page.waiting !== cases) ? 'waiting is not every case' : null);

    progress(`review-queue: ${pages.length} pages; reading each again to count what it cost`);
    const reads: Array<{ records: number; counts: number }> = [];
    for (const [index, cursor] of afters.entries()) {
      const read = await readReviewQueue(stack.client, stack.taskQueue, { limit: LIMIT, after: cursor });
      const ids = (page: ReviewQueuePage) => page.cases.map((entry) => entry.journeyId).join();
      if (ids(read.page) !== ids(pages[index] as ReviewQueuePage)) throw new Error(`page ${index} read differently`);
      reads.push({ records: read.recordsRead, counts: read.counts });
    }
    const sample = async (cursor: string | undefined) => {
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i += 1) {
        const started = performance.now();
        await fetchPage(stack, cursor);
        times.push(performance.now() - started);
      }
      return latency(times);
    };
    const result: ReviewQueueResult = {
      cases,
      overdue,
      undated,
      seedSeconds: round(seedSeconds, 1),
      pages: pages.length,
      limit: LIMIT,
      page: latency(pageMs),
      firstPage: await sample(undefined),
      middlePage: await sample(afters[Math.floor(afters.length / 2)]),
      lastPage: await sample(afters.at(-1)),
      recordsReadMax: Math.max(...reads.map((read) => read.records)),
      countsMax: Math.max(...reads.map((read) => read.counts)),
      everyCaseOnceInOrder: problem === null,
      serverRssMiB: round(rssMiBOfTree(stack.pids.server), 0),
    };
    progress(`review-queue: ${JSON.stringify(result)}`);
    if (problem) throw new Error(`the queue did not serve every case once, in order: ${problem}`);
    const mean = (values: number[]) => round(values.reduce((sum, value) => sum + value, 0) / values.length, 1);
    return {
      result,
      recordsReadMean: mean(reads.map((read) => read.records)),
      countsMean: mean(reads.map((read) => read.counts)),
      samples: SAMPLES,
    };
  });
}

async function fetchPage(stack: Stack, after: string | undefined): Promise<ReviewQueuePage> {
  const query = new URLSearchParams({ limit: String(LIMIT), ...(after ? { after } : {}) });
  const response = await fetch(`${stack.gatewayUrl}/v1/review-queue?${query.toString()}`, {
    dispatcher: stack.http,
    headers: { authorization: `Bearer ${stack.operatorKey}` },
    signal: AbortSignal.any([stack.signal, AbortSignal.timeout(60_000)]),
  });
  if (response.status !== 200) throw new Error(`GET /v1/review-queue: HTTP ${response.status}`);
  return (await response.json()) as ReviewQueuePage;
}

/**
 * Why the served cases are not every seeded case once in the queue's order (dated by deadline, then undated by start
 * time, ties by journey id), or null when they are.
 */
function checkOrder(served: ReviewQueuePage['cases'], seeded: Map<string, SeededCase>): string | null {
  const seen = new Set<string>();
  type Key = [number, number, string];
  const compare = (a: Key, b: Key) => a[0] - b[0] || a[1] - b[1] || (a[2] > b[2] ? 1 : a[2] < b[2] ? -1 : 0);
  let previous: Key | undefined;
  for (const entry of served) {
    const expected = seeded.get(entry.journeyId);
    if (!expected) return `${entry.journeyId} was never seeded`;
    if (seen.has(entry.journeyId)) return `${entry.journeyId} served twice`;
    seen.add(entry.journeyId);
    const deadlineMs = entry.deadline === undefined ? undefined : Date.parse(entry.deadline);
    if (deadlineMs !== expected.deadlineMs) return `${entry.journeyId} served with another deadline`;
    const key: Key = [deadlineMs === undefined ? 1 : 0, deadlineMs ?? Date.parse(entry.startedAt), entry.journeyId];
    if (previous && compare(key, previous) <= 0) return `${entry.journeyId} served out of order`;
    previous = key;
  }
  return seen.size === seeded.size ? null : `${seeded.size - seen.size} cases never served`;
}
