/**
 * The arithmetic of quota-exact dispatch, pure so tests can check the limiter's decisions without a clock.
 *
 * Time is cut into global slots of `slotMs = 1000 / (quota × QUOTA_FILL)` counted from the Unix epoch, the same for
 * every process. A call may start only at a slot's time, and each slot belongs to exactly one member of the group of
 * worker processes sharing the quota (`slot mod memberCount == rank`). Any one-second window holds at most
 * `ceil(quota × QUOTA_FILL) <= quota` slot times, each used at most once, so no window can exceed the quota however
 * many processes call, and the `1 - QUOTA_FILL` spare absorbs a late start or uneven network delay.
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

/** Milliseconds between two consecutive global slots for a quota in calls per second. */
export function slotMs(quotaPerSecond: number): number {
  return 1000 / (quotaPerSecond * QUOTA_FILL);
}

/** The first slot index whose time is at or after `atMs`. */
export function slotAtOrAfter(atMs: number, quotaPerSecond: number): number {
  return Math.ceil(atMs / slotMs(quotaPerSecond));
}

/** The time (epoch ms) of a slot. */
export function slotTime(slot: number, quotaPerSecond: number): number {
  return slot * slotMs(quotaPerSecond);
}

/** Whether `member` owns `slot` in one view. */
export function ownsInView(slot: number, member: string, view: MembershipView): boolean {
  const rank = view.members.indexOf(member);
  return rank >= 0 && slot % view.members.length === rank;
}

/**
 * Whether `member` may use `slot` given every view it held during the last `guardMs`: it must own the slot in all of
 * them. While a change spreads, some processes still use the old view and some the new one; a slot owned in both by
 * the same member is owned by nobody else in either, so no slot is ever used twice. `guardMs` must exceed the
 * longest time between two processes seeing the same change (the refresh interval plus the store's latency).
 */
export function ownsSlot(slot: number, member: string, views: readonly MembershipView[]): boolean {
  if (views.length === 0) return false;
  return views.every((view) => ownsInView(slot, member, view));
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

/** The first slot at or after `fromSlot` that `member` may use, or undefined when the binding views give it none. */
export function nextOwnedSlot(
  fromSlot: number,
  member: string,
  views: readonly MembershipView[],
  searchSlots = SEARCH_SLOTS,
): number | undefined {
  for (let slot = fromSlot; slot < fromSlot + searchSlots; slot += 1) {
    if (ownsSlot(slot, member, views)) return slot;
  }
  return undefined;
}

/** The calls per second `member` can make under the binding views (its slots' share of the filled quota). */
export function ownRate(quotaPerSecond: number, member: string, views: readonly MembershipView[]): number {
  const sample = 240; // a multiple of every group size up to 6 and 8, 10, 12; close enough beyond
  let owned = 0;
  for (let slot = 0; slot < sample; slot += 1) if (ownsSlot(slot, member, views)) owned += 1;
  return (quotaPerSecond * QUOTA_FILL * owned) / sample;
}
