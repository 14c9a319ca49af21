import type { PacerGrant } from '../../../src/quota';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { peakInOneSecond } from '../../support/peak';

/**
 * Two worker processes (two harnesses: own connections, workers and quota leases) on one task queue, against one
 * emulator that refuses any call beyond the quota in a sliding second. A low quota makes every journey queue up.
 */
const QUOTA = 3;
const JOURNEYS = 18;

let first: JourneyHarness;
let second: JourneyHarness;
const grants: Array<PacerGrant & { worker: string }> = [];

beforeAll(async () => {
  first = await startJourneyHarness({
    rateLimit: QUOTA,
    onQuotaGrant: (grant) => grants.push({ ...grant, worker: 'first' }),
  });
  second = await startJourneyHarness({
    rateLimit: QUOTA,
    joinTaskQueueOf: first,
    onQuotaGrant: (grant) => grants.push({ ...grant, worker: 'second' }),
  });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

it('keeps two workers on one task queue within the quota, every call in a slot of its own', async () => {
  const outcomes = await Promise.all(
    Array.from({ length: JOURNEYS }, async () => {
      const reference = first.reference('shared-quota');
      const journey = await first.ekyc.startJourney({
        reference,
        flow: 'liveness',
        region: 'ap-singapore',
        liveness: { SecureLevel: '4' },
        timers: { pollInitialMs: 250, pollMaxMs: 1_000 },
      });
      await first.sandbox.complete(journey.token, 'pass');
      await first.ekyc.userFinished(journey.journeyId);
      return (await first.ekyc.result(journey.journeyId)).outcome;
    }),
  );
  expect(outcomes).toEqual(Array(JOURNEYS).fill('approved'));

  // The limiter's own decisions: no slot given twice, never more than the quota's slots in a second, both workers
  // calling (the second joined after the first and waited out the guard). A call retried on a busy machine (an
  // activity timeout) takes a slot of its own, so there may be more calls than journeys, never fewer.
  const stats = await first.sandbox.stats();
  for (const action of ['ApplyLivenessToken', 'GetLivenessResult']) {
    const ofAction = grants.filter((grant) => grant.key === action);
    expect(ofAction.length).toBeGreaterThanOrEqual(JOURNEYS);
    expect(new Set(ofAction.map((grant) => grant.slot)).size).toBe(ofAction.length);
    expect(peakInOneSecond(ofAction.map((grant) => grant.slotTimeMs))).toBeLessThanOrEqual(QUOTA);
    // And what FaceID saw: every call it received had been granted a slot. Whether arrivals also stayed within the
    // window depends on how busy this machine is (a refusal is retried, never fails a journey): the bench measures
    // that, a test does not.
    expect(stats.actions[action]?.calls).toBe(ofAction.length);
  }
  expect(new Set(grants.map((grant) => grant.worker))).toEqual(new Set(['first', 'second']));
});
