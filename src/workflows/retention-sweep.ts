import { continueAsNew, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { JourneyActivities } from './activity-proxies';
import type { RetentionSweepInput, SweepTotals } from './retention-types';
import { mediaTaskQueue } from '../contracts/task-queues';

/** A sweep that ran before decision records had a retention purges none (its history lacks the activity). */
const DECISION_RECORD_RETENTION_PATCH = 'decision-record-retention';

/** Sweep defaults; the schedule passes the configured batch size. */
const SWEEP_DEFAULTS = {
  batchSize: 100,
  // 50 batches of 100 is 5,000 journeys and about 400 events before the run continues as new.
  maxBatches: 50,
  lookbackDays: 60,
} as const;

/**
 * The retention activities on the media queue. Retried without limit (backing off to 10 minutes): a store outage
 * delays a retention record or a sweep, it must never drop one.
 */
export function retentionActivities(summary: string): JourneyActivities {
  return proxyActivities<JourneyActivities>({
    taskQueue: mediaTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '10 minutes',
    // A purge heartbeats after every journey; one stuck on the store is retried from where it stood.
    heartbeatTimeout: '2 minutes',
    summary,
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
}

function add(into: SweepTotals, batch: SweepTotals): void {
  for (const key of Object.keys(into) as (keyof SweepTotals)[]) into[key] += batch[key];
}

/**
 * Deletes the media of every journey whose retention period is over, unless it is on legal hold: lists due records
 * from the archive in batches and purges each batch, then the input images no journey owns and the decision records past
 * their retention. Started hourly by the `retention-sweep` schedule (overlap
 * SKIP); idempotent, so a crashed or repeated sweep only finishes what is left. Continues as new after
 * `maxBatches` batches to keep its history bounded.
 */
export async function retentionSweep(input: RetentionSweepInput = {}): Promise<SweepTotals> {
  const batchSize = input.batchSize ?? SWEEP_DEFAULTS.batchSize;
  const maxBatches = input.maxBatches ?? SWEEP_DEFAULTS.maxBatches;
  const lookbackDays = input.lookbackDays ?? SWEEP_DEFAULTS.lookbackDays;
  const totals: SweepTotals = input.totals ?? { purged: 0, objects: 0, held: 0, gone: 0, moved: 0, notDue: 0 };
  const { listDueRetention } = retentionActivities('list due journeys');
  const { purgeDueRetention } = retentionActivities('purge due journeys');
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const due = await listDueRetention({ limit: batchSize, lookbackDays });
    if (due.length === 0) {
      const { removeOrphanInputs } = retentionActivities('remove orphaned input images');
      const orphans = await removeOrphanInputs();
      if (orphans.folders > 0) log.info('removed input images no journey owns', { ...orphans });
      if (patched(DECISION_RECORD_RETENTION_PATCH)) {
        const purged = await retentionActivities('purge expired decision records').purgeDecisionRecords();
        if (purged > 0) log.info('purged expired decision records', { purged });
      }
      return totals;
    }
    const done = await purgeDueRetention({ entries: due });
    add(totals, done);
    // Entries listed as due that the purge found not due yet stay listed: stop rather than list them again.
    if (done.notDue === due.length) {
      log.warn('due journeys were not due at purge time; the next sweep retries them', { count: done.notDue });
      return totals;
    }
  }
  return await continueAsNew<typeof retentionSweep>({ batchSize, maxBatches, lookbackDays, totals });
}
