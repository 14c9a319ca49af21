import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { DEFAULT_QUOTA_PER_SECOND, FACEID_ACTION_NAMES, type FaceIdAction } from '../faceid/actions';
import { createActivities, type ActivityDeps } from '../activities';
import { pacedActivityTuner, type QuotaPacer } from '../quota';
import { faceIdActivityName, faceIdTaskQueue, mediaTaskQueue } from '../contracts/task-queues';

/** How to build the workers of one process. */
export interface JourneyWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** The main task queue; the FaceID and media queues are derived from it. */
  taskQueue: string;
  deps: ActivityDeps;
  /** The journey workflows' bundle, built by `bundleJourneyWorkflows` (or `journeyWorkflowCode` in a worker process). */
  workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
  /** Per-action quotas (requests per second); unlisted actions get `defaultRateLimit`. */
  rateLimits?: Partial<Record<FaceIdAction, number>>;
  defaultRateLimit?: number;
  /**
   * Paces this process's FaceID calls within the quota group (`startQuotaPacer`); the same pacer must hold the
   * FaceID client's `beforeSend`, and its `quotaFor` must agree with the rate limits above.
   */
  pacer: QuotaPacer;
  maxCachedWorkflows: number;
  /** Concurrent downloads per media worker; each holds one file's stream, never the whole file. */
  maxConcurrentDownloads?: number;
  /** How long running activities get to finish on shutdown. */
  shutdownGraceTimeMs?: number;
  /**
   * The payload codec and failure converter (`dataConverterFor`); `bundleJourneyWorkflows` bundles the same
   * failure converter.
   */
  dataConverter: DataConverter;
  /**
   * This process's place in a Temporal Worker Deployment (worker versioning): journeys stay on the version they
   * started on (pinned), new ones go to the deployment's current version. Without it, workers are unversioned.
   */
  deployment?: WorkerDeployment | undefined;
}

/** A Worker Deployment and this code's build id in it (docs/deployment.md, "Deploying a new version"). */
export interface WorkerDeployment {
  name: string;
  buildId: string;
}

/** The quota of one action in calls per second: its own limit, else the default, else FaceID's 20/s. */
export function quotaOf(
  action: FaceIdAction,
  limits: { rateLimits?: Partial<Record<FaceIdAction, number>>; defaultRateLimit?: number },
): number {
  return limits.rateLimits?.[action] ?? limits.defaultRateLimit ?? DEFAULT_QUOTA_PER_SECOND;
}

/**
 * The workers of the service: the main queue (journey workflows and webhook delivery), one queue per FaceID action,
 * and the media queue. The quota is kept exactly by the pacer (calls start only in this process's global slots, see
 * `src/quota`); each FaceID worker holds only the tasks its slots can start within a few seconds.
 */
export async function createJourneyWorkers(options: JourneyWorkerOptions): Promise<Worker[]> {
  const activities = createActivities({
    ...options.deps,
    faceIdSlotWaitMs: (action) => options.pacer.expectedWaitMs(action),
  });
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    shutdownGraceTime: options.shutdownGraceTimeMs ?? 10_000,
    dataConverter: options.dataConverter,
    // Every queue of the process belongs to the version, so a pinned journey's activities run on its own code too.
    ...(options.deployment
      ? {
          workerDeploymentOptions: {
            useWorkerVersioning: true,
            version: { deploymentName: options.deployment.name, buildId: options.deployment.buildId },
            // A journey waits hours for its user: it finishes on the code it started on, whatever is deployed since.
            defaultVersioningBehavior: 'PINNED',
          } as const,
        }
      : {}),
  };
  const main = Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    maxCachedWorkflows: options.maxCachedWorkflows,
    // FaceID calls and downloads run on their own queues; the main queue hosts the workflows, the light webhook
    // delivery (no quota, no heartbeats), and what the journey runs as local activities: its FaceID token and result
    // calls (each falls back to its action's queue when the quota is busy) and its last step.
    activities: {
      deliverWebhook: activities.deliverWebhook,
      settleJourney: activities.settleJourney,
      recordJourneyEnd: activities.recordJourneyEnd,
      issueTokenInline: activities.issueTokenInline,
      fetchResultInline: activities.fetchResultInline,
    },
    maxEagerActivityReservationsPerWorkflowTask: 0,
  });
  const faceid = FACEID_ACTION_NAMES.map((action) => {
    const name = faceIdActivityName(action);
    return Worker.create({
      ...common,
      taskQueue: faceIdTaskQueue(options.taskQueue, action),
      activities: { [name]: activities[name] },
      // Only a coarse ceiling against a runaway: at the quota itself, the server's per-partition token buckets left
      // slots idle (0.87 of the quota measured); the pacer keeps every window exact.
      maxTaskQueueActivitiesPerSecond: quotaOf(action, options) * 2,
      tuner: pacedActivityTuner(options.pacer, action),
    });
  });
  const media = Worker.create({
    ...common,
    taskQueue: mediaTaskQueue(options.taskQueue),
    // Retention lives beside the media it deletes: filing records at a journey's end and the sweep's steps.
    activities: {
      archiveMedia: activities.archiveMedia,
      recordRetention: activities.recordRetention,
      listDueRetention: activities.listDueRetention,
      purgeDueRetention: activities.purgeDueRetention,
      removeOrphanInputs: activities.removeOrphanInputs,
      purgeDecisionRecords: activities.purgeDecisionRecords,
    },
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
