import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { FACEID_NON_RETRYABLE_TYPES } from '../contracts/failure-types';
import { failureType } from './failure-kinds';

const NON_RETRYABLE: ReadonlySet<string> = new Set(FACEID_NON_RETRYABLE_TYPES);

/**
 * The inline attempt of a FaceID call (a local activity): its answer, or `undefined` to make the call on the action's
 * queue instead, when no quota slot came soon or the attempt failed in a way a retry may mend. Failures the queued
 * call would repeat, and cancellation, are the caller's.
 */
export async function inlineFirst<T>(attempt: () => Promise<T | null>): Promise<T | undefined> {
  try {
    return (await attempt()) ?? undefined;
  } catch (error) {
    if (isCancellation(error) || wouldRepeat(error)) throw error;
    return undefined;
  }
}

/**
 * A failure the queued call would meet again: FaceID's non-retryable kinds, or one the activity marked so. A local
 * activity's failure may arrive wrapped in an `ActivityFailure` or as the activity's own `ApplicationFailure`.
 */
function wouldRepeat(error: unknown): boolean {
  if (NON_RETRYABLE.has(failureType(error) ?? '')) return true;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}
