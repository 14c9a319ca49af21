import type { QuotaMembership } from './membership';
import {
  cycleSpareMs,
  lateCallToleranceMs,
  nextOwnedSlot,
  ownRate,
  ownsSlot,
  QUOTA_FILL,
  slotAtOrAfter,
  slotCycle,
  slotTime,
  slotToLeaveAfterLateCall,
} from './slot-plan';

/**
 * The spare a full window of slots leaves (~31 ms); a call that leaves within a third of it after its slot needs
 * nothing more, the rest covers the way to FaceID. One that leaves later costs its owner the slot one cycle on.
 */
const DEFAULT_MAX_LATE_MS = (1000 / QUOTA_FILL - 1000) / 3;

/** Round trips a lane remembers: the quickest of them is its way to FaceID and back with nothing held up. */
const ROUND_TRIPS_KEPT = 32;

/** Departure and answer times are whole milliseconds from `Date.now()`: a round trip may read up to 2 ms short. */
const CLOCK_RESOLUTION_MS = 2;

/** Raised to callers still waiting when the pacer closes (the worker is shutting down); the call was not made. */
class QuotaPacerClosedError extends Error {
  override readonly name = 'QuotaPacerClosedError';
}

/** One decision of the pacer, kept for tests and the bench: which slot a call got, and how late it started. */
export interface PacerGrant {
  key: string;
  slot: number;
  slotTimeMs: number;
  grantedAtMs: number;
}

/** Options of {@link QuotaPacer}. */
export interface QuotaPacerOptions {
  membership: QuotaMembership;
  /** Calls per second allowed for a key (a FaceID action). */
  quotaFor: (key: string) => number;
  /**
   * How late after its slot's time a call may still start; a later wake-up gives the slot up rather than crowd the
   * next ones (default: a third of the spare the fill leaves, so precision does not depend on a busy event loop).
   */
  maxLateMs?: number;
  now?: () => number;
  /** Receives every grant (tests and the bench check the decisions; production leaves it out). */
  onGrant?: (grant: PacerGrant) => void;
}

/**
 * A call the pacer let through. Its caller reports when the request actually left (`left`), so a call held up after
 * the grant (a busy event loop, a garbage-collection pause, a starved CPU) is caught where it matters, and when its
 * answer began to arrive (`answered`), so one held up on the way (the network, FaceID's own front) is caught too.
 */
export interface GrantedCall {
  left(atMs?: number): void;
  answered(atMs?: number): void;
}

interface Waiter {
  local: boolean;
  resolve: (call: GrantedCall) => void;
  reject: (error: Error) => void;
}

interface Lane {
  waiters: Waiter[];
  lastSlot: number;
  /** The slot the timer is armed for. */
  plannedSlot: number | undefined;
  /** Owned slots to leave unused: one cycle after a call that left late. */
  skip: Set<number>;
  /** Calls that left in time and have no answer yet: slot → departure (epoch ms). */
  unanswered: Map<number, number>;
  /** The last round trips (ms); their minimum stands for a way to FaceID and back with no hold-up. */
  roundTrips: number[];
  timer: NodeJS.Timeout | undefined;
  stats: LaneStats;
  /** When the lane granted its first call (epoch ms); warm-up runs from there. */
  firstGrantAtMs: number | undefined;
}

/**
 * For this long after a lane's first call, only every other owned slot is used. A process's first calls are its
 * slowest to leave (code not yet optimised, connections being opened): measured up to 39 ms after their slot, more
 * than the spare, where later calls stay within a few milliseconds.
 */
const WARM_UP_MS = 3_000;

/** Counters of one key's lane since the pacer started. */
export interface LaneStats {
  granted: number;
  /** Slots given up because the timer woke too late to use them. */
  late: number;
  /** Calls that left later than the spare allows, each paid for with the slot one cycle on. */
  leftLate: number;
  /**
   * Calls whose round trip ran longer than the quickest recent one by more than the spare allows (or had no answer
   * when the slot one cycle on came): they may have reached FaceID late, and paid with the slot one cycle on too.
   */
  slowRoundTrip: number;
  /** Slots given up because the group changed while the timer ran. */
  lost: number;
  /** Total milliseconds granted calls started after their slot's time. */
  lateMsTotal: number;
}

/**
 * Lets calls start only at this process's own global slots (see `slot-plan.ts`), first come first served per key.
 * Exact across processes: every member of the group follows the same slot plan, and a slot is used at most once.
 */
