import { ApplicationFailure } from '@temporalio/activity';
import { FaceIdError } from '../faceid/errors';

/**
 * Turns a FaceID failure into the `ApplicationFailure` the workflow's retry policy understands: the kind becomes the
 * type, retryability comes from the kind, and Tencent's code and RequestId go into details (never the body).
 */
export function toActivityFailure(error: unknown): unknown {
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
