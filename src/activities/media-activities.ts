import { ApplicationFailure, Context } from '@temporalio/activity';
import { mediaKey } from '../archive/keys';
import {
  MediaDownloader,
  MediaDownloadError,
  MediaTooLargeError,
  MediaUnsafeUrlError,
  MediaUrlExpiredError,
  type MediaDownloaderOptions,
} from '../archive/download';
import { recordArchived } from '../archive/manifest';
import { purgeUnlessHeld } from '../archive/retention-records';
import { ArchiveIntegrityError, ArchiveObjectMissingError, type ArchiveStore } from '../archive/store';
import { MEDIA_FAILURE_TYPES } from '../workflows/failure-types';
import type { ArchiveMediaInput, ArchiveRef, DeleteMediaInput, MediaKind } from '../workflows/types';
import { readMediaClaim } from './inline-media';
import { recordArchivedBytes } from './observe';

/** What the media activities need. */
export interface MediaActivityDeps {
  archive: ArchiveStore;
  /** Download guard and limits (allowlist, sandbox host, size cap, timeouts); production defaults when absent. */
  media?: MediaDownloaderOptions;
  /** A prebuilt downloader (shares one agent between activity factories); built from `media` when absent. */
  downloader?: MediaDownloader;
}

/** Heartbeats at most this often while bytes flow; a stalled download stops them and trips the heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 1_000;

/** The content type each kind of FaceID media has; it also fixes the key's extension, so keys are known up front. */
const CONTENT_TYPES: Record<MediaKind, string> = {
  video: 'video/mp4',
  'action-video': 'video/mp4',
  'card-video': 'video/mp4',
  'best-frame': 'image/jpeg',
  'profile-image': 'image/jpeg',
  'card-image': 'image/jpeg',
  'card-back-image': 'image/jpeg',
  'ocr-json': 'application/json',
  'card-input-json': 'application/json',
  'live-data': 'application/octet-stream',
};

/** Media archiving and retention, on the media task queue. */
export function createMediaActivities({ archive, media, downloader: given }: MediaActivityDeps) {
  const downloader = given ?? new MediaDownloader(media);
  const keyOf = (journeyId: string, kind: MediaKind, md5: string) =>
    mediaKey(journeyId, kind, md5, CONTENT_TYPES[kind]);

  async function record(journeyId: string, refs: ArchiveRef[]): Promise<void> {
    await recordArchived(
      archive,
      journeyId,
      refs.map((ref) => ({ ...ref, contentType: CONTENT_TYPES[ref.kind] })),
    );
  }

  return {
    /**
     * Downloads every temporary media URL of a result into the archive through the guarded downloader, verified
     * against FaceID's MD5 and size, and lists them in the journey's manifest. Objects already archived under their
     * content-addressed key are skipped, so a retry after a crash redoes only what is missing and rewrites nothing.
     */
    archiveMedia: async ({ journeyId, mediaClaim, media: expected }: ArchiveMediaInput): Promise<ArchiveRef[]> => {
      const context = Context.current();
      const already = await Promise.all(expected.map((item) => archive.head(keyOf(journeyId, item.kind, item.md5))));
      if (already.every((stored, index) => stored?.md5 === expected[index]?.md5)) {
        // Everything was archived by an attempt whose completion was lost: finish its bookkeeping and report.
        const refs = expected.map((item, index) => ({
          key: keyOf(journeyId, item.kind, item.md5),
          kind: item.kind,
          md5: item.md5,
          size: already[index]?.size ?? 0,
        }));
        await record(journeyId, refs);
        await archive.delete(mediaClaim);
        return refs;
      }
      let media;
      try {
        media = await readMediaClaim(archive, mediaClaim);
      } catch (error) {
        if (!(error instanceof ArchiveObjectMissingError)) throw error;
        throw ApplicationFailure.create({
          type: MEDIA_FAILURE_TYPES.urlExpired,
          message: 'the media claim is gone',
          nonRetryable: true,
        });
      }
      const refs: ArchiveRef[] = [];
      let lastBeat = 0;
      for (const [index, item] of media.entries()) {
        const key = keyOf(journeyId, item.kind, item.md5);
        const existing = await archive.head(key);
        if (existing && existing.md5 === item.md5) {
          refs.push({ key, kind: item.kind, md5: existing.md5, size: existing.size });
          continue;
        }
        context.heartbeat({ file: index + 1, of: media.length, bytes: 0 });
        try {
          const stored = await downloader.archive(archive, {
            url: item.url,
            key,
            md5: item.md5,
            size: item.size,
            contentType: CONTENT_TYPES[item.kind],
            signal: context.cancellationSignal,
            onProgress: (bytes) => {
              const now = Date.now();
              if (now - lastBeat < HEARTBEAT_EVERY_MS) return;
              lastBeat = now;
              context.heartbeat({ file: index + 1, of: media.length, bytes });
            },
          });
          refs.push({ key, kind: item.kind, md5: stored.md5, size: stored.size });
          recordArchivedBytes(item.kind, stored.size);
        } catch (error) {
          // Expired URLs are useless: drop the claim so only the fresh one the workflow fetches next remains.
          if (error instanceof MediaUrlExpiredError) await archive.delete(mediaClaim);
          throw mediaFailure(error, item.kind);
        }
        context.heartbeat({ file: index + 1, of: media.length, done: true });
      }
      await record(journeyId, refs);
      // The URLs served their purpose; a retry after this point finds every object archived already.
      await archive.delete(mediaClaim);
      return refs;
    },

    /**
     * Retention of an old `afterJourney` (the sweep replaced it): deletes every archived object of a journey (media
     * and leftover claims, never the manifest) and records each deletion in the manifest, unless the archive holds a
     * legal hold for it, which files the journey for the sweep instead. Repeating it is harmless; it reports how many
     * objects this run removed.
     */
    deleteJourneyMedia: async ({ journeyId, inputKeys }: DeleteMediaInput): Promise<{ deleted: number }> => {
      const { deleted } = await purgeUnlessHeld(archive, journeyId, inputKeys ?? []);
      return { deleted };
    },
  };
}

/** Maps archive and download errors to the closed list of media failure types; messages name the kind, never a URL. */
function mediaFailure(error: unknown, kind: MediaKind): unknown {
  const message = `${kind}: ${(error as Error).message}`;
  if (error instanceof MediaUrlExpiredError) {
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.urlExpired, message, nonRetryable: true });
  }
  if (error instanceof ArchiveIntegrityError) {
    // Retried by the activity's bounded policy: a flaky transfer heals, a corrupt source fails for good.
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.integrity, message });
  }
  if (error instanceof MediaTooLargeError) {
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.tooLarge, message, nonRetryable: true });
  }
  if (error instanceof MediaUnsafeUrlError) {
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.unsafeUrl, message, nonRetryable: true });
  }
  if (error instanceof MediaDownloadError)
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.downloadFailed, message });
  return error;
}
