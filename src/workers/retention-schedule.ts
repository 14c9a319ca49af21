import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { retentionSweep } from '../workflows/retention-sweep';

/** How the retention sweep is scheduled (`RETENTION_SWEEP_INTERVAL_MINUTES`, `RETENTION_SWEEP_BATCH_SIZE`). */
export interface RetentionScheduleOptions {
  /** The main task queue; the sweep runs there and its activities on the media queue. */
  taskQueue: string;
  intervalMinutes: number;
  batchSize: number;
}

/**
 * Id of the sweep's schedule, derived from the main queue like every other queue: two deployments (or two test files)
 * sharing a namespace each sweep only their own archive.
 */
export function retentionScheduleId(taskQueue: string): string {
  return `retention-sweep:${taskQueue}`;
}

function scheduleParts(options: RetentionScheduleOptions): {
  spec: ScheduleSpec;
  action: ScheduleOptionsStartWorkflowAction<typeof retentionSweep>;
} {
  return {
    spec: { intervals: [{ every: `${options.intervalMinutes} minutes` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'retentionSweep',
      workflowId: `${retentionScheduleId(options.taskQueue)}:run`,
      taskQueue: options.taskQueue,
      args: [{ batchSize: options.batchSize }],
      staticSummary: 'retention sweep: delete media past its retention period unless held',
    },
  };
}

/**
 * Creates the retention sweep's schedule, or brings an existing one to the configured interval and batch size;
 * safe to call from every worker at every start-up. Overlap SKIP: a sweep still running (continued as new over a
 * large backlog) is never joined by a second one. A pause set by an operator is kept.
 */
export async function ensureRetentionSchedule(client: Client, options: RetentionScheduleOptions): Promise<void> {
  const scheduleId = retentionScheduleId(options.taskQueue);
  const { spec, action } = scheduleParts(options);
  // One missed run is enough to catch up: the next sweep takes everything due anyway.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule
      .getHandle(scheduleId)
      .update((previous) => ({ spec, action, policies, state: { paused: previous.state.paused } }));
  }
}
