import { isCancellation, patched } from '@temporalio/workflow';
import { FACEID_NON_RETRYABLE_TYPES } from '../contracts/failure-types';
import { faceIdActivity, inlineTokenActivity } from './activity-proxies';
import { failureType } from './failure-kinds';
import { tokenOptions } from './flow-input';
import type { JourneyRun } from './journey-run';
import type { IssuedToken, TokenGrant, TokenIssueInput } from './types';

/** Journeys started since tokens are issued inline first; older histories replay the queued call alone. */
export const INLINE_TOKEN_PATCH = 'token-issued-inline';

const NON_RETRYABLE: ReadonlySet<string> = new Set(FACEID_NON_RETRYABLE_TYPES);

/**
 * Issues a FaceID token for the flow (the first, or a renewal); its start window begins now. Inline first, as a local
 * activity in this workflow task; on the action's queue when the quota is busy or the inline attempt failed in a way
 * a retry may mend.
 */
export async function issueToken(run: JourneyRun, purpose: string): Promise<IssuedToken> {
  const { input, plan, durations } = run;
  const request: TokenIssueInput = { journeyId: run.journeyId, region: input.region, ...tokenOptions(input) };
  const summary = `${plan.issue}: ${purpose}`;
  const inline = patched(INLINE_TOKEN_PATCH) ? await issueInline(run, request, summary) : undefined;
  const grant =
    inline ??
    (await faceIdActivity(plan.issue, {
      scheduleToCloseMs: durations.faceIdRetryWindowMs,
      startToCloseMs: durations.faceIdCallMs,
      summary,
    })(request));
  run.requestIds.push(grant.requestId);
  return run.state.tokenIssued(grant, Date.now() + durations.startWindowMs);
}

/** The inline attempt: its token, or `undefined` to queue the call; failures FaceID would repeat end the journey. */
async function issueInline(
  run: JourneyRun,
  request: TokenIssueInput,
  summary: string,
): Promise<TokenGrant | undefined> {
  try {
    return (await inlineTokenActivity(summary, run.durations.inlineTokenMs)(request)) ?? undefined;
  } catch (error) {
    if (isCancellation(error) || NON_RETRYABLE.has(failureType(error) ?? '')) throw error;
    return undefined;
  }
}
