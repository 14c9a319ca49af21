import { ServiceError, type Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import type { JourneyEnd, JourneyResult, JourneyStatus } from '../workflows/types';
import { JourneyNotFoundError } from './errors';
import { GRPC_STATUS, grpcStatusOf } from './temporal-refusals';

/**
 * What the journey's latest run is, from its close event alone: still running (no close event yet), completed with
 * the value it returned, or closed without one (failed, cancelled, terminated, timed out, continued as new).
 */
export type RunEnd =
  | { state: 'running' }
  | { state: 'completed'; returned: JourneyEnd | { erased: string } }
  | { state: 'closed_without_result' };

/**
 * Reads the journey's close event: the last event of its history, read backwards one event at a time, which returns at
 * once and involves no worker, so an ended journey is answered without replaying it. (The forward read filtered to the
 * close event waits for the close of a running run, whatever `waitNewEvent` says.) The value is decoded by the client's
 * data converter and codec; a journey whose data key was destroyed decodes to the codec's erasure marker.
 */
export async function readRunEnd(client: Client, journeyId: string): Promise<RunEnd> {
  const { namespace, loadedDataConverter } = client.options;
  let response: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseResponse;
  try {
    response = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace,
      execution: { workflowId: journeyId },
      maximumPageSize: 1,
    });
  } catch (error) {
    if (grpcStatusOf(error) === GRPC_STATUS.notFound && !/Namespace \S+ is not found/.test(String(error))) {
      throw new JourneyNotFoundError(`journey ${journeyId} not found`);
    }
    // As the SDK's own calls report a refusal: the gateway answers it as Temporal being unavailable.
    const reason = `Failed to read the close event of ${journeyId}`;
    throw error instanceof Error ? new ServiceError(reason, { cause: error }) : new ServiceError(reason);
  }
  const event = response.history?.events?.[0];
  if (!event || !isCloseEvent(event)) return { state: 'running' };
  const completed = event.workflowExecutionCompletedEventAttributes;
  if (!completed || completed.newExecutionRunId) return { state: 'closed_without_result' };
  const returned = await decodeFromPayloadsAtIndex<JourneyEnd | { erased: string }>(
    loadedDataConverter,
    0,
    completed.result?.payloads,
    { type: 'workflow', namespace, workflowId: journeyId },
  );
  return { state: 'completed', returned };
}

/** Whether the event closes its run: completed, failed, cancelled, terminated, timed out or continued as new. */
function isCloseEvent(event: temporal.api.history.v1.IHistoryEvent): boolean {
  return Boolean(
    event.workflowExecutionCompletedEventAttributes ??
    event.workflowExecutionFailedEventAttributes ??
    event.workflowExecutionCanceledEventAttributes ??
    event.workflowExecutionTerminatedEventAttributes ??
    event.workflowExecutionTimedOutEventAttributes ??
    event.workflowExecutionContinuedAsNewEventAttributes,
  );
}

/** What a completed run returned, as readers take it apart: the result backends see, and the final status. */
export interface SplitEnd {
  result: JourneyResult;
  /** Absent from runs that did not return it. */
  status?: JourneyStatus;
}

/** The result a backend sees (the returned value without its final status), and the final status beside it. */
export function splitEnd(returned: JourneyEnd): SplitEnd {
  const { finalStatus, ...returnedResult } = returned;
  // Runs recorded before journeys were pinned to a policy version return no policy facts.
  const result: JourneyResult = {
    ...returnedResult,
    policyVersion: (returnedResult as Partial<JourneyResult>).policyVersion ?? null,
    policyOverridden: (returnedResult as Partial<JourneyResult>).policyOverridden ?? false,
  };
  if (!finalStatus) return { result };
  const { stage, tokenExpiresAt, renewalsLeft, fetchAttempts, review } = finalStatus;
  const status: JourneyStatus = {
    reference: result.reference,
    flow: result.flow,
    region: result.region,
    stage,
    ...(tokenExpiresAt ? { tokenExpiresAt } : {}),
    renewalsLeft,
    fetchAttempts,
    outcome: result.outcome,
    reasons: result.reasons,
    ...(review ? { review } : {}),
    policyVersion: result.policyVersion,
    policyOverridden: result.policyOverridden,
  };
  return { result, status };
}
