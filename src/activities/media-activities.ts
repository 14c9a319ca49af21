import { ApplicationFailure, Context } from '@temporalio/activity';
import { mediaKey } from '../archive/keys';
import { downloadToArchive, MediaTooLargeError, MediaUrlExpiredError } from '../archive/download';
import { ArchiveIntegrityError, ArchiveObjectMissingError, type ArchiveStore } from '../archive/store';
import { MEDIA_FAILURE_TYPES } from '../workflows/failure-types';
import type { ArchiveMediaInput, ArchiveRef, MediaKind } from '../workflows/types';
import { readMediaClaim } from './inline-media';

/** What the media activities need. */
export interface MediaActivityDeps {
  archive: ArchiveStore;
  /** Largest media file accepted. */
  maxMediaBytes?: number;
  /** Whole-download timeout per file. */
  downloadTimeoutMs?: number;
}

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

/** Media archiving, on the media task queue. */
export function createMediaActivities({
  archive,
  maxMediaBytes = 64 * 1024 * 1024,
  downloadTimeoutMs = 120_000,
}: MediaActivityDeps) {
  return {
    /**
     * Downloads every temporary media URL of a result into the archive, verified against FaceID's MD5 and size.
     * Objects already archived under their content-addressed key are skipped, so a retry redoes only what is missing.
     */
    archiveMedia: async ({ journeyId, mediaClaim, media: expected }: ArchiveMediaInput): Promise<ArchiveRef[]> => {
      const context = Context.current();
      const keyOf = (kind: MediaKind, md5: string) => mediaKey(journeyId, kind, md5, CONTENT_TYPES[kind]);
      const already = await Promise.all(expected.map((item) => archive.head(keyOf(item.kind, item.md5))));
      if (already.every((stored, index) => stored?.md5 === expected[index]?.md5)) {
        // Everything was archived by an attempt whose completion was lost: finish its clean-up and report.
        await archive.delete(mediaClaim);
        return expected.map((item, index) => ({
          key: keyOf(item.kind, item.md5),
          kind: item.kind,
          md5: item.md5,
          size: already[index]?.size ?? 0,
        }));
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
      for (const [index, item] of media.entries()) {
        const key = keyOf(item.kind, item.md5);
        const existing = await archive.head(key);
        if (existing && existing.md5 === item.md5) {
          refs.push({ key, kind: item.kind, md5: existing.md5, size: existing.size });
          continue;
        }
        try {
          const stored = await downloadToArchive(archive, {
            url: item.url,
            key,
            md5: item.md5,
            size: item.size,
            contentType: CONTENT_TYPES[item.kind],
            maxBytes: maxMediaBytes,
            timeoutMs: downloadTimeoutMs,
            onProgress: (bytes) => context.heartbeat({ file: index + 1, of: media.length, bytes }),
          });
          refs.push({ key, kind: item.kind, md5: stored.md5, size: stored.size });
        } catch (error) {
          // Expired URLs are useless: drop the claim so only the fresh one the workflow fetches next remains.
          if (error instanceof MediaUrlExpiredError) await archive.delete(mediaClaim);
          throw mediaFailure(error, item.kind);
        }
        context.heartbeat({ file: index + 1, of: media.length, done: true });
      }
      // The URLs served their purpose; a retry after this point finds every object archived already.
      await archive.delete(mediaClaim);
      return refs;
    },
  };
}

function mediaFailure(error: unknown, kind: MediaKind): unknown {
  if (error instanceof MediaUrlExpiredError) {
    return ApplicationFailure.create({
      type: MEDIA_FAILURE_TYPES.urlExpired,
      message: `${kind}: ${error.message}`,
      nonRetryable: true,
    });
  }
  if (error instanceof ArchiveIntegrityError) {
    return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.integrity, message: `${kind}: ${error.message}` });
  }
  if (error instanceof MediaTooLargeError) {
    return ApplicationFailure.create({
      type: MEDIA_FAILURE_TYPES.tooLarge,
      message: `${kind}: ${error.message}`,
      nonRetryable: true,
    });
  }
  return error;
}
