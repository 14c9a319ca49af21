import { mediaKey } from '../archive/keys';
import type { MediaDownloader } from '../archive/download';
import { recordArchived } from '../archive/manifest';
import type { ObjectStore } from '../store/object-store';
import type { ArchiveRef, MediaDescriptor, MediaKind, RemoteMedia } from '../workflows/types';
import { recordArchivedBytes } from './observe';

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

/** Where a media file of a journey is archived: content-addressed, so every attempt writes the same key. */
export function remoteMediaKey(journeyId: string, item: MediaDescriptor): string {
  return mediaKey(journeyId, item.kind, item.md5, CONTENT_TYPES[item.kind]);
}

/** Progress of {@link archiveRemoteMedia}, for heartbeats. */
export interface ArchiveProgress {
  file: number;
  of: number;
  bytes: number;
  done?: boolean;
}

/** Thrown for the file that failed, so a caller can name its kind (never its URL). */
export class RemoteMediaError extends Error {
  override readonly name = 'RemoteMediaError';
  constructor(
    readonly kind: MediaKind,
    override readonly cause: unknown,
  ) {
    super(`${kind}: ${(cause as Error).message}`);
  }
}

/**
 * Downloads each temporary media URL into the archive through the guarded downloader, verified against FaceID's MD5
 * and size, and lists the files in the journey's manifest. Files already archived under their key are skipped, so a
 * repeat after a crash redoes only what is missing.
 */
export async function archiveRemoteMedia(
  archive: ObjectStore,
  downloader: MediaDownloader,
  journeyId: string,
  media: RemoteMedia[],
  options: { signal?: AbortSignal; onProgress?: (progress: ArchiveProgress) => void } = {},
): Promise<ArchiveRef[]> {
  const refs: ArchiveRef[] = [];
  for (const [index, item] of media.entries()) {
    const key = remoteMediaKey(journeyId, item);
    const existing = await archive.head(key);
    if (existing && existing.md5 === item.md5) {
      refs.push({ key, kind: item.kind, md5: existing.md5, size: existing.size });
      continue;
    }
    const file = index + 1;
    options.onProgress?.({ file, of: media.length, bytes: 0 });
    try {
      const stored = await downloader.archive(archive, {
        url: item.url,
        key,
        md5: item.md5,
        size: item.size,
        contentType: CONTENT_TYPES[item.kind],
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (bytes) => options.onProgress?.({ file, of: media.length, bytes }),
      });
      refs.push({ key, kind: item.kind, md5: stored.md5, size: stored.size });
      recordArchivedBytes(item.kind, stored.size);
    } catch (error) {
      throw new RemoteMediaError(item.kind, error);
    }
    options.onProgress?.({ file, of: media.length, bytes: 0, done: true });
  }
  await recordArchivedRefs(archive, journeyId, refs);
  return refs;
}

/** Lists archived media in the journey's manifest. */
export async function recordArchivedRefs(archive: ObjectStore, journeyId: string, refs: ArchiveRef[]): Promise<void> {
  await recordArchived(
    archive,
    journeyId,
    refs.map((ref) => ({ ...ref, contentType: CONTENT_TYPES[ref.kind] })),
  );
}
