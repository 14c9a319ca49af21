import { ApplicationFailure } from '@temporalio/workflow';
import { MEDIA_FAILURE_TYPES } from '../contracts/failure-types';
import { archiveActivity } from './activity-proxies';
import { failureType, isArchiveOutage } from './failure-kinds';
import type { JourneyRun } from './journey-run';
import { pullResult } from './pull-result';
import type { ArchiveRef, VerificationResult } from './types';

/** How often the archive may ask FaceID for fresh media URLs after they expired. */
const MAX_MEDIA_REFETCHES = 2;

/** Archives every media file of the result, asking FaceID for fresh URLs when the old ones expired. */
export async function archiveMedia(run: JourneyRun, first: VerificationResult): Promise<ArchiveRef[]> {
  const { state, transitions, durations } = run;
  // Media the result pull archived leave nothing to wait for: the stage is shown only if an archive task must run.
  transitions.enterStage('archiving_media', 'archiving media', { sync: 'when_waiting' });
  let result = first;
  for (let refetches = 0; ; refetches += 1) {
    if (result.remoteMedia.length === 0) return result.archived;
    if (Date.now() - state.lastFetchAtMs > durations.mediaUrlLifetimeMs - durations.mediaUrlMarginMs) {
      result = (await pullResult(run, 'fresh media URLs')) ?? result;
    }
    try {
      if (!result.mediaClaim)
        throw ApplicationFailure.nonRetryable('media listed without a claim', 'JourneyMediaClaimMissing');
      transitions.publishStage();
      const stored = await archiveActivity(`archive ${result.remoteMedia.length} media files`, {
        scheduleToCloseMs: durations.archiveWindowMs,
        startToCloseMs: durations.archiveAttemptMs,
        heartbeatMs: durations.archiveHeartbeatMs,
      })({ journeyId: run.journeyId, mediaClaim: result.mediaClaim, media: result.remoteMedia });
      run.openClaims.delete(result.mediaClaim);
      return [...result.archived, ...stored];
    } catch (error) {
      // A store that keeps failing is waited out for as long as FaceID serves the media: fresh URLs every round.
      const storeDown = isArchiveOutage(error);
      if (!storeDown && (failureType(error) !== MEDIA_FAILURE_TYPES.urlExpired || refetches >= MAX_MEDIA_REFETCHES)) {
        throw error;
      }
      const fresh = await pullResult(run, storeDown ? 'fresh media URLs after an archive outage' : 'fresh media URLs');
      if (!fresh) throw error;
      result = fresh;
    }
  }
}
