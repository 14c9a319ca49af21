import { condition, startChild } from '@temporalio/workflow';
import { deliverJourneyEvent } from './deliver-journey-event';
import { DETACHED, endJourney } from './journey-end';
import type { JourneyRun } from './journey-run';
import { reasonCodeOf, type JourneyEnd, type JourneyResult } from './types';

/**
 * Waits for a reviewer until the review deadline: tells the backend the journey is in review, follows claims until
 * they lapse, then ends with the reviewer's decision or, when none comes in time, the policy's default.
 */
export async function awaitReview(
  run: JourneyRun,
  policyReasons: string[],
  facts: Partial<JourneyResult>,
): Promise<JourneyEnd> {
  const { state, transitions, journeyId } = run;
  const deadlineAtMs = Date.now() + run.durations.reviewDeadlineMs;
  const evidence = {
    ...pick(facts, 'liveness', 'compare', 'document', 'deviceRiskLevel', 'codes'),
    media: facts.media ?? [],
  };
  transitions.reviewRequired(policyReasons, evidence, deadlineAtMs);
  await startChild(deliverJourneyEvent, {
    ...DETACHED,
    workflowId: `${journeyId}:event:in_review`,
    args: [run.event('journey.in_review')],
  });
  for (;;) {
    const claimSeen = state.claimVersion;
    const claimUntilMs = state.claim?.untilMs;
    const wakeAtMs = Math.min(deadlineAtMs, claimUntilMs ?? deadlineAtMs);
    await condition(
      () => state.review !== undefined || state.claimVersion !== claimSeen,
      Math.max(wakeAtMs - Date.now(), 1),
      { summary: claimUntilMs === undefined ? 'review deadline' : 'review claim lapses' },
    );
    if (state.review || Date.now() >= deadlineAtMs) break;
    if (claimUntilMs !== undefined && Date.now() >= claimUntilMs) transitions.reviewReleased('claim lapsed');
  }
  const review = state.review;
  if (review) {
    const { reviewer, decision, reason, reasonCode } = review;
    const first = state.firstRejection;
    // Decided by an update: settled by a detached workflow, never in the update's own workflow task.
    return await endJourney(
      run,
      decision,
      [...policyReasons, `review_${decision}`, ...(reasonCode ? [reasonCode] : [])],
      {
        ...facts,
        review: {
          reviewer,
          decision,
          reason,
          ...reasonCodeOf(review),
          ...(first
            ? { firstRejection: { reviewer: first.reviewer, reason: first.reason, ...reasonCodeOf(first) } }
            : {}),
        },
      },
      'detached',
    );
  }
  return await endJourney(run, run.policy.review.timeoutDecision, [...policyReasons, 'review_timeout'], facts);
}

function pick<T extends object, K extends keyof T>(source: T, ...keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(
    keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]),
  ) as Partial<Pick<T, K>>;
}
