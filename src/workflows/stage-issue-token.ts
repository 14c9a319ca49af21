import { faceIdActivity } from './activity-proxies';
import { tokenOptions } from './flow-input';
import type { JourneyRun } from './journey-run';
import type { IssuedToken } from './types';

/** Issues a FaceID token for the flow (the first, or a renewal); its start window begins now. */
export async function issueToken(run: JourneyRun, purpose: string): Promise<IssuedToken> {
  const { input, plan, durations } = run;
  const issue = faceIdActivity(plan.issue, {
    scheduleToCloseMs: durations.faceIdRetryWindowMs,
    startToCloseMs: durations.faceIdCallMs,
    summary: `${plan.issue}: ${purpose}`,
  });
  const grant = await issue({ journeyId: run.journeyId, region: input.region, ...tokenOptions(input) });
  run.requestIds.push(grant.requestId);
  return run.state.tokenIssued(grant, Date.now() + durations.startWindowMs);
}
