import { condition, startChild } from '@temporalio/workflow';
import { deliverJourneyEvent } from './deliver-journey-event';
import { DETACHED, endJourney } from './journey-end';
import type { JourneyRun } from './journey-run';
import type { JourneyResult } from './types';

/**
 * Waits for a reviewer until the review deadline: tells the backend the journey is in review, then ends with the
 * reviewer's decision or, when none comes in time, the policy's default.
 */
export async function awaitReview(
  run: JourneyRun,
  policyReasons: string[],
  facts: Partial<JourneyResult>,
): Promise<JourneyResult> {
  const { state, journeyId } = run;
  state.reviewRequired(policyReasons);
  await startChild(deliverJourneyEvent, {
    ...DETACHED,
    workflowId: `${journeyId}:event:in_review`,
    args: [run.event('journey.in_review')],
  });
  const reviewed = await condition(() => state.review !== undefined, run.durations.reviewDeadlineMs, {
    summary: 'review deadline',
  });
  const review = state.review;
  if (reviewed && review) {
    const { reviewer, decision, reason } = review;
    // Decided by an update: settled by a detached workflow, never in the update's own workflow task.
    return await endJourney(
      run,
      decision,
      [...policyReasons, `review_${decision}`],
      { ...facts, review: { reviewer, decision, reason } },
      'detached',
    );
  }
  return await endJourney(run, run.policy.reviewTimeoutDecision, [...policyReasons, 'review_timeout'], facts);
}
