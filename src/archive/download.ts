import { Readable, Transform } from 'node:stream';
import { ArchiveIntegrityError, type ArchiveStore, type StoredObject } from './store';

/** The URL answered 403/404/410: FaceID's temporary link has expired. */
export class MediaUrlExpiredError extends Error {
  override readonly name = 'MediaUrlExpiredError';
}

/** The body is larger than the archive accepts. */
export class MediaTooLargeError extends Error {
  override readonly name = 'MediaTooLargeError';
}

/** Any other failed download (5xx, reset, timeout): worth another try. */
export class MediaDownloadError extends Error {
  override readonly name = 'MediaDownloadError';
}

/** One download into the archive. */
export interface DownloadRequest {
  url: string;
  key: string;
  md5: string;
  size: number | null;
  contentType: string;
  maxBytes: number;
  timeoutMs: number;
  /** Called with the bytes received so far, at most once per chunk. */
  onProgress?: (bytes: number) => void;
}

/**
 * Streams one media file from its URL into the store, verifying size and MD5 on the way; the store commits only a
 * verified object. Never holds the whole file in memory.
 */
export async function downloadToArchive(store: ArchiveStore, request: DownloadRequest): Promise<StoredObject> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetch(request.url, { signal: controller.signal, redirect: 'error' });
    } catch (error) {
      throw new MediaDownloadError(`media download failed before a response (${(error as Error).name})`);
    }
    if ([403, 404, 410].includes(response.status))
      throw new MediaUrlExpiredError(`media URL answered ${response.status}`);
    if (!response.ok || !response.body) throw new MediaDownloadError(`media URL answered ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > request.maxBytes || (request.size ?? 0) > request.maxBytes) {
      await response.body.cancel();
      throw new MediaTooLargeError(`media larger than ${request.maxBytes} bytes`);
    }
    let received = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > request.maxBytes)
          return done(new MediaTooLargeError(`media larger than ${request.maxBytes} bytes`));
        request.onProgress?.(received);
        done(null, chunk);
      },
    });
    const body = Readable.fromWeb(response.body).pipe(cap);
    try {
      return await store.put(request.key, body, {
        contentType: request.contentType,
        md5: request.md5,
        ...(request.size !== null ? { size: request.size } : {}),
      });
    } catch (error) {
      if (error instanceof ArchiveIntegrityError || error instanceof MediaTooLargeError) throw error;
      throw new MediaDownloadError(`media download broke off after ${received} bytes`);
    }
  } finally {
    clearTimeout(timer);
  }
}
