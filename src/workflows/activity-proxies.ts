import { proxyActivities, proxyLocalActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { FaceIdAction } from '../faceid/actions';
import type { createActivities } from '../activities';
import {
  FACEID_NON_RETRYABLE_TYPES,
  MEDIA_NON_RETRYABLE_TYPES,
  WEBHOOK_FAILURE_TYPES,
} from '../contracts/failure-types';
import { faceIdActivityName, faceIdTaskQueue, mediaTaskQueue } from '../contracts/task-queues';

/** Every activity the worker registers, typed from the factory without importing its code into the bundle. */
export type JourneyActivities = ReturnType<typeof createActivities>;

/**
 * The activity for one FaceID action, on that action's rate-limited task queue. Retries back off from 1 s to 30 s for
 * as long as `scheduleToCloseMs` allows, however many attempts that takes, so a journey rides out a FaceID outage for
 * as long as its window lasts; failures FaceID will repeat (auth, bad token, bad request, service not activated) are
 * not retried at all.
 */
export function faceIdActivity<A extends FaceIdAction>(
  action: A,
  options: { scheduleToCloseMs: number; startToCloseMs: number; summary: string },
): JourneyActivities[Uncapitalize<A>] {
  const activityOptions: ActivityOptions = {
    taskQueue: faceIdTaskQueue(workflowInfo().taskQueue, action),
    // One attempt: the worker's FaceID HTTP timeout plus a margin (the journey's `faceIdCallMs` timer).
    startToCloseTimeout: options.startToCloseMs,
    scheduleToCloseTimeout: options.scheduleToCloseMs,
    summary: options.summary,
    // Quotas are enforced by the server on each action's queue; eager dispatch would bypass that count.
    allowEagerDispatch: false,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      nonRetryableErrorTypes: [...FACEID_NON_RETRYABLE_TYPES],
    },
  };
  return proxyActivities<JourneyActivities>(activityOptions)[faceIdActivityName(action)];
}

/**
 * Media archiving on its own queue; heartbeats reveal a stuck download. Retried until the URLs expire: the activity
 * itself gives up early on media that fail on their side (`MEDIA_SOURCE_ATTEMPTS`), while a failing store is retried
 * for the whole window, after which the journey fetches fresh URLs and tries again. Timeouts come from the journey's
 * durations.
 */
export function archiveActivity(
  summary: string,
  timeouts: { scheduleToCloseMs: number; startToCloseMs: number; heartbeatMs: number },
): JourneyActivities['archiveMedia'] {
  return proxyActivities<JourneyActivities>({
    taskQueue: mediaTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: timeouts.startToCloseMs,
    heartbeatTimeout: timeouts.heartbeatMs,
    // Inside the URLs' lifetime: retrying past it only meets MediaUrlExpired, so the workflow re-fetches instead.
    scheduleToCloseTimeout: timeouts.scheduleToCloseMs,
    summary,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '20 seconds',
      nonRetryableErrorTypes: [...MEDIA_NON_RETRYABLE_TYPES],
    },
  }).archiveMedia;
}

/**
 * A FaceID call inside the workflow task that asks for it (`issueTokenInline`, `fetchResultInline`): one attempt,
 * bounded by the journey's `inlineCallMs` or `inlineResultMs`; whatever it cannot do in that attempt the journey asks
 * of the action's queue instead (`inlineFirst`).
 */
export function inlineFaceIdActivity<K extends 'issueTokenInline' | 'fetchResultInline'>(
  name: K,
  summary: string,
  timeoutMs: number,
): JourneyActivities[K] {
  return proxyLocalActivities<JourneyActivities>({
    startToCloseTimeout: timeoutMs,
    summary,
    retry: { maximumAttempts: 1 },
  })[name];
}

/**
 * The journey's last step (retention record, then one webhook attempt) as a local activity: it runs inside the workflow
 * task that decides, so an ended journey costs no extra activity task, workflow task or child workflow. Bounded (the
 * journey's `settleMs`) so a slow backend delays the run's close only that much; on failure the journey hands both to
 * `deliverJourneyEvent`.
 */
export function settleJourneyActivity(summary: string, timeoutMs: number): JourneyActivities['settleJourney'] {
  return proxyLocalActivities<JourneyActivities>({
    startToCloseTimeout: timeoutMs,
    summary,
    retry: { maximumAttempts: 1, nonRetryableErrorTypes: [WEBHOOK_FAILURE_TYPES.rejected] },
  }).settleJourney;
}
