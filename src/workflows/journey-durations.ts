// Pure data and arithmetic: safe inside the workflow bundle; the client derives `faceIdCallMs` with it too.
import { INLINE_ARCHIVE_BUDGET_MS, INLINE_SLOT_WAIT_MS } from '../contracts/inline-calls';
import { FLOW_PLANS } from '../contracts/flow-plan';
import { MEDIA_URL_LIFETIME_SECONDS } from '../faceid/actions';
import type { Flow, JourneyTimers } from './types';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/** `FACEID_TIMEOUT_SECONDS`' default. */
const DEFAULT_FACEID_TIMEOUT_SECONDS = 30;

/** Days archived media is kept after the outcome when the journey input does not say. */
const DEFAULT_RETENTION_DAYS = 30;

/** The start-to-close of one FaceID call for an HTTP timeout: the timeout plus 15 s for a slow DNS or TLS handshake. */
export function faceIdCallMs(timeoutSeconds: number): number {
  return (timeoutSeconds + 15) * SECOND;
}

/**
 * Every duration one journey waits on, in milliseconds: the `timers` a journey input may override (FaceID's windows and
 * the workers' configuration), and the bounds derived from them that no input sets.
 */
export interface JourneyDurations extends JourneyTimers {
  /** Schedule-to-close of the token and document calls: retries for 5 minutes, then the journey fails. */
  faceIdRetryWindowMs: number;
  /**
   * Start-to-close of a FaceID call made inline (a local activity): a second's wait for a quota slot and one quick
   * answer. A slower call is left behind and made again on the action's queue, with its retries.
   */
  inlineCallMs: number;
  /** The same for a result call, which also archives the result's media within its budget. */
  inlineResultMs: number;
  /** Media URLs this close to expiring are refreshed before an archive attempt starts. */
  mediaUrlMarginMs: number;
  /** Schedule-to-close of one archive round: the URLs' lifetime less two margins (the last attempt must finish). */
  archiveWindowMs: number;
  /** Start-to-close of one archive attempt, and the heartbeat that reveals a stuck download. */
  archiveAttemptMs: number;
  archiveHeartbeatMs: number;
  /** The local activity that files retention and sends the last webhook: a slow backend delays the close this much. */
  settleMs: number;
  /** The shortest wait between document polls, whatever FaceID's hint says. */
  documentPollMinWaitMs: number;
  /** How long archived media is kept after the outcome (the input's `retentionDays`). */
  retentionMs: number;
}

/** What the durations of a journey depend on. */
interface DurationInputs {
  flow: Flow;
  timers?: Partial<JourneyTimers>;
  retentionDays?: number;
}

/** The one table of a journey's durations: FaceID's windows for its flow, the input's overrides, what follows. */
export function journeyDurations({ flow, timers: overrides, retentionDays }: DurationInputs): JourneyDurations {
  const spec = FLOW_PLANS[flow];
  const startWindowMs = overrides?.startWindowMs ?? spec.startWindowSeconds * SECOND;
  const timers: JourneyTimers = {
    startWindowMs,
    // A user who started in time gets 20 more minutes to finish (retries, slow uploads) before the journey expires.
    completionDeadlineMs: startWindowMs + 20 * MINUTE,
    resultWindowMs: spec.resultWindowSeconds * SECOND,
    pollInitialMs: 5 * SECOND,
    pollMaxMs: MINUTE,
    mediaUrlLifetimeMs: MEDIA_URL_LIFETIME_SECONDS * SECOND,
    // Inside every flow's result window except liveness (2 h), whose evidence is archived before review anyway.
    reviewDeadlineMs: 3 * DAY,
    // An abandoned case goes back to the queue; a reviewer at work renews the claim.
    reviewClaimMs: 15 * MINUTE,
    documentPollCapMs: 10 * MINUTE,
    faceIdCallMs: faceIdCallMs(DEFAULT_FACEID_TIMEOUT_SECONDS),
    ...overrides,
  };
  const mediaUrlMarginMs = MINUTE;
  return {
    ...timers,
    faceIdRetryWindowMs: 5 * MINUTE,
    inlineCallMs: Math.min(timers.faceIdCallMs, INLINE_SLOT_WAIT_MS + 5 * SECOND),
    inlineResultMs: Math.min(timers.faceIdCallMs, INLINE_SLOT_WAIT_MS + 5 * SECOND) + INLINE_ARCHIVE_BUDGET_MS,
    mediaUrlMarginMs,
    // 8 minutes of the URLs' 10; never below 10 s, however short a test makes the URLs live.
    archiveWindowMs: Math.max(10 * SECOND, timers.mediaUrlLifetimeMs - 2 * mediaUrlMarginMs),
    archiveAttemptMs: 5 * MINUTE,
    archiveHeartbeatMs: 30 * SECOND,
    settleMs: 10 * SECOND,
    documentPollMinWaitMs: SECOND,
    retentionMs: (retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY,
  };
}
