import { QuotaPacer, type GrantedCall, type PacerGrant } from '../../../src/quota/pacer';
import type { QuotaMembership } from '../../../src/quota/membership';
import { lateCallToleranceMs } from '../../../src/quota/slot-plan';
import { peakInOneSecond } from '../../support/peak';

const QUOTA = 5;

/** A group of one: this member owns every slot, from the start of time. */
const alone = { memberId: 'a', views: () => [{ atMs: 0, members: ['a'] }], onChange: () => () => undefined };

beforeEach(() => {
  jest.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => jest.useRealTimers());

function pacerWithGrants(): { pacer: QuotaPacer; grants: PacerGrant[] } {
  const grants: PacerGrant[] = [];
  const pacer = new QuotaPacer({
    membership: alone as unknown as QuotaMembership,
    quotaFor: () => QUOTA,
    onGrant: (grant) => grants.push(grant),
  });
  return { pacer, grants };
}

describe('QuotaPacer', () => {
  it('pays for a call that left late with its slot one cycle on, so the departures stay within the quota', async () => {
    const { pacer, grants } = pacerWithGrants();
    const departures: number[] = [];
    const calls = 60;
    // Every fourth call leaves 150 ms after its grant: a garbage-collection pause or a starved CPU after the pacer.
    const done = Array.from({ length: calls }, async (_, index) => {
      const call = await pacer.acquire('GetLivenessResult');
      const leftAt = Date.now() + (index % 4 === 1 ? 150 : 1);
      departures.push(leftAt);
      call.left(leftAt);
      call.answered(leftAt + 2);
    });
    await jest.advanceTimersByTimeAsync(40_000);
    await Promise.all(done);

    expect(peakInOneSecond(departures)).toBeLessThanOrEqual(QUOTA);
    const slots = grants.map((grant) => grant.slot);
    const late = grants.filter((_, index) => index % 4 === 1 && index > 0).map((grant) => grant.slot);
    for (const slot of late) expect(slots).not.toContain(slot + QUOTA);
    expect(pacer.stats().GetLivenessResult).toMatchObject({
      granted: calls,
      leftLate: late.length,
      slowRoundTrip: 0,
      waiting: 0,
    });
    pacer.close();
  });

  it('gives up a slot it wakes for far too late, and calls after a smaller delay at the cost of the next cycle', async () => {
    // The pacer's clock runs ahead of the timers by `stall`: its timers fire that late, as on a blocked event loop.
    let stall = 0;
    const grants: PacerGrant[] = [];
    const pacer = new QuotaPacer({
      membership: alone as unknown as QuotaMembership,
      quotaFor: () => QUOTA,
      now: () => Date.now() + stall,
      onGrant: (grant) => grants.push(grant),
    });
    // Leaves as soon as it is let through, and is answered 2 ms later (round trips are not what this is about).
    const leaveAndAnswer = (granted: GrantedCall) => {
      granted.left();
      granted.answered(Date.now() + stall + 2);
    };
    const acquireNext = async (stallBeforeFire: number): Promise<void> => {
      const call = pacer.acquire('ApplyLivenessToken').then(leaveAndAnswer);
      stall += stallBeforeFire;
      await jest.advanceTimersByTimeAsync(2_000);
      await call;
    };
    await acquireNext(0);
    expect(pacer.stats().ApplyLivenessToken).toMatchObject({ granted: 1, late: 0, leftLate: 0 });
    // Past the warm-up (every other slot for the first 3 s), so the calls below could use consecutive slots.
    await jest.advanceTimersByTimeAsync(3_000);

    // Far too late (past half the tolerance): the slot is given up, the call goes at a later one, on time.
    await acquireNext(lateCallToleranceMs(QUOTA) / 2 + 20);
    expect(pacer.stats().ApplyLivenessToken).toMatchObject({ granted: 2, late: 1, leftLate: 0 });
    expect((grants[1]?.grantedAtMs ?? 0) - (grants[1]?.slotTimeMs ?? 0)).toBeLessThan(1);

    // Late by more than the spare allows, less than half the tolerance: it calls, and the slot a cycle on stays unused
    // while the calls queued behind it take every other slot.
    const queued = Array.from({ length: 2 * QUOTA + 1 }, () =>
      pacer.acquire('ApplyLivenessToken').then(leaveAndAnswer),
    );
    stall += 40;
    await jest.advanceTimersByTimeAsync(5_000);
    await Promise.all(queued);
    expect(pacer.stats().ApplyLivenessToken).toMatchObject({ late: 1, leftLate: 1 });
    const lateSlot = grants[2]?.slot ?? 0;
    expect(grants.slice(3).map((grant) => grant.slot - lateSlot)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);
    expect(grants.length).toBe(3 + 2 * QUOTA);
    pacer.close();
  });

  /**
   * Runs `calls` calls that leave 1 ms after their grant and are answered `roundTripMs(index)` later (`undefined`: no
   * answer), and returns the grants and what FaceID would see: each call's arrival, its departure plus `holdUp(index)`.
   */
  async function roundTrips(
    calls: number,
    roundTripMs: (index: number) => number | undefined,
    holdUp: (index: number) => number,
  ) {
    const { pacer, grants } = pacerWithGrants();
    const arrivals: number[] = [];
    const done = Array.from({ length: calls }, async (_, index) => {
      const call = await pacer.acquire('ApplyLivenessToken');
      const leftAt = Date.now() + 1;
      call.left(leftAt);
      arrivals.push(leftAt + holdUp(index));
      const roundTrip = roundTripMs(index);
      if (roundTrip !== undefined) call.answered(leftAt + roundTrip);
    });
    await jest.advanceTimersByTimeAsync(30_000);
    await Promise.all(done);
    const stats = pacer.stats().ApplyLivenessToken;
    pacer.close();
    return { grants, arrivals, stats };
  }

  it('pays for a call held up on the way to FaceID (its round trip ran long) with its slot one cycle on', async () => {
    // Every seventh call spends 60 ms more on the way there than the others: a loaded network or FaceID front.
    const heldUp = (index: number) => (index % 7 === 3 ? 60 : 0);
    const { grants, arrivals, stats } = await roundTrips(50, (index) => 4 + heldUp(index), heldUp);

    expect(peakInOneSecond(arrivals)).toBeLessThanOrEqual(QUOTA);
    const slots = grants.map((grant) => grant.slot);
    const slow = grants.filter((_, index) => index % 7 === 3).map((grant) => grant.slot);
    for (const slot of slow) expect(slots).not.toContain(slot + QUOTA);
    expect(stats).toMatchObject({ granted: 50, leftLate: 0, slowRoundTrip: slow.length });
  });

  it('costs nothing when every round trip is as long as the others, however long that is', async () => {
    const { grants, stats } = await roundTrips(
      30,
      () => 180,
      () => 90,
    );
    expect(stats).toMatchObject({ granted: 30, leftLate: 0, slowRoundTrip: 0 });
    // After the warm-up (every other slot for 3 s), the calls take consecutive slots.
    const later = grants.filter((grant) => grant.grantedAtMs - (grants[0] as PacerGrant).grantedAtMs > 3_500);
    expect(later.slice(1).every((grant, index) => grant.slot === (later[index] as PacerGrant).slot + 1)).toBe(true);
  });

  it('leaves a slot unused while the call one cycle before it is still unanswered', async () => {
    const { grants, stats } = await roundTrips(
      30,
      (index) => (index === 20 ? undefined : 4),
      () => 0,
    );
    const unanswered = (grants[20] as PacerGrant).slot;
    expect(grants.map((grant) => grant.slot)).not.toContain(unanswered + QUOTA);
    expect(stats).toMatchObject({ granted: 30, slowRoundTrip: 1 });
  });

  it('expects a wait of the calls ahead at its own rate, and tells listeners which calls were local', async () => {
    const { pacer } = pacerWithGrants();
    const seen: Array<{ key: string; local: boolean }> = [];
    pacer.onGranted((key, call) => seen.push({ key, local: call.local }));
    // Its own rate is the quota less the fill's spare (alone in the group).
    const slotMs = 1000 / pacer.ownRate('ApplyLivenessToken');
    expect(slotMs).toBeGreaterThan(1000 / QUOTA);
    expect(pacer.expectedWaitMs('ApplyLivenessToken')).toBe(slotMs);
    const calls = [
      pacer.acquire('ApplyLivenessToken', { local: true }),
      pacer.acquire('ApplyLivenessToken'),
      pacer.acquire('ApplyLivenessToken'),
    ];
    // Three waiting: a fourth call would wait for the slots of all four.
    expect(pacer.expectedWaitMs('ApplyLivenessToken')).toBe(4 * slotMs);
    await jest.advanceTimersByTimeAsync(2_000);
    for (const call of await Promise.all(calls)) call.left();
    expect(seen).toEqual([
      { key: 'ApplyLivenessToken', local: true },
      { key: 'ApplyLivenessToken', local: false },
      { key: 'ApplyLivenessToken', local: false },
    ]);
    expect(pacer.expectedWaitMs('ApplyLivenessToken')).toBe(slotMs);
    pacer.close();

    const outside = new QuotaPacer({
      membership: { ...alone, views: () => [{ atMs: 0, members: ['b'] }] } as unknown as QuotaMembership,
      quotaFor: () => QUOTA,
    });
    expect(outside.expectedWaitMs('ApplyLivenessToken')).toBe(Number.POSITIVE_INFINITY);
    outside.close();
  });

  it('rejects waiting calls when it closes', async () => {
    const { pacer } = pacerWithGrants();
    pacer.close();
    await expect(pacer.acquire('ApplyLivenessToken')).rejects.toThrow('quota pacer closed');
  });
});
