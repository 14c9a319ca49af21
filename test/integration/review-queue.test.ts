import { randomUUID } from 'node:crypto';
import { readReviewQueue, WINDOW_SLACK, type ReviewQueueFilter } from '../../src/review/review-queue';
import { ReviewService } from '../../src/review/review-service';
import { seedReviewCases, type SeededCase } from '../../scripts/lib/review-cases';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { eventually } from '../support/eventually';
import { FAST_TIMERS, inputFor } from '../support/journeys';

let harness: JourneyHarness;
let review: ReviewService;
beforeAll(async () => {
  harness = await startJourneyHarness();
  review = new ReviewService({ journeys: harness.ekyc, client: harness.client });
});
afterAll(() => harness?.close());

const MINUTE = 60_000;

/**
 * Sends an eKYC journey to review with its own deadline: a document warning in Singapore, or an elevated device risk in
 * Hong Kong.
 */
async function sendToReview(why: 'document' | 'device', reviewDeadlineMs: number): Promise<string> {
  const reference = harness.reference(`queue-${why}`);
  const input = await inputFor(harness, 'ekyc', reference);
  const region = why === 'document' ? 'ap-singapore' : 'ap-hongkong';
  const started = await harness.ekyc.startJourney({ ...input, region, timers: { ...FAST_TIMERS, reviewDeadlineMs } });
  if (why === 'document') await harness.sandbox.complete(started.token, 'document_warning');
  else await harness.sandbox.complete(started.token, 'pass', { deviceRiskLevel: '3' });
  await harness.ekyc.userFinished(started.journeyId);
  return started.journeyId;
}

/** Pages through the queue with `limit`, collecting journey ids in the order served. */
async function readQueue(filter: Record<string, unknown>, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await review.queue({ ...filter, limit, ...(after ? { after } : {}) });
    ids.push(...page.cases.map((entry) => entry.journeyId));
    after = page.next;
  } while (after);
  return ids;
}

