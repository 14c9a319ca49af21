/**
 * The emulator's notion of "now": the real clock plus an offset that `/sandbox/clock` moves forward, so token windows
 * and media URL expiry can be tested without waiting. Signature timestamps are deliberately checked against the real
 * clock (see `realNowMs`), because clients sign with theirs.
 */
export class EmulatorClock {
  private offsetMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  /** Emulator time in epoch milliseconds (real time plus the offset). */
  nowMs(): number {
    return this.realNow() + this.offsetMs;
  }

  /** Real wall-clock time in epoch milliseconds, used only for the signature timestamp window. */
  realNowMs(): number {
    return this.realNow();
  }

  /** How far the emulator clock runs ahead of the real one, in seconds. */
  offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  /** Moves the emulator clock forward; it never goes back, so windows only ever close. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('advanceSeconds must be a non-negative number');
    this.offsetMs += Math.round(seconds * 1000);
  }

  /** Puts the emulator clock back on the real clock (used by `/sandbox/reset`). */
  reset(): void {
    this.offsetMs = 0;
  }
}
