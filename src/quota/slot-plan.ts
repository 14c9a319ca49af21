/**
 * The arithmetic of quota-exact dispatch, pure so tests can check the limiter's decisions without a clock.
 *
 * A quota of Q calls per second allows `W = floor(Q)` calls in any one-second window (its _cycle_). Time is cut into
 * global slots of `slotMs = 1000 / (W × QUOTA_FILL)` counted from the Unix epoch, the same for every process, so W
 * consecutive slots span a little more than a second. A call may start only at a slot's time, and each slot belongs
 * to exactly one member of the group of worker processes sharing the quota: `(slot mod W) mod memberCount == rank`.
 * Any one-second window holds at most W slot times, each used at most once, so no window can exceed the quota however
 * many processes call, and the `1 - QUOTA_FILL` spare absorbs a small delay on the way.
 *
 * Slot `s` and slot `s + W` always have the same owner. A call that leaves more than the spare after its slot's time
 * could share a window with the next W - 1 calls _and_ the one at `s + W`; its owner then leaves `s + W` unused
 * ({@link slotToLeaveAfterLateCall}), which no other process could have used, so a late call never crowds a window.
 */

/** The share of the quota the slots use: 97 %, so `quota` slots span 1.031 s and a call may arrive ~30 ms late. */
export const QUOTA_FILL = 0.97;

/** One process's picture of the group at one moment: every live member id, sorted. */
export interface MembershipView {
  /** When this view was taken (epoch ms). */
  atMs: number;
  /** Sorted member ids; a view without this process's id gives it no slot. */
  members: readonly string[];
}

/** The calls a quota allows in any one-second window: its whole calls per second (at least one). */
export function slotCycle(quotaPerSecond: number): number {
  return Math.max(1, Math.floor(quotaPerSecond));
}

/** Milliseconds between two consecutive global slots for a quota in calls per second. */
function slotMs(quotaPerSecond: number): number {
  // Below one call per second the quota itself sets the pace (one call every 1/Q s); above it, whole calls do.
  const perSecond = quotaPerSecond < 1 ? quotaPerSecond : slotCycle(quotaPerSecond);
  return 1000 / (perSecond * QUOTA_FILL);
}

/**
 * The slot a call started at `slot` must leave unused when it left late: `slot + W`, which the caller owns too. How late
 * a call may leave with this rule holding: until the slot after that one, `(W + 1) × slotMs - 1000` after its time.
 */
export function slotToLeaveAfterLateCall(slot: number, quotaPerSecond: number): number {
  return slot + slotCycle(quotaPerSecond);
}

/**
 * The spare a full cycle of slots leaves (~31 ms): how much later than its slot's time a call may reach FaceID while
 * the call in the slot one cycle on, on time, still falls outside its one-second window.
 */
export function cycleSpareMs(quotaPerSecond: number): number {
  return slotCycle(quotaPerSecond) * slotMs(quotaPerSecond) - 1000;
}

/** How late after its slot a call may leave when its owner leaves {@link slotToLeaveAfterLateCall} unused. */
export function lateCallToleranceMs(quotaPerSecond: number): number {
  return (slotCycle(quotaPerSecond) + 1) * slotMs(quotaPerSecond) - 1000;
}

/** The first slot index whose time is at or after `atMs`. */
export function slotAtOrAfter(atMs: number, quotaPerSecond: number): number {
  return Math.ceil(atMs / slotMs(quotaPerSecond));
}

/** The time (epoch ms) of a slot. */
export function slotTime(slot: number, quotaPerSecond: number): number {
  return slot * slotMs(quotaPerSecond);
}

/**
 * Whether `member` owns `slot` in one view, for a quota whose cycle is `cycle` ({@link slotCycle}). Ownership follows
 * the slot's place in its cycle, so `slot` and `slot + cycle` share an owner; with more members than a cycle has
 * slots, the members of the highest ranks own none.
 */
function ownsInView(slot: number, member: string, view: MembershipView, cycle: number): boolean {
  const rank = view.members.indexOf(member);
  return rank >= 0 && (slot % cycle) % view.members.length === rank;
}

/**
 * Whether `member` may use `slot` given every view it held during the last `guardMs`: it must own the slot in all of
 * them. While a change spreads, some processes still use the old view and some the new one; a slot owned in both by
 * the same member is owned by nobody else in either, so no slot is ever used twice. `guardMs` must exceed the
 * longest time between two processes seeing the same change (the refresh interval plus the store's latency).
 */
export function ownsSlot(slot: number, member: string, views: readonly MembershipView[], cycle: number): boolean {
  if (views.length === 0) return false;
  return views.every((view) => ownsInView(slot, member, view, cycle));
}

/** The views that bind at `nowMs`: those taken within `guardMs`, plus the last one taken before that window. */
export function bindingViews(views: readonly MembershipView[], nowMs: number, guardMs: number): MembershipView[] {
  const cutoff = nowMs - guardMs;
  let firstRecent = views.findIndex((view) => view.atMs >= cutoff);
  if (firstRecent === -1) firstRecent = views.length;
  return views.slice(Math.max(0, firstRecent - 1));
}

/** How far ahead to look for an owned slot before concluding there is none under the binding views. */
const SEARCH_SLOTS = 4096;

/**
 * The first slot at or after `fromSlot` that `member` may use (owned under every binding view and not in `skip`), or
 * undefined when the binding views give it none.
 */
export function nextOwnedSlot(
  fromSlot: number,
  member: string,
  views: readonly MembershipView[],
  cycle: number,
  skip: ReadonlySet<number> = new Set(),
  searchSlots = SEARCH_SLOTS,
): number | undefined {
  for (let slot = fromSlot; slot < fromSlot + searchSlots; slot += 1) {
    if (!skip.has(slot) && ownsSlot(slot, member, views, cycle)) return slot;
  }
  return undefined;
}

/** The calls per second `member` can make under the binding views (its slots' share of the filled quota). */
export function ownRate(quotaPerSecond: number, member: string, views: readonly MembershipView[]): number {
  const cycle = slotCycle(quotaPerSecond);
  // Ownership repeats every cycle, so one cycle's slots give the exact share.
  let owned = 0;
  for (let slot = 0; slot < cycle; slot += 1) if (ownsSlot(slot, member, views, cycle)) owned += 1;
  return ((1000 / slotMs(quotaPerSecond)) * owned) / cycle;
}