describe('the review queue', () => {
  const journeys: Record<string, string> = {};

  beforeAll(async () => {
    // Deadlines spread over several of the queue's windows (1 h, then 2 h, 4 h, ...), started out of order.
    journeys.in5h = await sendToReview('document', 5 * 60 * MINUTE);
    journeys.in10m = await sendToReview('document', 10 * MINUTE);
    journeys.in2h = await sendToReview('device', 2 * 60 * MINUTE);
    journeys.in30m = await sendToReview('document', 30 * MINUTE);
    journeys.in20h = await sendToReview('document', 20 * 60 * MINUTE);
    await eventually(async () => expect((await review.queue()).waiting).toBe(5), {
      what: 'all five journeys in the review queue',
      timeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    for (const journeyId of Object.values(journeys)) {
      await harness.ekyc.review(journeyId, { decision: 'approved', reviewer: 'op-q', reason: 'queue test done' });
    }
  });

  it('serves cases soonest deadline first, page by page, from visibility', async () => {
    const order = [journeys.in10m, journeys.in30m, journeys.in2h, journeys.in5h, journeys.in20h];
    expect(await readQueue({}, 2)).toEqual(order);
    expect(await readQueue({}, 50)).toEqual(order);
    const first = await review.queue({ limit: 2 });
    expect(first.waiting).toBe(5);
    expect(first.next).toBeDefined();
    expect(first.cases[0]).toMatchObject({
      flow: 'ekyc',
      region: 'ap-singapore',
      reason: 'document_warning',
      step: 'first',
    });
    expect(Date.parse(first.cases[0]?.deadline ?? '')).toBeGreaterThan(Date.now() + 5 * MINUTE);
  });

  it('filters by flow, region, reason and claim', async () => {
    expect(await readQueue({ region: 'ap-hongkong' }, 10)).toEqual([journeys.in2h]);
    expect(await readQueue({ reason: 'device_risk_elevated' }, 10)).toEqual([journeys.in2h]);
    expect(await readQueue({ reason: 'document_warning' }, 10)).not.toContain(journeys.in2h);
    expect(await readQueue({ flow: 'liveness' }, 10)).toEqual([]);
    expect(await readQueue({ flow: 'ekyc' }, 10)).toHaveLength(5);
    await harness.ekyc.claimReview(journeys.in30m as string, { reviewer: 'op-q' });
    await eventually(async () => expect(await readQueue({ claim: 'claimed' }, 10)).toContain(journeys.in30m), {
      what: 'the claim in visibility',
    });
    expect(await readQueue({ claim: 'unclaimed' }, 10)).not.toContain(journeys.in30m);
    const claimed = (await review.queue({ claim: 'claimed' })).cases[0];
    expect(claimed).toMatchObject({ journeyId: journeys.in30m, claimedBy: 'op-q' });
  });

  it('refuses a malformed filter, naming the field', async () => {
    await expect(review.queue({ reason: "x' OR 1=1" })).rejects.toThrow(/reason/);
    await expect(review.queue({ after: 'garbage' })).rejects.toThrow(/after/);
  });
});

describe('the review queue in bounded reads', () => {
  // No worker polls this queue: the seeded cases stay Running with the attributes they started with.
  const taskQueue = `queue-paging-${randomUUID()}`;
  const run = randomUUID().slice(0, 8);
  const HOUR = 60 * MINUTE;
  const LIMIT = 7;
  /** Two windows of at most WINDOW_SLACK times a page's need (limit + 1): the cursor's ties may leave the first short. */
  const MAX_READ = 2 * WINDOW_SLACK * (LIMIT + 1);
  const seeded: SeededCase[] = [];
  let undated: string[] = [];

  /** Every page of the queue with `limit`, with what each cost. */
  async function readAll(filter: ReviewQueueFilter, limit: number) {
    const pages = [];
    let after: string | undefined;
    do {
      const read = await readReviewQueue(harness.client, taskQueue, { ...filter, limit, ...(after ? { after } : {}) });
      pages.push(read);
      after = read.page.next;
    } while (after && pages.length < 1000);
    return { ids: pages.flatMap((read) => read.page.cases.map((entry) => entry.journeyId)), pages };
  }

  /** The queue's order: dated cases by deadline then id (by code unit), then the undated ones as started. */
  function expectedOrder(cases: SeededCase[]): string[] {
    const dated = cases.filter((entry) => entry.deadlineMs !== undefined);
    dated.sort(
      (a, b) =>
        (a.deadlineMs as number) - (b.deadlineMs as number) ||
        (a.journeyId < b.journeyId ? -1 : a.journeyId > b.journeyId ? 1 : 0),
    );
    const late = new Set(cases.filter((entry) => entry.deadlineMs === undefined).map((entry) => entry.journeyId));
    return [...dated.map((entry) => entry.journeyId), ...undated.filter((id) => late.has(id))];
  }

  beforeAll(async () => {
    const now = Date.now();
    const id = (kind: string, i: number) => `ekyc:paging-${run}-${kind}-${String(i).padStart(3, '0')}`;
    const region = (i: number): SeededCase['region'] => (i % 3 === 0 ? 'ap-hongkong' : 'ap-singapore');
    // A burst that entered review within a second, due a day later: five cases per millisecond.
    for (let i = 0; i < 150; i += 1) {
      seeded.push({ journeyId: id('burst', i), deadlineMs: now + 24 * HOUR + (i % 30) * 37, region: region(i) });
    }
    // Twenty cases due in the same millisecond, ids differing in case: pages must split them by id alone.
    for (let i = 0; i < 20; i += 1) {
      seeded.push({ journeyId: id(i % 2 ? 'TIE' : 'tie', i), deadlineMs: now + 24 * HOUR + 500, region: region(i) });
    }
    // A hundred overdue cases (their deadline passed while no worker ran), and a few due in days.
    for (let i = 0; i < 100; i += 1) {
      seeded.push({ journeyId: id('overdue', i), deadlineMs: now - 3 * HOUR + i * 50, region: region(i) });
    }
    for (let i = 0; i < 5; i += 1) {
      seeded.push({ journeyId: id('later', i), deadlineMs: now + (10 + i) * 24 * HOUR, region: region(i) });
    }
    await seedReviewCases(harness.client, taskQueue, seeded);
    // Cases from before deadlines were kept, one after the other so that their start times give their order.
    const legacy = Array.from({ length: 12 }, (_, i) => ({ journeyId: id('undated', i), region: region(i) }));
    await seedReviewCases(harness.client, taskQueue, legacy, 1);
    seeded.push(...legacy);
    undated = legacy.map((entry) => entry.journeyId);
    await eventually(
      async () => expect((await readReviewQueue(harness.client, taskQueue, {})).page.waiting).toBe(seeded.length),
      { what: 'every seeded case in visibility', timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    for (const entry of seeded) {
      await harness.client.workflow.getHandle(entry.journeyId).terminate('review queue test done');
    }
  });

  it('serves overdue cases, a burst, ties in one millisecond and undated cases once each, in order', async () => {
    const { ids, pages } = await readAll({}, LIMIT);
    expect(ids).toEqual(expectedOrder(seeded));
    expect(pages.every((read) => read.page.waiting === seeded.length)).toBe(true);
    // However many cases share a window (a hundred overdue, a hundred and seventy due within a second).
    expect(Math.max(...pages.map((read) => read.recordsRead))).toBeLessThanOrEqual(MAX_READ);
  });

  it('pages a filtered queue the same way', async () => {
    const inHongKong = seeded.filter((entry) => entry.region === 'ap-hongkong');
    const { ids, pages } = await readAll({ region: 'ap-hongkong' }, LIMIT);
    expect(ids).toEqual(expectedOrder(inHongKong));
    expect(Math.max(...pages.map((read) => read.recordsRead))).toBeLessThanOrEqual(MAX_READ);
    expect((await readAll({ region: 'ap-hongkong' }, 50)).ids).toEqual(ids);
  });

  it('refuses a cursor that is not one', async () => {
    await expect(readReviewQueue(harness.client, taskQueue, { after: 'x0000000000000~ekyc:a' })).rejects.toThrow(
      /after/,
    );
  });
});
