/** The first window a search probes ends an hour past its anchor. */
const FIRST_WINDOW_MS = 3600_000;

/** Where {@link windowEnd} searches, and what the window it chooses must hold. */
export interface WindowSearch {
  /** The window's inclusive start (ms); nothing before it counts. */
  from: number;
  /** Where the probes are scaled from: now on a first page, the cursor on later ones. */
  anchor: number;
  /** The window holds at least this many values... */
  need: number;
  /** ...and at most this many, unless they share one millisecond. */
  cap: number;
  /** How many values lie in [from, end); never decreasing in `end`. */
  countBelow: (end: number) => Promise<number>;
}

/**
 * The exclusive end of a window [from, end) holding between `need` and `cap` values, for a set that holds more than
 * `cap` from `from` on; a window one millisecond wide ends the search even above `cap`, as ties cannot be split.
 *
 * The first probe ends the window an hour past the anchor; while it holds too few, the distance doubles. Then the end
 * is bisected on the logarithm of its distance from the anchor: cases due in the next second and overdue cases spread
 * back to epoch 0 both take a few probes (halving that span would take forty), and a narrow range is halved as usual.
 */
export async function windowEnd(search: WindowSearch): Promise<number> {
  const { from, anchor, need, cap, countBelow } = search;
  // Invariants: [from, low) holds fewer than `need` values, [from, high) more than `cap`.
  let low = from;
  let high = Number.POSITIVE_INFINITY;
  let probe = Math.max(anchor, from) + FIRST_WINDOW_MS;
  for (;;) {
    const count = await countBelow(probe);
    if (count >= need && count <= cap) return probe;
    if (count < need) low = probe;
    else high = probe;
    if (high - low <= 1) return high;
    probe = high === Number.POSITIVE_INFINITY ? anchor + 2 * (low - anchor) : logMidpoint(low, high, anchor);
  }
}

/** The point halfway between `low` and `high` on a log scale of the distance from `anchor`, strictly between them. */
function logMidpoint(low: number, high: number, anchor: number): number {
  const scale = (at: number) => Math.sign(at - anchor) * Math.log2(1 + Math.abs(at - anchor));
  const half = (scale(low) + scale(high)) / 2;
  const mid = Math.round(anchor + Math.sign(half) * (2 ** Math.abs(half) - 1));
  // Far from the anchor the log scale rounds to an end: halve the range itself.
  return mid > low && mid < high ? mid : Math.floor((low + high) / 2);
}
