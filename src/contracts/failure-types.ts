// Plain data shared by the workflow bundle and the activities: nothing from Temporal, Node or zod.
import { FACEID_ERROR_RETRYABLE } from '../faceid/errors';

/** FaceID failure types that retrying cannot fix; the activity proxies never retry them. */
export const FACEID_NON_RETRYABLE_TYPES: readonly string[] = Object.entries(FACEID_ERROR_RETRYABLE)
  .filter(([, retryable]) => !retryable)
  .map(([type]) => type);

/** FaceID failures worth another attempt: one of them ending a call means its window ran out first. */
export const FACEID_RETRYABLE_TYPES: ReadonlySet<string> = new Set(
  Object.entries(FACEID_ERROR_RETRYABLE)
    .filter(([, retryable]) => retryable)
    .map(([type]) => type),
);

/** Failure types of the media archive. */
export const MEDIA_FAILURE_TYPES = {
  /** The temporary URL no longer serves the file: fetch the result again for fresh URLs. */
  urlExpired: 'MediaUrlExpired',
  /** The bytes did not match FaceID's MD5 or size after bounded retries. */
  integrity: 'MediaIntegrityError',
  /** The URL points somewhere the archive must not fetch from (scheme, host or address). */
  unsafeUrl: 'MediaUnsafeUrl',
  /** The file is larger than the archive accepts. */
  tooLarge: 'MediaTooLarge',
  /** The download broke off (5xx, reset, timeout) on every bounded retry. */
  downloadFailed: 'MediaDownloadFailed',
  /** A stored input image the journey needs is missing. */
  inputMissing: 'ArchiveObjectMissing',
  /** The archive itself failed (disk full, read-only, store unreachable): retried while the media stay fetchable. */
  storeFailed: 'ArchiveStoreFailed',
} as const;

/** Media failures the archive activity must not retry. */
export const MEDIA_NON_RETRYABLE_TYPES: readonly string[] = [
  MEDIA_FAILURE_TYPES.urlExpired,
  MEDIA_FAILURE_TYPES.unsafeUrl,
  MEDIA_FAILURE_TYPES.tooLarge,
  MEDIA_FAILURE_TYPES.inputMissing,
];

/** Attempts of a download that fails on the media's side (bytes, transfer) before the journey gives up on it. */
export const MEDIA_SOURCE_ATTEMPTS = 4;

/** Failure types of a webhook delivery; the delivering workflow never retries `rejected`. */
export const WEBHOOK_FAILURE_TYPES = {
  /** The backend answered a 4xx other than 408 / 429: retrying the same body cannot help. */
  rejected: 'WebhookRejected',
  /** Network error, timeout, 408, 429, 3xx or 5xx: worth another attempt. */
  failed: 'WebhookDeliveryFailed',
} as const;

/** The reason of a journey that ended because FaceID did not answer within the window its call was given. */
export const FACEID_UNAVAILABLE_REASON = 'faceid_unavailable';

/** The reason of a journey whose media could not be stored before FaceID's result window closed. */
export const ARCHIVE_UNAVAILABLE_REASON = 'archive_unavailable';

/** A reason code for a failure type: `FaceIdAuthFailure` → `faceid_auth_failure`. */
export function reasonFromFailureType(type: string): string {
  return type
    .replace(/^FaceId/, 'Faceid')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
