import { faceIdCallMs, journeyDurations } from '../../../src/workflows/journey-durations';

const MINUTE = 60_000;

describe('journeyDurations', () => {
  it("takes FaceID's windows for the flow", () => {
    const liveness = journeyDurations({ flow: 'liveness' });
    const legacy = journeyDurations({ flow: 'web-legacy' });
    expect(liveness.startWindowMs).toBe(10 * MINUTE);
    expect(liveness.resultWindowMs).toBe(2 * 60 * MINUTE);
    expect(legacy.startWindowMs).toBe(2 * 60 * MINUTE);
    expect(liveness.completionDeadlineMs).toBe(liveness.startWindowMs + 20 * MINUTE);
  });

  it('follows the configuration the client carries in', () => {
    const durations = journeyDurations({
      flow: 'selfie',
      timers: { faceIdCallMs: faceIdCallMs(5) },
      retentionDays: 0.5,
    });
    expect(durations.faceIdCallMs).toBe(20_000);
    expect(durations.retentionMs).toBe(12 * 60 * MINUTE);
    expect(journeyDurations({ flow: 'selfie' }).faceIdCallMs).toBe(45_000);
    expect(journeyDurations({ flow: 'selfie' }).retentionMs).toBe(30 * 24 * 60 * MINUTE);
  });

  it('derives the completion deadline and the archive round from the overrides', () => {
    const durations = journeyDurations({
      flow: 'ekyc',
      timers: { startWindowMs: 2_000, mediaUrlLifetimeMs: 5 * MINUTE },
    });
    expect(durations.completionDeadlineMs).toBe(2_000 + 20 * MINUTE);
    expect(durations.archiveWindowMs).toBe(3 * MINUTE);
    expect(journeyDurations({ flow: 'ekyc', timers: { mediaUrlLifetimeMs: 1_000 } }).archiveWindowMs).toBe(10_000);
    expect(journeyDurations({ flow: 'ekyc' }).archiveWindowMs).toBe(8 * MINUTE);
  });
});
