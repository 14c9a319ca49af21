import { ApplicationFailure } from '@temporalio/activity';
import { ArchiveStoreError } from '../store/object-store';
import { FaceIdError } from '../faceid/errors';
import { MEDIA_FAILURE_TYPES } from '../contracts/failure-types';

/**
 * Turns a FaceID failure into the `ApplicationFailure` the workflow's retry policy understands: the kind becomes the
 * type, retryability comes from the kind, and Tencent's code and RequestId go into details (never the body).
 */
function toActivityFailure(error: unknown): unknown {
  if (!(error instanceof FaceIdError)) return error;
  return ApplicationFailure.create({
    type: error.kind,
    message: error.message,
    nonRetryable: !error.retryable,
    details: [{ action: error.action, code: error.code ?? null, requestId: error.requestId ?? null }],
  });
}

/** Runs a FaceID call and rethrows its failure typed for Temporal. */
export async function typedFaceIdCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toActivityFailure(error);
  }
}

/**
 * The archive's own I/O failed (disk full, read-only, the store unreachable): a retryable `ArchiveStoreFailed` whose
 * message names the error code only, never a path, key or URL.
 */
export function archiveStoreFailure(error: unknown): ApplicationFailure {
  const { code, name } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    name?: unknown;
  };
  const label = typeof code === 'string' ? code : typeof name === 'string' ? name : 'error';
  const message = error instanceof ArchiveStoreError ? error.message : `archive I/O failed (${label})`;
  return ApplicationFailure.create({ type: MEDIA_FAILURE_TYPES.storeFailed, message });
}
