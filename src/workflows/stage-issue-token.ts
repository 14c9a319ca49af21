import { faceIdActivity, inlineFaceIdActivity } from './activity-proxies';
import { takesExtra, tokenOptions } from './flow-input';
import { inlineFirst } from './inline-first';
import type { JourneyRun } from './journey-run';
import type { IssuedToken, TokenIssueInput } from './types';

/**
 * Issues a FaceID token for the flow (the first, or a renewal); its start window begins now. Inline first, in this
 * workflow task; on the action's queue when the quota is busy or the inline attempt failed in a way a retry may mend.
 */
export async function issueToken(run: JourneyRun, purpose: string): Promise<IssuedToken> {
  const { input, plan, durations } = run;
  const request: TokenIssueInput = {
    journeyId: run.journeyId,
    region: input.region,
    ...tokenOptions(input),
    ...(takesExtra(input) ? { extra: run.tag } : {}),
  };
  const summary = `${plan.issue}: ${purpose}`;
  const grant =
    (await inlineFirst(() => inlineFaceIdActivity('issueTokenInline', summary, durations.inlineCallMs)(request))) ??
    (await faceIdActivity(plan.issue, {
      scheduleToCloseMs: durations.faceIdRetryWindowMs,
      startToCloseMs: durations.faceIdCallMs,
      summary,
    })(request));
  run.requestIds.push(grant.requestId);
  return run.transitions.tokenIssued(grant, Date.now() + durations.startWindowMs);
}
