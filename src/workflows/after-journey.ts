import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  log,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { JourneyActivities } from './activity-proxies';
import { deliverWebhookOptions } from './deliver-journey-event';
import { failureType } from './failure-types';
import { mediaTaskQueue } from './task-queues';
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
}

/** Failure types the legal-hold update rejects with. */
export const LEGAL_HOLD_ERRORS = {
  alreadyDeleted: 'RetentionAlreadyDeleted',
  invalidHold: 'RetentionInvalidHold',
} as const;

/** Sets or releases the legal hold on a journey's media. */
export const setLegalHoldUpdate = defineUpdate<AfterJourneyStatus, [LegalHoldInput]>('setLegalHold');

/** Webhook delivery and retention state of a journey that has ended. */
export const afterJourneyStatusQuery = defineQuery<AfterJourneyStatus>('afterJourneyStatus');

/** Workflow id of the work that follows a journey's outcome; the legal-hold update goes here. */
export function afterJourneyWorkflowId(journeyId: string): string {
  return `${journeyId}:after`;
}

/**
 * Everything that follows an outcome, detached from the journey so neither holds it up: tells the backend (webhook,
 * retried for up to 24 h) and, at the same time, keeps the archived media for `retentionDays` (a durable timer), then
 * deletes it unless an operator set a legal hold, in which case it waits for the release. Deletions are recorded in
 * the journey's manifest. One workflow for both keeps the journey's own history short.
 */
export async function afterJourney(input: AfterJourneyInput): Promise<AfterJourneyStatus> {
  const deleteAfterMs = Date.now() + input.retentionDays * 24 * 3600 * 1000;
  const status: AfterJourneyStatus = {
    journeyId: input.journeyId,
    webhook: 'pending',
    deleteAfter: new Date(deleteAfterMs).toISOString(),
    legalHold: false,
  };
  setHandler(afterJourneyStatusQuery, () => status);
  setHandler(
    setLegalHoldUpdate,
    (hold: LegalHoldInput) => {
      status.legalHold = hold.hold;
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
  await sleep(Math.max(deleteAfterMs - Date.now(), 0), { summary: 'retention period' });
  await condition(() => !status.legalHold);
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
}
