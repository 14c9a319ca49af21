import { memo } from './memo';

/** Event times inside a trailing window, oldest first; a head index avoids shifting the array on every event. */
class TrailingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  /** Number of events in (now - window, now]. */
  count(nowMs: number): number {
    const cutoff = nowMs - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] as number) <= cutoff) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(nowMs: number): void {
    this.times.push(nowMs);
  }
}

/**
 * A per-key sliding-window limiter: at most `limit` admitted events in any window of `windowMs` (one second for the
 * FaceID quotas). Refused events do not count, like a quota that only charges accepted calls.
 */
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, TrailingWindow>();

  constructor(
    private readonly limitFor: (key: string) => number,
    private readonly windowMs = 1000,
  ) {}

  /** Admits and records the event when the key is under its limit; returns false (and records nothing) otherwise. */
  tryAcquire(key: string, nowMs: number): boolean {
    const window = memo(this.windows, key, () => new TrailingWindow(this.windowMs));
    if (window.count(nowMs) >= this.limitFor(key)) return false;
    window.add(nowMs);
    return true;
  }

  /** Forgets every window (used by `/sandbox/reset`). */
  clear(): void {
    this.windows.clear();
  }
}

/** Counts every event per key and the highest number seen in any window of `windowMs`, for `/sandbox/stats`. */
export class PeakRateTracker {
  private readonly entries = new Map<string, { window: TrailingWindow; total: number; peak: number }>();

  constructor(private readonly windowMs = 1000) {}

  /** Records one event and updates the key's peak; a peak is always reached at an event, so this is exact. */
  record(key: string, nowMs: number): void {
    const entry = memo(this.entries, key, () => ({ window: new TrailingWindow(this.windowMs), total: 0, peak: 0 }));
    entry.window.add(nowMs);
    entry.total += 1;
    entry.peak = Math.max(entry.peak, entry.window.count(nowMs));
  }

  /** Total events and peak per key. */
  snapshot(): Record<string, { calls: number; peakPerSecond: number }> {
    const result: Record<string, { calls: number; peakPerSecond: number }> = {};
    for (const [key, entry] of this.entries) result[key] = { calls: entry.total, peakPerSecond: entry.peak };
    return result;
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }
}
