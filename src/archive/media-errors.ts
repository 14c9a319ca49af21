/** The URL answered 403/404/410: FaceID's temporary link has expired (fetch the result again for fresh URLs). */
export class MediaUrlExpiredError extends Error {
  override readonly name = 'MediaUrlExpiredError';
}

/** The body is (or announces itself as) larger than the archive accepts; retrying cannot help. */
export class MediaTooLargeError extends Error {
  override readonly name = 'MediaTooLargeError';
}

/**
 * The URL, a redirect or the address it resolves to is somewhere the worker must not fetch from (scheme, host,
 * private address); retrying cannot help, and nothing was sent to the target.
 */
export class MediaUnsafeUrlError extends Error {
  override readonly name = 'MediaUnsafeUrlError';
}

/** Any other failed download (5xx, reset, truncated body, timeout, DNS failure): worth another try. */
export class MediaDownloadError extends Error {
  override readonly name = 'MediaDownloadError';
}
