import { ActivityFailure, ApplicationFailure, isCancellation, patched } from '@temporalio/workflow';
import { FACEID_NON_RETRYABLE_TYPES } from '../contracts/failure-types';
import { failureType } from './failure-kinds';
import type { JourneyRun } from './journey-run';

/**
 * Journeys started since FaceID calls are made inline first. One patch for both calls: a journey that began on the
 * older code replays its queued token call and, once live again, fetches its result inline. Journeys of
 * `LEAN_HISTORY_PATCH` make them inline without asking it.
 */
export const INLINE_CALLS_PATCH = 'faceid-calls-inline';

const NON_RETRYABLE: ReadonlySet<string> = new Set(FACEID_NON_RETRYABLE_TYPES);

/**
 * The inline attempt of a FaceID call (a local activity): its answer, or `undefined` to make the call on the action's
 * queue instead, when no quota slot came soon or the attempt failed in a way a retry may mend. Failures the queued
 * call would repeat, and cancellation, are the caller's. Histories from before the patch go to the queue directly.
 */
export async function inlineFirst<T>(run: JourneyRun, attempt: () => Promise<T | null>): Promise<T | undefined> {
  if (!(run.leanHistory || patched(INLINE_CALLS_PATCH))) return undefined;
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
