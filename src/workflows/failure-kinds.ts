import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { FACEID_RETRYABLE_TYPES, MEDIA_FAILURE_TYPES } from '../contracts/failure-types';
import { faceIdActivityName } from '../contracts/task-queues';
import { FACEID_ACTION_NAMES } from '../faceid/actions';

/** The `ApplicationFailure.type` behind an activity failure, if any. */
export function failureType(error: unknown): string | undefined {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure)
    return error.cause.type ?? undefined;
  if (error instanceof ApplicationFailure) return error.type ?? undefined;
  return undefined;
}

const FACEID_ACTIVITY_TYPES: ReadonlySet<string> = new Set(FACEID_ACTION_NAMES.map(faceIdActivityName));

/**
 * Whether a FaceID call retried through its whole window (an outage) without an answer it could use: it timed out,
 * or it failed with a retryable kind, which the server hands back once the next attempt would pass the deadline
 * (FaceID calls have no attempt limit).
 */
export function isFaceIdOutage(error: unknown): boolean {
  if (!(error instanceof ActivityFailure) || !FACEID_ACTIVITY_TYPES.has(error.activityType)) return false;
  if (error.cause instanceof TimeoutFailure) return true;
  return error.cause instanceof ApplicationFailure && FACEID_RETRYABLE_TYPES.has(error.cause.type ?? '');
}

/**
 * Whether the archive failed for a whole activity window: a store failure the server handed back once the next attempt
 * would pass the deadline, or the archive activity timing out.
 */
export function isArchiveOutage(error: unknown): boolean {
  if (!(error instanceof ActivityFailure)) return false;
  if (error.cause instanceof ApplicationFailure) return error.cause.type === MEDIA_FAILURE_TYPES.storeFailed;
  return error.cause instanceof TimeoutFailure && error.activityType === 'archiveMedia';
}
