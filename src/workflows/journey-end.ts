import {
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  log,
  ParentClosePolicy,
  startChild,
} from '@temporalio/workflow';
import {
  ARCHIVE_UNAVAILABLE_REASON,
  FACEID_UNAVAILABLE_REASON,
  reasonFromFailureType,
} from '../contracts/failure-types';
import { settleJourneyActivity } from './activity-proxies';
import { deliverJourneyEvent } from './deliver-journey-event';
import { failureType, isArchiveOutage, isFaceIdOutage } from './failure-kinds';
import { compareImageOf } from './flow-input';
import { decisionRecordOf, policyFactsOf } from './journey-policy';
import type { JourneyRun } from './journey-run';
import type { RecordRetentionInput, SettleJourneyInput } from './retention-types';
import { journeyStatus } from './journey-state';
import type { EndedStatusFacts, JourneyEnd, JourneyResult, JourneyStatus, Outcome } from './types';

/** Children that must outlive the journey (webhooks, retention): awaited only until they have started. */
export const DETACHED = { parentClosePolicy: ParentClosePolicy.ABANDON } as const;

/** How the last step runs: in the deciding workflow task, or handed to a detached workflow at once. */
type Settle = 'local' | 'detached';

/**
 * Ends the journey: sets the outcome, writes its decision record, files the media's retention, tells the backend, and
 * returns the result with the final status (the record rides on the last step's local activity or detached workflow,
 * so a journey records no command more than before and recorded histories replay as they were).
 * `settle: 'detached'` hands the last step to `deliverJourneyEvent` instead of running it locally: for an end decided by
 * an update, whose acceptance must not share a workflow task with a local activity (an event arriving meanwhile fails
 * that task, and with it the reviewer's update).
 */
export async function endJourney(
  run: JourneyRun,
  outcome: Outcome,
  reasons: string[],
  details?: Partial<JourneyResult>,
  settle: Settle = 'local',
): Promise<JourneyEnd> {
  const { state, transitions, input, journeyId } = run;
  transitions.complete(outcome, reasons);
  // Always, whatever the outcome: a failed or rejected journey may have stored media and input images too.
  const inputKeys = [compareImageOf(input), input.document?.front, input.document?.back].flatMap((ref) =>
    ref ? [ref.key] : [],
  );
  // Only a journey that fetched a result (media, claims, OCR) or was given images can have stored anything; the
  // activity checks the archive and files nothing when there is nothing to delete.
  const retention: RecordRetentionInput | undefined =
    state.fetchAttempts > 0 || inputKeys.length > 0
      ? {
          journeyId,
          deleteAfter: new Date(Date.now() + run.durations.retentionMs).toISOString(),
          inputKeys,
          ...(run.openClaims.size > 0 ? { discardClaims: [...run.openClaims] } : {}),
        }
      : undefined;
  const completed = run.event('journey.completed');
  const record = decisionRecordOf(run, outcome, reasons);
  transitions.enterStage('completed', `completed: ${outcome} (${reasons.join(', ')})`);
  if (!(
    settle === 'local' && (await settledLocally(run, { event: completed, record, ...(retention ? { retention } : {}) }))
  )) {
    await startChild(deliverJourneyEvent, {
      ...DETACHED,
      workflowId: `${journeyId}:event:completed`,
      args: [completed, retention ?? null, record],
    });
  }
  // Updates still running (a renewal that raced the end) must answer before the run closes.
  await condition(allHandlersFinished);
  return {
    reference: input.reference,
    flow: input.flow,
    region: input.region,
    outcome,
    reasons,
    media: details?.media ?? [],
    requestIds: run.requestIds,
    completedAt: new Date(Date.now()).toISOString(),
    ...details,
    ...policyFactsOf(input),
    finalStatus: endedStatusFacts(journeyStatus(input, state)),
  };
}

/** The status facts the result leaves out, to be joined with it when an ended journey's status is read. */
function endedStatusFacts({
  stage,
  tokenExpiresAt,
  renewalsLeft,
  fetchAttempts,
  review,
}: JourneyStatus): EndedStatusFacts {
  return {
    stage,
    ...(tokenExpiresAt ? { tokenExpiresAt } : {}),
    renewalsLeft,
    fetchAttempts,
    ...(review ? { review } : {}),
  };
}

/**
 * Files retention and notifies the backend in the deciding workflow task (a local activity); false when that fails (the
 * backend slow or down, the archive unreachable), and a detached workflow retries both, so the end never waits on them.
 */
async function settledLocally(run: JourneyRun, settlement: SettleJourneyInput): Promise<boolean> {
  return settleJourneyActivity(
    'record the decision, file for retention, notify the backend',
    run.durations.settleMs,
  )(settlement).then(
    () => true,
    (error: unknown) => {
      log.info('journey settles in the background', {
        journeyId: run.journeyId,
        failure: failureType(error) ?? 'unknown',
      });
      return false;
    },
  );
}

/**
 * Ends a journey that a failure interrupted, with the reason the failure names. An operator's cancel still gets a clean
 * outcome, and the bookkeeping is not cancelled with the rest. A failure of no known kind is a bug: it is rethrown.
 */
export async function endOnFailure(run: JourneyRun, error: unknown): Promise<JourneyEnd> {
  if (isCancellation(error)) {
    return await CancellationScope.nonCancellable(() => endJourney(run, 'cancelled', ['operator_cancelled']));
  }
  if (isFaceIdOutage(error)) return await endJourney(run, 'failed', [FACEID_UNAVAILABLE_REASON]);
  if (isArchiveOutage(error)) return await endJourney(run, 'failed', [ARCHIVE_UNAVAILABLE_REASON]);
  const type = failureType(error);
  if (!type) throw error;
  return await endJourney(run, 'failed', [reasonFromFailureType(type)]);
}
