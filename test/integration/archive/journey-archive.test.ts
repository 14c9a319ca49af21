import { FLOWS } from '../../../src/workflows/types';
import { firstScheduled, stagesShown } from '../../support/history-scan';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { inputFor } from '../../support/journeys';
import { expectCompleteArchive, passJourney } from './journey-checks';

let harness: JourneyHarness;
beforeAll(async () => {
  harness = await startJourneyHarness();
});
afterAll(() => harness?.close());
afterEach(() => harness.sandbox.clearFaults());

describe('journeys archive their evidence in the filesystem store', () => {
  it('every flow: all media archived with matching MD5 and listed in the manifest', async () => {
    const journeys = await Promise.all(FLOWS.map((flow) => passJourney(harness, flow)));
    for (const { journeyId, result } of journeys) {
      expect(result.outcome).toBe('approved');
      await expectCompleteArchive(harness.archive, journeyId, result);
      // The result activity archived the media while its URLs were fresh: no claim was left for archiveMedia.
      expect(await harness.archive.list(`journeys/${journeyId}/claims/`)).toEqual([]);
      const history = await harness.client.workflow.getHandle(journeyId).fetchHistory();
      const scheduled = (history.events ?? []).flatMap((event) =>
        event.activityTaskScheduledEventAttributes?.activityType?.name
          ? [event.activityTaskScheduledEventAttributes.activityType.name]
          : [],
      );
      expect(scheduled).not.toContain('archiveMedia');
    }
  });

  it('corrupt media: the MD5 check fails on every retry and the journey fails with media_integrity_error', async () => {
    const reference = harness.reference('corrupt');
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', reference));
    await harness.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'corrupt_media', count: 1 });
    const servedBefore = (await harness.sandbox.stats()).media.served ?? 0;
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);

    const result = await harness.ekyc.result(started.journeyId);
    expect(result).toMatchObject({ outcome: 'failed', reasons: ['media_integrity_error'], media: [] });
    // The result activity tries once and leaves the file to archiveMedia, whose policy allows four attempts; each
    // downloaded the corrupt file again.
    const served = ((await harness.sandbox.stats()).media.served ?? 0) - servedBefore;
    expect(served).toBe(1 + 4);
    // The journey waited in `archiving_media` for the archive task: search attributes showed it before the task.
    const events = (await harness.client.workflow.getHandle(started.journeyId).fetchHistory()).events ?? [];
    const archiving = stagesShown(events).find(({ stage }) => stage === 'archiving_media');
    expect(archiving?.eventIndex).toBeLessThan(firstScheduled(events, 'archiveMedia'));
    // Nothing archived, and the claim with the result's URLs is gone with the journey's end, not left for retention.
    expect(await harness.archive.list(`journeys/${started.journeyId}/`)).toEqual([]);
  });

  it('expired media: the URLs answer 403, the journey fetches fresh ones once, and everything is archived', async () => {
    const reference = harness.reference('expired');
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', reference));
    await harness.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'expired_media', count: 1 });
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);

    const result = await harness.ekyc.result(started.journeyId);
    expect(result.outcome).toBe('approved');
    expect((await harness.ekyc.status(started.journeyId)).fetchAttempts).toBe(2);
    expect((await harness.sandbox.stats()).media.expired).toBeGreaterThanOrEqual(1);
    await expectCompleteArchive(harness.archive, started.journeyId, result);
    expect(result.media.map((ref) => ref.kind).sort()).toEqual(['best-frame', 'video']);
  });
});
