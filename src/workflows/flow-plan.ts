// Pure data with no imports of its own: safe inside the workflow bundle.
import { FACEID_FLOWS, MEDIA_URL_LIFETIME_SECONDS } from '../faceid/actions';
import type { Flow, JourneyTimers } from './types';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** FaceID actions that issue a token for the user. */
type TokenAction = (typeof FACEID_FLOWS)[Flow]['issueAction'];

/** FaceID actions that return a flow's result. */
type ResultAction = (typeof FACEID_FLOWS)[Flow]['resultAction'];

/** The FaceID actions behind each flow (reference §1). */
export interface FlowPlan {
  issue: TokenAction;
  result: ResultAction;
}

/** Token issue and result actions per flow. */
export const FLOW_PLANS = Object.fromEntries(
  Object.entries(FACEID_FLOWS).map(([flow, spec]) => [flow, { issue: spec.issueAction, result: spec.resultAction }]),
) as Record<Flow, FlowPlan>;

/** `FACEID_TIMEOUT_SECONDS`' default. */
const DEFAULT_FACEID_TIMEOUT_SECONDS = 30;

/** The start-to-close of one FaceID call for an HTTP timeout: the timeout plus 15 s for a slow DNS or TLS handshake. */
export function faceIdCallMs(timeoutSeconds: number): number {
  return (timeoutSeconds + 15) * 1000;
}

/** Default timers of a flow, from FaceID's windows; a journey's `timers` input overrides any of them. */
export function resolveTimers(flow: Flow, overrides: Partial<JourneyTimers> | undefined): JourneyTimers {
  const spec = FACEID_FLOWS[flow];
  const startWindowMs = overrides?.startWindowMs ?? spec.startWindowSeconds * 1000;
  return {
    startWindowMs,
    // A user who started in time gets 20 more minutes to finish (retries, slow uploads) before the journey expires.
    completionDeadlineMs: startWindowMs + 20 * MINUTE,
    resultWindowMs: spec.resultWindowSeconds * 1000,
    pollInitialMs: 5_000,
    pollMaxMs: 60_000,
    mediaUrlLifetimeMs: MEDIA_URL_LIFETIME_SECONDS * 1000,
    // Inside every flow's result window except liveness (2 h), whose evidence is archived before review anyway.
    reviewDeadlineMs: 3 * DAY,
    documentPollCapMs: 10 * MINUTE,
    faceIdCallMs: faceIdCallMs(DEFAULT_FACEID_TIMEOUT_SECONDS),
    ...overrides,
  };
}
