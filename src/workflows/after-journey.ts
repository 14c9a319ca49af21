import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { JourneyActivities } from './activity-proxies';
import { deliverWebhookOptions } from './deliver-journey-event';
import { failureType } from './failure-kinds';
import { retentionActivities } from './retention-sweep';
import { mediaTaskQueue } from '../contracts/task-queues';
import { LEGAL_HOLD_ERRORS } from '../contracts/update-errors';
import type { JourneyEvent } from './types';

/** Input of {@link afterJourney}. */
export interface AfterJourneyInput {
  journeyId: string;
  /** The `journey.completed` event for the backend. */
  event: JourneyEvent;
  /** Days to keep the archived media (and the input images) after the outcome. */
  retentionDays: number;
  /** Archive keys of the images the caller stored for the journey. */
  inputKeys: string[];
}

/** A legal hold request: `hold: true` keeps the media past the retention period until released. */
export interface LegalHoldInput {
  hold: boolean;
  /** Operator id, never a name or e-mail. */
  operator: string;
  reason: string;
}

/** Where the after-journey work stands. */
export interface AfterJourneyStatus {
  journeyId: string;
  /** `delivered`, `skipped` (no webhook configured), `failed` (gave up after 24 h), or `pending`. */
  webhook: 'pending' | 'delivered' | 'skipped' | 'failed';
  deleteAfter: string;
  legalHold: boolean;
  deleted?: number;
  /** Set once the retention was handed over to the archive's retention records (the sweep deletes from there). */
  handedOver?: boolean;
}

/** Sets or releases the legal hold on a journey's media. */
export const setLegalHoldUpdate = defineUpdate<AfterJourneyStatus, [LegalHoldInput]>('setLegalHold');

/** Webhook delivery and retention state of a journey that has ended. */
export const afterJourneyStatusQuery = defineQuery<AfterJourneyStatus>('afterJourneyStatus');

/**
 * Tells a running `afterJourney` (from a deployment before the retention sweep) to hand its delete-after date and
 * legal hold over to the archive's retention records and end. Sent by the worker's start-up migration.
 */
export const migrateRetentionSignal = defineSignal('migrateRetention');

/**
 * Patch: `afterJourney` no longer deletes media itself; when its timer fires or `migrateRetention` arrives it files
 * its date and hold as a retention record for the sweep. Histories recorded before it replay the old path.
 */
const RETENTION_HANDOVER_PATCH = 'after-journey-hands-over-retention';

/** Operator and reason of a hold carried over when the update that set it predates the patch's bookkeeping. */
const CARRIED_HOLD = { operator: 'migration', reason: 'legal hold set on afterJourney before the retention sweep' };

/** Workflow id of the work that follows a journey's outcome; the legal-hold update goes here. */
export function afterJourneyWorkflowId(journeyId: string): string {
  return `${journeyId}:after`;
}

/**
 * Everything that follows an outcome, detached from the journey so neither holds it up: tells the backend (webhook,
 * retried for up to 24 h) and, at the same time, keeps the archived media for `retentionDays` (a durable timer), then
 * deletes it unless an operator set a legal hold, in which case it waits for the release. Deletions are recorded in
 * the journey's manifest. One workflow for both keeps the journey's own history short.
 *
 * Superseded by the retention sweep: journeys no longer start it. It stays registered for the ones still running,
 * which hand over to the archive's retention records (on `migrateRetention`, or when their timer fires) and end.
 */
export async function afterJourney(input: AfterJourneyInput): Promise<AfterJourneyStatus> {
  const deleteAfterMs = Date.now() + input.retentionDays * 24 * 3600 * 1000;
  const status: AfterJourneyStatus = {
    journeyId: input.journeyId,
    webhook: 'pending',
    deleteAfter: new Date(deleteAfterMs).toISOString(),
    legalHold: false,
  };
  let lastHold: { operator: string; reason: string } | undefined;
  let migrate = false;
  setHandler(afterJourneyStatusQuery, () => status);
  // Registering a handler adds no command: histories without the signal replay unchanged.
  setHandler(migrateRetentionSignal, () => {
    migrate = true;
  });
  setHandler(
    setLegalHoldUpdate,
    (hold: LegalHoldInput) => {
      status.legalHold = hold.hold;
      lastHold = hold.hold ? { operator: hold.operator, reason: hold.reason } : undefined;
      return status;
    },
    {
      validator: (hold: LegalHoldInput) => {
        if (status.deleted !== undefined) {
          throw ApplicationFailure.create({
            type: LEGAL_HOLD_ERRORS.alreadyDeleted,
            message: 'the media is already deleted',
          });
        }
        if (typeof hold?.hold !== 'boolean' || !/^[A-Za-z0-9._:-]{1,64}$/.test(hold.operator ?? '')) {
          throw ApplicationFailure.create({
            type: LEGAL_HOLD_ERRORS.invalidHold,
            message: 'hold must be a boolean and operator an operator id (1-64 letters, digits, . _ : -)',
          });
        }
        if (typeof hold.reason !== 'string' || hold.reason.trim() === '' || hold.reason.length > 500) {
          throw ApplicationFailure.create({
            type: LEGAL_HOLD_ERRORS.invalidHold,
            message: 'reason must be 1-500 characters',
          });
        }
      },
    },
  );

  const { deliverWebhook } = proxyActivities<JourneyActivities>(deliverWebhookOptions(input.event));
  const notify = deliverWebhook(input.event).then(
    (result) => {
      status.webhook = result.delivered ? 'delivered' : 'skipped';
    },
    (error: unknown) => {
      status.webhook = 'failed';
      log.warn('webhook delivery gave up', { journeyId: input.journeyId, failure: failureType(error) ?? 'unknown' });
    },
  );
  // The timer is started exactly as before; the signal can end the wait early (a condition adds no command).
  await Promise.race([
    sleep(Math.max(deleteAfterMs - Date.now(), 0), { summary: 'retention period' }),
    condition(() => migrate),
  ]);
  if (patched(RETENTION_HANDOVER_PATCH)) return await handOver();
  await condition(() => !status.legalHold || migrate);
  if (migrate && patched(RETENTION_HANDOVER_PATCH)) return await handOver();
  const { deleteJourneyMedia } = proxyActivities<JourneyActivities>({
    taskQueue: mediaTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '5 minutes',
    summary: 'delete archived media',
    retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
  });
  const { deleted } = await deleteJourneyMedia({ journeyId: input.journeyId, inputKeys: input.inputKeys });
  status.deleted = deleted;
  await notify;
  return status;

  /** Files the date, the input keys and the hold as a retention record; the sweep takes it from there. */
  async function handOver(): Promise<AfterJourneyStatus> {
    await retentionActivities('hand retention over to the sweep').recordRetention({
      journeyId: input.journeyId,
      deleteAfter: status.deleteAfter,
      inputKeys: input.inputKeys,
      source: 'afterJourney',
      ...(status.legalHold ? { legalHold: lastHold ?? CARRIED_HOLD } : {}),
    });
    status.handedOver = true;
    // The webhook delivery (at most 24 h of retries) still finishes here; it is the only thing left.
    await notify;
    return status;
  }
}
