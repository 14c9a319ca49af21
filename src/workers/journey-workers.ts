import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { DEFAULT_QUOTA_PER_SECOND, FACEID_ACTION_NAMES, type FaceIdAction } from '../faceid/actions';
import { createActivities, type ActivityDeps } from '../activities';
import { faceIdActivityName, faceIdTaskQueue, mediaTaskQueue } from '../workflows/task-queues';

/** How to build the workers of one process. */
export interface JourneyWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** The main task queue; the FaceID and media queues are derived from it. */
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build it once per file) or the path the worker bundles from. */
  workflows: Pick<WorkerOptions, 'workflowBundle'> | Pick<WorkerOptions, 'workflowsPath'>;
  /** Per-action quotas (requests per second); unlisted actions get `defaultRateLimit`. */
  rateLimits?: Partial<Record<FaceIdAction, number>>;
  defaultRateLimit?: number;
  maxCachedWorkflows: number;
  /** Concurrent downloads per media worker; each holds one file's stream, never the whole file. */
  maxConcurrentDownloads?: number;
  /** How long running activities get to finish on shutdown. */
  shutdownGraceTimeMs?: number;
  /**
   * The payload codec and failure converter (`dataConverterFor`); a prebuilt `workflowBundle` must have been bundled
   * with the same `failureConverterPath`.
   */
  dataConverter: DataConverter;
}

/**
 * The task-queue dispatch rate that keeps an action within its quota. The server's limiter is a token bucket whose
 * burst equals its rate, so a rate of r can let 2r tasks through within one second (a full bucket, then its refill);
 * measured: 37 calls in one second at r = 20. Half the quota bounds that at the quota; a further 10 % absorbs the
 * jitter between dispatch and arrival (measured: 21 in one second at r = 10).
 */
export function dispatchRateFor(quotaPerSecond: number): number {
  return quotaPerSecond * 0.45;
}

/**
 * The workers of the service: the main queue (journey workflows and webhook delivery), one queue per FaceID action capped at that
 * action's quota, and the media queue. `maxTaskQueueActivitiesPerSecond` is enforced by the server across every
 * worker polling the queue, retries included, so the quota holds however far the workers scale out.
 */
export async function createJourneyWorkers(options: JourneyWorkerOptions): Promise<Worker[]> {
  const activities = createActivities(options.deps);
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    shutdownGraceTime: options.shutdownGraceTimeMs ?? 10_000,
    dataConverter: options.dataConverter,
  };
  const main = Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    ...options.workflows,
    maxCachedWorkflows: options.maxCachedWorkflows,
    // FaceID calls and downloads run on their own queues; the main queue hosts the workflows and the light webhook
    // delivery, which needs no quota and no heartbeats.
    activities: { deliverWebhook: activities.deliverWebhook },
    maxEagerActivityReservationsPerWorkflowTask: 0,
  });
  const faceid = FACEID_ACTION_NAMES.map((action) => {
    const name = faceIdActivityName(action);
    return Worker.create({
      ...common,
      taskQueue: faceIdTaskQueue(options.taskQueue, action),
      activities: { [name]: activities[name] },
      maxTaskQueueActivitiesPerSecond: dispatchRateFor(
        options.rateLimits?.[action] ?? options.defaultRateLimit ?? DEFAULT_QUOTA_PER_SECOND,
      ),
      maxConcurrentActivityTaskExecutions: 50,
    });
  });
  const media = Worker.create({
    ...common,
    taskQueue: mediaTaskQueue(options.taskQueue),
    activities: { archiveMedia: activities.archiveMedia, deleteJourneyMedia: activities.deleteJourneyMedia },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentDownloads ?? 8,
  });
  return Promise.all([main, ...faceid, media]);
}

/** Runs workers until all of them stop; one failing stops the rest, and the first error is rethrown. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  const results = await Promise.allSettled(
    workers.map((worker) =>
      worker.run().catch((error: unknown) => {
        for (const other of workers) if (other.getState() === 'RUNNING') other.shutdown();
        throw error;
      }),
    ),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