export class QuotaPacer {
  readonly #membership: QuotaMembership;
  readonly #quotaFor: (key: string) => number;
  readonly #maxLateMs: number | undefined;
  readonly #now: () => number;
  readonly #onGrant: ((grant: PacerGrant) => void) | undefined;
  readonly #lanes = new Map<string, Lane>();
  readonly #rateListeners = new Set<() => void>();
  readonly #grantListeners = new Set<(key: string, call: { local: boolean }) => void>();
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(options: QuotaPacerOptions) {
    this.#membership = options.membership;
    this.#quotaFor = options.quotaFor;
    this.#maxLateMs = options.maxLateMs;
    this.#now = options.now ?? Date.now;
    this.#onGrant = options.onGrant;
    this.#unsubscribe = this.#membership.onChange(() => {
      for (const [key, lane] of this.#lanes) this.#plan(key, lane);
      for (const listener of this.#rateListeners) listener();
    });
  }

  /**
   * Resolves when a call for `key` may start now, with the handle to report when it left; rejects with
   * {@link QuotaPacerClosedError} on shutdown. `local` marks a call made by a local activity rather than by a task of
   * the action's queue (the queue's slot supplier counts only its own tasks' calls).
   */
  acquire(key: string, options: { local?: boolean } = {}): Promise<GrantedCall> {
    if (this.#closed) return Promise.reject(new QuotaPacerClosedError('quota pacer closed'));
    const lane = this.#lane(key);
    return new Promise<GrantedCall>((resolve, reject) => {
      lane.waiters.push({ local: options.local ?? false, resolve, reject });
      if (lane.waiters.length === 1) this.#plan(key, lane);
    });
  }

  /**
   * About how long a call for `key` asked now would wait for its slot: the calls already waiting and this one, at this
   * process's rate (infinite while it owns no slot). What a caller that would rather go elsewhere than wait asks.
   */
  expectedWaitMs(key: string): number {
    const rate = this.ownRate(key);
    if (rate <= 0) return Number.POSITIVE_INFINITY;
    return (((this.#lanes.get(key)?.waiters.length ?? 0) + 1) * 1000) / rate;
  }

  /** Calls per second this process may make for `key` now (0 while it holds no slot). */
  ownRate(key: string): number {
    return ownRate(this.#quotaFor(key), this.#membership.memberId, this.#membership.views(this.#now()));
  }

  /** Tells `listener` whenever {@link ownRate} may have changed (after each membership refresh). */
  onRateChange(listener: () => void): () => void {
    this.#rateListeners.add(listener);
    return () => this.#rateListeners.delete(listener);
  }

  /** Tells `listener` of every call let through, with its key and whether it was local, right after its release. */
  onGranted(listener: (key: string, call: { local: boolean }) => void): () => void {
    this.#grantListeners.add(listener);
    return () => this.#grantListeners.delete(listener);
  }

  /** Counters per key (FaceID action) since start, for logs and metrics. */
  stats(): Record<string, LaneStats & { waiting: number }> {
    return Object.fromEntries(
      [...this.#lanes].map(([key, lane]) => [key, { ...lane.stats, waiting: lane.waiters.length }]),
    );
  }

  /** Rejects every waiting call and stops planning; calls already granted are not affected. */
  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    this.#rateListeners.clear();
    this.#grantListeners.clear();
    for (const lane of this.#lanes.values()) {
      if (lane.timer) clearTimeout(lane.timer);
      for (const waiter of lane.waiters.splice(0)) waiter.reject(new QuotaPacerClosedError('quota pacer closed'));
    }
  }

  #lane(key: string): Lane {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = {
        waiters: [],
        lastSlot: Number.NEGATIVE_INFINITY,
        plannedSlot: undefined,
        skip: new Set(),
        unanswered: new Map(),
        roundTrips: [],
        timer: undefined,
        stats: { granted: 0, late: 0, leftLate: 0, slowRoundTrip: 0, lost: 0, lateMsTotal: 0 },
        firstGrantAtMs: undefined,
      };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  /** Arms one timer for the lane's next owned slot; with no slot owned, waits for the next membership change. */
  #plan(key: string, lane: Lane): void {
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = undefined;
    lane.plannedSlot = undefined;
    if (this.#closed || lane.waiters.length === 0) return;
    const quota = this.#quotaFor(key);
    const cycle = slotCycle(quota);
    const now = this.#now();
    const from = Math.max(slotAtOrAfter(now, quota), lane.lastSlot + 1);
    const views = this.#membership.views(now);
    const member = this.#membership.memberId;
    let slot = nextOwnedSlot(from, member, views, cycle, lane.skip);
    const warmingUp = lane.firstGrantAtMs !== undefined && now - lane.firstGrantAtMs < WARM_UP_MS;
    if (slot !== undefined && warmingUp && lane.lastSlot >= 0) {
      slot = nextOwnedSlot(slot + 1, member, views, cycle, lane.skip);
    }
    if (slot === undefined) return;
    lane.plannedSlot = slot;
    lane.timer = setTimeout(() => this.#fire(key, lane, slot), Math.max(0, slotTime(slot, quota) - now));
    lane.timer.unref();
  }

  #fire(key: string, lane: Lane, slot: number): void {
    lane.timer = undefined;
    lane.plannedSlot = undefined;
    const quota = this.#quotaFor(key);
    const now = this.#now();
    const maxLate = this.#maxLateMs ?? DEFAULT_MAX_LATE_MS;
    lane.lastSlot = slot;
    for (const skipped of lane.skip) if (skipped <= slot) lane.skip.delete(skipped);
    const late = now - slotTime(slot, quota);
    // The group may have changed while the timer ran, and a starved event loop may wake us too late: either way the
    // slot is given up, never used out of place. A wake-up late by more than the spare but well within what leaving
    // the next cycle's slot unused covers still calls (half of that tolerance stays for the way to FaceID).
    if (late > maxLate && late > lateCallToleranceMs(quota) / 2) lane.stats.late += 1;
    else if (!ownsSlot(slot, this.#membership.memberId, this.#membership.views(now), slotCycle(quota))) {
      lane.stats.lost += 1;
    } else if (this.#twinMayCrowd(lane, slot, quota, now)) {
      lane.stats.slowRoundTrip += 1;
    } else {
      const waiter = lane.waiters.shift();
      if (waiter) {
        lane.stats.granted += 1;
        lane.stats.lateMsTotal += Math.max(0, late);
        lane.firstGrantAtMs ??= now;
        this.#onGrant?.({ key, slot, slotTimeMs: slotTime(slot, quota), grantedAtMs: now });
        let reported = false;
        const call: GrantedCall = {
          left: (atMs = this.#now()) => {
            if (reported) return;
            reported = true;
            if (atMs - slotTime(slot, quota) > maxLate) this.#leaveTwinUnused(key, lane, slot, 'leftLate');
            else lane.unanswered.set(slot, atMs);
          },
          answered: (atMs = this.#now()) => {
            const leftAt = lane.unanswered.get(slot);
            if (leftAt === undefined) return;
            lane.unanswered.delete(slot);
            const roundTrip = atMs - leftAt;
            lane.roundTrips.push(roundTrip);
            if (lane.roundTrips.length > ROUND_TRIPS_KEPT) lane.roundTrips.shift();
            if (this.#mayHaveArrivedLate(lane, slot, quota, leftAt, roundTrip)) {
              this.#leaveTwinUnused(key, lane, slot, 'slowRoundTrip');
            }
          },
        };
        if (late > maxLate) call.left(now);
        waiter.resolve(call);
        for (const listener of this.#grantListeners) listener(key, { local: waiter.local });
      }
    }
    this.#plan(key, lane);
  }

  /**
   * A call that may have reached FaceID late: its slot one cycle on stays unused (no one else owns it), re-planning if
   * it was next.
   */
  #leaveTwinUnused(key: string, lane: Lane, slot: number, why: 'leftLate' | 'slowRoundTrip'): void {
    if (this.#closed) return;
    const leave = slotToLeaveAfterLateCall(slot, this.#quotaFor(key));
    lane.stats[why] += 1;
    lane.skip.add(leave);
    if (lane.plannedSlot === leave) this.#plan(key, lane);
  }

  /**
   * Whether a call that left at `leftAt` and was answered `roundTrip` ms later may have reached FaceID more than the
   * cycle's spare after its slot: how late it left, plus how much longer its round trip took than the quickest recent
   * one, which is the most its way there can have been held up.
   */
  #mayHaveArrivedLate(lane: Lane, slot: number, quota: number, leftAt: number, roundTrip: number): boolean {
    // With no round trip measured yet, nothing of this one can be told apart as the way's own length.
    const quickest = lane.roundTrips.length > 0 ? Math.min(...lane.roundTrips) : 0;
    return leftAt - slotTime(slot, quota) + roundTrip - quickest > cycleSpareMs(quota) - CLOCK_RESOLUTION_MS;
  }

  /**
   * At the time of `slot`: whether the call one cycle before it is still unanswered and out for longer than the spare
   * allows, so it may yet reach FaceID inside this slot's window. Calls older than that are forgotten here.
   */
  #twinMayCrowd(lane: Lane, slot: number, quota: number, now: number): boolean {
    const twin = slot - slotCycle(quota);
    for (const earlier of lane.unanswered.keys()) if (earlier < twin) lane.unanswered.delete(earlier);
    const leftAt = lane.unanswered.get(twin);
    if (leftAt === undefined) return false;
    if (!this.#mayHaveArrivedLate(lane, twin, quota, leftAt, now - leftAt)) return false;
    lane.unanswered.delete(twin);
    return true;
  }
}
