import {
  bindingViews,
  nextOwnedSlot,
  ownRate,
  lateCallToleranceMs,
  ownsSlot,
  QUOTA_FILL,
  slotAtOrAfter,
  slotCycle,
  slotTime,
  slotToLeaveAfterLateCall,
  type MembershipView,
} from '../../../src/quota/slot-plan';
import { peakInOneSecond } from '../../support/peak';

const view = (atMs: number, ...members: string[]): MembershipView => ({ atMs, members: [...members].sort() });

describe('slot plan', () => {
  it.each([1, 2, 2.5, 3, 5, 7, 20, 50, 0.5])(
    'never puts more than the quota of %s slot times in one second',
    (quota) => {
      const first = slotAtOrAfter(1_700_000_000_000, quota);
      const times = Array.from({ length: Math.ceil(quota * 30) }, (_, index) => slotTime(first + index, quota));
      const cycle = Math.max(1, Math.floor(quota));
      expect(peakInOneSecond(times)).toBeLessThanOrEqual(cycle);
      expect(peakInOneSecond(times)).toBeGreaterThanOrEqual(cycle - 1);
      // The spare: a whole cycle of slots spans 1/QUOTA_FILL seconds.
      expect(slotTime(first + slotCycle(quota), quota) - slotTime(first, quota)).toBeCloseTo(
        quota < 1 ? 1000 / QUOTA_FILL / quota : 1000 / QUOTA_FILL,
        2,
      );
    },
  );

  it('splits the slots of a group so that every slot has exactly one owner, the same one cycle on', () => {
    const members = ['a', 'b', 'c'];
    const views = [view(0, ...members)];
    for (const quota of [1, 2, 5, 20]) {
      const cycle = slotCycle(quota);
      for (let slot = 1000; slot < 1300; slot += 1) {
        const owners = members.filter((member) => ownsSlot(slot, member, views, cycle));
        expect(owners.length).toBe(cycle >= members.length || slot % cycle < members.length ? 1 : 0);
        expect(members.filter((member) => ownsSlot(slot + cycle, member, views, cycle))).toEqual(owners);
      }
    }
    // Quota 20 with three members: 7, 7 and 6 slots of every 20.
    expect(ownRate(20, 'b', views)).toBeCloseTo((20 * QUOTA_FILL * 7) / 20, 5);
    expect(ownRate(20, 'c', views)).toBeCloseTo((20 * QUOTA_FILL * 6) / 20, 5);
  });

  it('keeps every window within the quota when calls leave late and their owners leave the slot one cycle on', () => {
    // Two members at quota 5; each call leaves up to the tolerance after its slot (a starved machine).
    const quota = 5;
    const views = [view(0, 'a', 'b')];
    const tolerance = lateCallToleranceMs(quota);
    expect(tolerance).toBeGreaterThan(200);
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const skip = new Set<number>();
    const departures: number[] = [];
    for (let slot = 0; slot < 2_000; slot += 1) {
      if (skip.has(slot)) continue;
      expect(['a', 'b'].filter((member) => ownsSlot(slot, member, views, slotCycle(quota)))).toHaveLength(1);
      const late = random() < 0.3 ? random() * tolerance * 0.99 : random() * 10;
      departures.push(slotTime(slot, quota) + late);
      if (late > 10) skip.add(slotToLeaveAfterLateCall(slot, quota));
    }
    expect(peakInOneSecond(departures)).toBeLessThanOrEqual(quota);
    // Without the rule the same departures crowd a window.
    const unguarded = Array.from({ length: 2_000 }, (_, slot) => slotTime(slot, quota) + (slot % 7 === 0 ? 60 : 0));
    expect(peakInOneSecond(unguarded)).toBeGreaterThan(quota);
  });

  it('gives a member only the slots it owns under every binding view while a change spreads', () => {
    const views = [view(0, 'a'), view(1000, 'a', 'b')];
    // Under {a} a owns everything; under {a, b} only the even slots: both views bind, so only the even slots.
    expect(nextOwnedSlot(11, 'a', views, 20)).toBe(12);
    // b is absent from the first view: nothing until that view stops binding.
    expect(nextOwnedSlot(11, 'b', views, 20)).toBeUndefined();
    // Slots it must leave unused are passed over.
    expect(nextOwnedSlot(11, 'a', views, 20, new Set([12, 14]))).toBe(16);
    expect(bindingViews(views, 1000 + 5_999, 6_000)).toHaveLength(2);
    expect(bindingViews(views, 1000 + 6_001, 6_000)).toEqual([views[1]]);
  });

  it('keeps the group under the quota while members join and leave at their own refresh times', () => {
    // Three processes, quota 5/s. Each refreshes every 2 s from its own start (b 700 ms, c 1.3 s after joining), so a change reaches them at different
    // times; the guard is 6 s. Every process wants to call at every slot it may use.
    const quota = 5;
    const refreshMs = 2_000;
    const guardMs = 6_000;
    // Who is in the group (as the store shows it) from when.
    const changes: Array<{ atMs: number; members: string[] }> = [
      { atMs: 0, members: ['a'] },
      { atMs: 10_000, members: ['a', 'b'] },
      { atMs: 25_000, members: ['a', 'b', 'c'] },
      { atMs: 40_000, members: ['a', 'c'] },
    ];
    const storeAt = (t: number): string[] => [...changes].reverse().find((change) => change.atMs <= t)?.members ?? [];
    const joinedAt: Record<string, number> = { a: 0, b: 10_000, c: 25_000 };
    const leftAt: Record<string, number> = { b: 40_000 };
    const viewsOf: Record<string, MembershipView[]> = { a: [], b: [], c: [] };
    const nextRefresh: Record<string, number> = { a: 0, b: 10_700, c: 26_300 };
    const used = new Map<number, string>();
    const horizon = 60_000;
    const slotLength = slotTime(1, quota);
    for (let slot = 0; slotTime(slot, quota) < horizon; slot += 1) {
      const t = slotTime(slot, quota);
      for (const member of Object.keys(viewsOf)) {
        const joined = joinedAt[member] as number;
        if (t < joined || t >= (leftAt[member] ?? Infinity)) continue;
        // Refreshes due up to t: the membership code starts a newcomer with an "absent" view unless it is alone.
        const views = viewsOf[member] as MembershipView[];
        for (let at = nextRefresh[member] as number; at <= t; at += refreshMs) {
          nextRefresh[member] = at + refreshMs;
          const members = storeAt(at);
          if (views.length === 0 && members.length > 1) views.push(view(at, ...[]));
          const last = views[views.length - 1];
          if (!last || last.members.join() !== members.join()) views.push(view(at, ...members));
        }
        if (ownsSlot(slot, member, bindingViews(views, t, guardMs), slotCycle(quota))) {
          expect(used.get(slot)).toBeUndefined();
          used.set(slot, member);
        }
      }
    }
    const times = [...used.keys()].map((slot) => slotTime(slot, quota));
    expect(peakInOneSecond(times)).toBeLessThanOrEqual(quota);
    // In steady stretches (no change within the last guard + refresh) every slot is used.
    const steady = [...Array(Math.floor(horizon / slotLength)).keys()].filter((slot) => {
      const t = slotTime(slot, quota);
      return changes.every((change) => t < change.atMs || t > change.atMs + guardMs + 2 * refreshMs);
    });
    expect(steady.length).toBeGreaterThan(80);
    expect(steady.filter((slot) => !used.has(slot)).map((slot) => Math.round(slotTime(slot, quota)))).toEqual([]);
  });
});
