import { windowEnd } from '../../../src/review/review-window';

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2030, 0, 1);

/** `n` values from `start`, `gapMs` apart. */
const spread = (n: number, start: number, gapMs: number) => Array.from({ length: n }, (_, i) => start + i * gapMs);

/** Runs the search over `values`, returning the window's count and the probes it took. */
async function search(values: number[], from: number, anchor: number, need: number, cap: number) {
  let probes = 0;
  const countBelow = (end: number) => {
    probes += 1;
    return Promise.resolve(values.filter((value) => value >= from && value < end).length);
  };
  const end = await windowEnd({ from, anchor, need, cap, countBelow });
  return { end, count: values.filter((value) => value >= from && value < end).length, probes };
}

describe('windowEnd', () => {
  const need = 51;
  const cap = 4 * need;

  // The probes each shape takes (measured) bound it, so that a search that degrades to one probe per case fails.
  it.each([
    ['a burst of 10,000 within two minutes, due in three days', spread(10_000, NOW + 3 * DAY, 12), NOW, 24],
    ['the same burst, from a cursor inside it', spread(10_000, NOW + 3 * DAY, 12), NOW + 3 * DAY + 30 * SECOND, 2],
    ['1,000 overdue over three days, from epoch 0', spread(1_000, NOW - 3 * DAY, 259_200), 0, 9],
    ['a few a day for two months', spread(300, NOW, 5 * HOUR), NOW, 9],
  ])('chooses a window holding between need and cap: %s', async (_name, values, from, probes) => {
    const result = await search(values, from, Math.max(from, NOW), need, cap);
    expect(result.count).toBeGreaterThanOrEqual(need);
    expect(result.count).toBeLessThanOrEqual(cap);
    expect(result.probes).toBeLessThanOrEqual(probes);
  });

  it('ends with a window one millisecond wide when more than cap values share it', async () => {
    const values = [...spread(10, NOW + DAY, 1), ...spread(500, NOW + DAY + 10, 0)];
    const result = await search(values, 0, NOW, need, cap);
    expect(result.end).toBe(NOW + DAY + 11);
    expect(result.count).toBe(510);
    expect(result.probes).toBeLessThanOrEqual(45);
  });
});
