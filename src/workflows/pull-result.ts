import { faceIdActivity, inlineFaceIdActivity } from './activity-proxies';
import { failureType } from './failure-kinds';
import { compareExpected } from './flow-input';
import { inlineFirst } from './inline-first';
import { currentToken } from './journey-state';
import type { JourneyRun } from './journey-run';
import type { ResultFetchInput, VerificationResult } from './types';

/** One pull of the flow's result; `undefined` when FaceID says the token expired before the user finished. */
export async function pullResult(run: JourneyRun, purpose: string): Promise<VerificationResult | undefined> {
  const { input, plan, durations, state, transitions } = run;
  const remainingWindow = state.tokenIssuedAtMs + durations.resultWindowMs - Date.now();
  if (remainingWindow <= 0) return undefined;
  const request: ResultFetchInput = {
    journeyId: run.journeyId,
    region: input.region,
    flow: input.flow,
    token: currentToken(state),
    compareExpected: compareExpected(input),
  };
  const summary = `${plan.result}: ${purpose}`;
  transitions.fetchStarted();
  try {
    // Inline first, in this workflow task; else on the action's queue for the whole rest of the result window, so an
    // outage is ridden out until FaceID would no longer answer anyway.
    const result =
      (await inlineFirst(() =>
        inlineFaceIdActivity('fetchResultInline', summary, durations.inlineResultMs)(request),
      )) ?? (await queuedPull(run, request, remainingWindow, summary));
    transitions.fetchAnswered();
    run.requestIds.push(...result.requestIds);
    if (result.mediaClaim) run.openClaims.add(result.mediaClaim);
    return result;
  } catch (error) {
    if (failureType(error) === 'FaceIdTokenExpired') return undefined;
    throw error;
  }
}

/** The pull on the action's queue, which may take the whole rest of the result window: the stage shows first. */
async function queuedPull(
  run: JourneyRun,
  request: ResultFetchInput,
  remainingWindowMs: number,
  summary: string,
): Promise<VerificationResult> {
  run.transitions.publishStage();
  return await faceIdActivity(run.plan.result, {
    scheduleToCloseMs: remainingWindowMs,
    startToCloseMs: run.durations.faceIdCallMs,
    summary,
  })(request);
}
