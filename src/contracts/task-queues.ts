import type { FaceIdAction } from '../faceid/actions';

/**
 * The default main task queue: journey workflows. Every other queue is derived from the main queue's name, so a
 * workflow finds its activity queues from its own task queue, and two deployments (or two test files) can share a
 * namespace without taking each other's tasks.
 */
export const DEFAULT_TASK_QUEUE = 'ekyc-journeys';

/**
 * One queue per FaceID action, so the server can enforce each action's quota with
 * `maxTaskQueueActivitiesPerSecond` across every worker, retries included.
 */
export function faceIdTaskQueue(mainQueue: string, action: FaceIdAction): string {
  return `${mainQueue}.faceid.${action}`;
}

/** Media downloads and archive writes: heavy I/O, heartbeating, capped concurrency. */
export function mediaTaskQueue(mainQueue: string): string {
  return `${mainQueue}.media`;
}

/** The activity that performs one FaceID action: same name, lower camel case. */
export function faceIdActivityName<A extends FaceIdAction>(action: A): Uncapitalize<A> {
  return (action.charAt(0).toLowerCase() + action.slice(1)) as Uncapitalize<A>;
}
