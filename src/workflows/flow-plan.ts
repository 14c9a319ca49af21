import type { Flow, JourneyTimers } from './types';

/** FaceID actions that issue a token for the user. */
export type TokenAction =
  | 'GetFaceIdTokenIntl'
  | 'ApplySdkVerificationToken'
  | 'ApplyLivenessToken'
  | 'ApplyWebVerificationBizTokenIntl'
  | 'ApplyWebVerificationToken';

/** FaceID actions that return a flow's result. */
export type ResultAction =
  | 'GetFaceIdResultIntl'
  | 'GetSdkVerificationResult'
  | 'GetLivenessResult'
  | 'GetWebVerificationResultIntl'
  | 'GetWebVerificationResult';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The FaceID actions behind each flow and FaceID's windows for it (reference §1). */
export interface FlowPlan {
  issue: TokenAction;
  result: ResultAction;
  startWindowMs: number;
  resultWindowMs: number;
}

/** Token issue and result actions per flow, with their start and result windows. */
export const FLOW_PLANS: Record<Flow, FlowPlan> = {
  selfie: {
    issue: 'GetFaceIdTokenIntl',
    result: 'GetFaceIdResultIntl',
    startWindowMs: 10 * MINUTE,
    resultWindowMs: 72 * HOUR,
  },
  ekyc: {
    issue: 'ApplySdkVerificationToken',
    result: 'GetSdkVerificationResult',
    startWindowMs: 10 * MINUTE,
    resultWindowMs: 3 * DAY,
  },
  liveness: {
    issue: 'ApplyLivenessToken',
    result: 'GetLivenessResult',
    startWindowMs: 10 * MINUTE,
    resultWindowMs: 2 * HOUR,
  },
  web: {
    issue: 'ApplyWebVerificationBizTokenIntl',
    result: 'GetWebVerificationResultIntl',
    startWindowMs: 10 * MINUTE,
    resultWindowMs: 3 * DAY,
  },
  'web-legacy': {
    issue: 'ApplyWebVerificationToken',
    result: 'GetWebVerificationResult',
    startWindowMs: 2 * HOUR,
    resultWindowMs: 3 * DAY,
  },
};

/** Default timers of a flow; a journey's `timers` input overrides any of them. */
export function resolveTimers(flow: Flow, overrides: Partial<JourneyTimers> | undefined): JourneyTimers {
  const plan = FLOW_PLANS[flow];
  const startWindowMs = overrides?.startWindowMs ?? plan.startWindowMs;
  return {
    startWindowMs,
    // A user who started in time gets 20 more minutes to finish (retries, slow uploads) before the journey expires.
    completionDeadlineMs: startWindowMs + 20 * MINUTE,
    resultWindowMs: plan.resultWindowMs,
    pollInitialMs: 5_000,
    pollMaxMs: 60_000,
    mediaUrlLifetimeMs: 10 * MINUTE,
    reviewDeadlineMs: 3 * DAY,
    documentPollCapMs: 10 * MINUTE,
    ...overrides,
  };
}
