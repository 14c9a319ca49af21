import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  MediaDownloader,
  MediaDownloadError,
  MediaTooLargeError,
  MediaUnsafeUrlError,
  MediaUrlExpiredError,
  type MediaDownloaderOptions,
} from '../archive/download';
import { journeyPrefix } from '../archive/keys';
import { ArchiveIntegrityError, ArchiveObjectMissingError, type ObjectStore } from '../store/object-store';
import { MEDIA_FAILURE_TYPES, MEDIA_SOURCE_ATTEMPTS } from '../contracts/failure-types';
import type { ArchiveMediaInput, ArchiveRef, MediaKind } from '../workflows/types';
import { archiveStoreFailure } from './failures';
import { readMediaClaim } from './inline-media';
import { archiveRemoteMedia, recordArchivedRefs, RemoteMediaError, remoteMediaKey } from './remote-media';

/** What the media activities need. */
export interface MediaActivityDeps {
  archive: ObjectStore;
  /** Download guard and limits (allowlist, sandbox host, size cap, timeouts); production defaults when absent. */
  media?: MediaDownloaderOptions;
  /** A prebuilt downloader (shares one agent between activity factories); built from `media` when absent. */
  downloader?: MediaDownloader;
}

/** Heartbeats at most this often while bytes flow; a stalled download stops them and trips the heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 1_000;

/** Media archiving and retention, on the media task queue. */
export function createMediaActivities({ archive, media, downloader: given }: MediaActivityDeps) {
  const downloader = given ?? new MediaDownloader(media);

  /** Archives the media a claim lists (see `archiveMedia`). */
  async function archiveClaimedMedia({
    journeyId,
    mediaClaim,
    media: expected,
  }: ArchiveMediaInput): Promise<ArchiveRef[]> {
    const context = Context.current();
    // An earlier attempt that died mid-write (a crashed worker) left its partial copy of a file: a face video, say.
    if (context.info.attempt > 1) await archive.removeLeftovers?.(journeyPrefix(journeyId), 0);
    const already = await Promise.all(expected.map((item) => archive.head(remoteMediaKey(journeyId, item))));
    if (already.every((stored, index) => stored?.md5 === expected[index]?.md5)) {
      // Everything was archived by an attempt whose completion was lost: finish its bookkeeping and report.
      const refs = expected.map((item, index) => ({
        key: remoteMediaKey(journeyId, item),
        kind: item.kind,
        md5: item.md5,
        size: already[index]?.size ?? 0,
      }));
      await recordArchivedRefs(archive, journeyId, refs);
      await archive.delete(mediaClaim);
      return refs;
    }
    let remote;
    try {
      remote = await readMediaClaim(archive, mediaClaim);
    } catch (error) {
      if (!(error instanceof ArchiveObjectMissingError)) throw error;
      throw ApplicationFailure.create({
        type: MEDIA_FAILURE_TYPES.urlExpired,
        message: 'the media claim is gone',
        nonRetryable: true,
      });
    }
    let lastBeat = 0;
    let refs: ArchiveRef[];
    try {
      refs = await archiveRemoteMedia(archive, downloader, journeyId, remote, {
        signal: context.cancellationSignal,
        onProgress: (progress) => {
          const now = Date.now();
          if (progress.bytes > 0 && now - lastBeat < HEARTBEAT_EVERY_MS) return;
          lastBeat = now;
          context.heartbeat(progress);
        },
      });
    } catch (error) {
      if (!(error instanceof RemoteMediaError)) throw error;
      // Expired URLs are useless: drop the claim so only the fresh one the workflow fetches next remains.
      if (error.cause instanceof MediaUrlExpiredError) await archive.delete(mediaClaim);
      throw mediaFailure(error.cause, error.kind, context.info.attempt);
    }
    // The URLs served their purpose; a retry after this point finds every object archived already.
    await archive.delete(mediaClaim);
    return refs;
  }

  return {
    /**
     * Archives the media of a result whose URLs wait under a claim (see `archiveRemoteMedia`). Objects already
     * archived are skipped, so a retry after a crash redoes only what is missing and rewrites nothing.
     */
    archiveMedia: async (input: ArchiveMediaInput): Promise<ArchiveRef[]> => {
      try {
        return await archiveClaimedMedia(input);
      } catch (error) {
        if (error instanceof ApplicationFailure) throw error;
        // Whatever else failed was the store's own I/O (a head, the claim, the manifest): worth retrying.
        throw archiveStoreFailure(error);
      }
    },
  };
}

/**
 * Maps archive and download errors to the closed list of media failure types; messages name the kind, never a URL.
 * A failure of the media themselves (bytes that do not match, a transfer that breaks) is retried up to
 * {@link MEDIA_SOURCE_ATTEMPTS} attempts; one of the store, for as long as the activity's window allows.
 */
function mediaFailure(error: unknown, kind: MediaKind, attempt: number): unknown {
  const message = `${kind}: ${(error as Error).message}`;
  const lastSourceAttempt = attempt >= MEDIA_SOURCE_ATTEMPTS;
  if (error instanceof MediaUrlExpiredError) {
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.urlExpired, message, nonRetryable: true });
  }
  if (error instanceof ArchiveIntegrityError) {
    // A flaky transfer heals within a few attempts; a corrupt source fails for good.
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.integrity, message, nonRetryable: lastSourceAttempt });
  }
  if (error instanceof MediaTooLargeError) {
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.tooLarge, message, nonRetryable: true });
  }
  if (error instanceof MediaUnsafeUrlError) {
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.unsafeUrl, message, nonRetryable: true });
  }
  if (error instanceof MediaDownloadError) {
    return ApplicationFailure.create({
      type: MEDIA_FAILURE_TYPES.downloadFailed,
      message,
      nonRetryable: lastSourceAttempt,
    });
  }
  return archiveStoreFailure(error);
}
