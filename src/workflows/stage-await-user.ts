import { condition, setCurrentDetails } from '@temporalio/workflow';
import type { JourneyRun } from './journey-run';
import { pullResult } from './pull-result';
import type { VerificationResult } from './types';

/** What waiting for the user comes to: a finished result, the user giving up, or no finished result in time. */
export type UserOutcome = VerificationResult | 'cancelled' | 'expired';

/**
 * Waits for the user within the start window (restarted by each renewal), then pulls the result until it is finished,
 * the user cancels, or the completion deadline passes.
 */
export async function awaitUser(run: JourneyRun): Promise<UserOutcome> {
  const started = await awaitStartWindow(run);
  if (started === 'cancelled') return 'cancelled';
  return await pullUntilFinished(run);
}

/** The start window: ends on the user's hint, a cancel, or the window closing, whichever comes first. */
async function awaitStartWindow(run: JourneyRun): Promise<'cancelled' | 'window_over'> {
  const { state, transitions, durations } = run;
  for (;;) {
    const generation = state.tokenGeneration;
    transitions.enterStage('awaiting_user', `waiting for the user; token expires at ${state.token?.expiresAt}`);
    const remaining = state.tokenIssuedAtMs + durations.startWindowMs - Date.now();
    if (remaining > 0) {
      await condition(() => state.finishedHint || state.cancelled || state.tokenGeneration !== generation, remaining, {
        summary: 'start window',
      });
    }
    if (state.cancelled) return 'cancelled';
    if (state.tokenGeneration === generation && !state.renewing) return 'window_over';
    // A renewal started (or finished) meanwhile: wait for its token, then for the user again.
    await condition(() => !state.renewing);
  }
}

/**
 * With the user's hint this is the ordinary fetch; without it the start window closed and the journey reconciles: the
 * user may have finished although the app never said so. An unfinished result is pulled again with a doubling backoff.
 */
async function pullUntilFinished(run: JourneyRun): Promise<UserOutcome> {
  const { state, transitions, durations } = run;
  let waitMs = durations.pollInitialMs;
  for (;;) {
    if (state.cancelled) return 'cancelled';
    // An inline pull begins and ends inside this workflow task: the stage shows only if the journey waits in it.
    transitions.enterStage(
      state.finishedHint ? 'fetching_result' : 'awaiting_user',
      state.finishedHint ? 'fetching the result' : 'start window closed without a signal; reconciling',
      { sync: 'when_waiting' },
    );
    const result = await pullResult(run, state.finishedHint ? 'user finished' : 'reconcile');
    if (!result) return 'expired';
    if (result.finished) return result;

    const remaining = state.tokenIssuedAtMs + durations.completionDeadlineMs - Date.now();
    if (remaining <= 0) return 'expired';
    setCurrentDetails(`result not finished yet; next pull in ${Math.round(Math.min(waitMs, remaining) / 1000)} s`);
    transitions.publishStage();
    const hinted = state.finishedHint;
    const generation = state.tokenGeneration;
    await condition(
      () => state.cancelled || state.finishedHint !== hinted || state.tokenGeneration !== generation,
      Math.min(waitMs, remaining),
      { summary: 'result poll backoff' },
    );
    waitMs = Math.min(waitMs * 2, durations.pollMaxMs);
  }
}
