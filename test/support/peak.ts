/** The largest number of times (ms) in any half-open window [t, t + 1000): how FaceID counts a per-second quota. */
export function peakInOneSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let end = 0, start = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) >= 1000) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}
