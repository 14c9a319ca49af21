import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { eventually } from '../support/eventually';
import { FAST_TIMERS, inputFor } from '../support/journeys';

let harness: JourneyHarness;
beforeAll(async () => {
  harness = await startJourneyHarness();
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
    const page = await harness.ekyc.reviewQueue({ ...filter, limit, ...(after ? { after } : {}) });
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
    await eventually(async () => expect((await harness.ekyc.reviewQueue()).waiting).toBe(5), {
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
    const first = await harness.ekyc.reviewQueue({ limit: 2 });
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
    const claimed = (await harness.ekyc.reviewQueue({ claim: 'claimed' })).cases[0];
    expect(claimed).toMatchObject({ journeyId: journeys.in30m, claimedBy: 'op-q' });
  });

  it('refuses a malformed filter, naming the field', async () => {
    await expect(harness.ekyc.reviewQueue({ reason: "x' OR 1=1" })).rejects.toThrow(/reason/);
    await expect(harness.ekyc.reviewQueue({ after: 'garbage' })).rejects.toThrow(/after/);
  });
});
