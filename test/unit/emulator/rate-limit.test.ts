import { PeakRateTracker, SlidingWindowLimiter } from '../../../src/emulator/rate-limit';

describe('sliding-window rate limit', () => {
  it('admits 20 calls in one second and refuses the 21st', () => {
    const limiter = new SlidingWindowLimiter(() => 20);
    const admitted = Array.from({ length: 21 }, (_, i) => limiter.tryAcquire('GetLivenessResult', 1000 + i * 10));
    expect(admitted.slice(0, 20).every(Boolean)).toBe(true);
    expect(admitted[20]).toBe(false);
  });

  it('slides: a call is admitted again once the oldest leaves the one-second window', () => {
    const limiter = new SlidingWindowLimiter(() => 2);
    expect(limiter.tryAcquire('A', 0)).toBe(true);
    expect(limiter.tryAcquire('A', 500)).toBe(true);
    expect(limiter.tryAcquire('A', 999)).toBe(false);
    expect(limiter.tryAcquire('A', 1000)).toBe(true); // the call at 0 is now outside (1000 - 1000, 1000]
    expect(limiter.tryAcquire('A', 1400)).toBe(false);
    expect(limiter.tryAcquire('A', 1500)).toBe(true);
  });

  it('does not count refused calls, and keeps keys independent', () => {
    const limiter = new SlidingWindowLimiter((key) => (key === 'B' ? 3 : 1));
    expect(limiter.tryAcquire('A', 0)).toBe(true);
    for (let t = 1; t < 1000; t += 100) expect(limiter.tryAcquire('A', t)).toBe(false);
    expect(limiter.tryAcquire('A', 1000)).toBe(true);
    expect([0, 1, 2, 3].map((t) => limiter.tryAcquire('B', t))).toEqual([true, true, true, false]);
  });

  it('holds over long runs (the window compacts without losing events)', () => {
    const limiter = new SlidingWindowLimiter(() => 20);
    let admitted = 0;
    for (let t = 0; t < 100_000; t += 10) if (limiter.tryAcquire('A', t)) admitted += 1;
    expect(admitted).toBe(2000); // 20 per second for 100 seconds
  });
});

describe('peak rate tracker', () => {
  it('counts every call and the highest number in any one-second window', () => {
    const tracker = new PeakRateTracker();
    for (const t of [0, 100, 200, 1150, 1160, 1170, 1180, 5000]) tracker.record('A', t);
    // The busiest window is (180, 1180]: 200, 1150, 1160, 1170, 1180.
    expect(tracker.snapshot()).toEqual({ A: { calls: 8, peakPerSecond: 5 } });
  });
});
