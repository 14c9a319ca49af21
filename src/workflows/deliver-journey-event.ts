import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { JourneyActivities } from './activity-proxies';
import { WEBHOOK_FAILURE_TYPES } from '../contracts/failure-types';
import type { DecisionRecordInput } from './decision-record';
import type { RecordRetentionInput } from './retention-types';
import { retentionActivities } from './retention-sweep';
import type { JourneyEvent, WebhookDeliveryResult } from './types';

/**
 * Tells the backend about a journey event (entering review, completion). It runs as its own workflow, detached from
 * the journey, so a slow or unreachable backend never holds up the journey; a delivery that gave up stays visible in
 * the UI as a failed workflow, and nothing else of the journey is left running. For the completion event the journey
 * also hands over its `retention`: it is filed in the archive (activity on the media queue, retried until done)
 * before the delivery starts, so a backend that never answers cannot delay it. Its decision `record` is written beside
 * both, so a database outage delays neither, and a delivery that gives up still leaves the record written.
 */
export async function deliverJourneyEvent(
  event: JourneyEvent,
  retention?: RecordRetentionInput | null,
  record?: DecisionRecordInput,
): Promise<WebhookDeliveryResult> {
  const recording = record ? decisionRecordActivity().recordJourneyEnd(record) : Promise.resolve();
  if (retention) await retentionActivities('file media for retention').recordRetention(retention);
  const { deliverWebhook } = proxyActivities<JourneyActivities>(deliverWebhookOptions(event));
  const [recorded, delivered] = await Promise.allSettled([recording, deliverWebhook(event)]);
  if (delivered.status === 'rejected') throw delivered.reason;
  if (recorded.status === 'rejected') throw recorded.reason;
  return delivered.value;
}

/** The decision record's write on the main queue, retried until the database takes it (the insert is idempotent). */
function decisionRecordActivity(): JourneyActivities {
  return proxyActivities<JourneyActivities>({
    taskQueue: workflowInfo().taskQueue,
    startToCloseTimeout: '30 seconds',
    summary: 'record the decision',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
}

/** Webhook delivery on the main queue: backs off to one hour, gives up after 24 hours, never retries a refusal. */
function deliverWebhookOptions(event: JourneyEvent): ActivityOptions {
  return {
    taskQueue: workflowInfo().taskQueue,
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '24 hours',
    summary: `deliver ${event.type}`,
    retry: {
      initialInterval: '5 seconds',
      backoffCoefficient: 2,
      maximumInterval: '1 hour',
      nonRetryableErrorTypes: [WEBHOOK_FAILURE_TYPES.rejected],
    },
  };
}
