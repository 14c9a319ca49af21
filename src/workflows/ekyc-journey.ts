import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { archiveActivity, faceIdActivity, settleJourneyActivity } from './activity-proxies';
import { afterJourney, afterJourneyWorkflowId } from './after-journey';
import { decide, resolvePolicy, type DocumentVerdict } from './decision';
import {
  issueTokenUpdate,
  JOURNEY_UPDATE_ERRORS,
  renewTokenUpdate,
  reviewUpdate,
  statusQuery,
  tokenMatchesQuery,
  userCancelledSignal,
  userFinishedSignal,
} from './definitions';
import { deliverJourneyEvent } from './deliver-journey-event';
import {
  ARCHIVE_UNAVAILABLE_REASON,
  FACEID_UNAVAILABLE_REASON,
  isArchiveOutage,
  failureType,
  isFaceIdOutage,
  MEDIA_FAILURE_TYPES,
  reasonFromFailureType,
} from './failure-types';
import { FLOW_PLANS, resolveTimers } from './flow-plan';
import { JourneyState } from './journey-state';
import type { RecordRetentionInput } from './retention-types';

import type {
  ArchiveRef,
  IssuedToken,
  JourneyEvent,
  JourneyInput,
  JourneyResult,
  Outcome,
  ReviewInput,
  StoredImageRef,
  TokenIssueInput,
  VerificationResult,
} from './types';

/** Children that must outlive the journey (webhooks, retention): awaited only until they have started. */
const DETACHED = { parentClosePolicy: ParentClosePolicy.ABANDON } as const;
/** Days archived media is kept after the outcome when the journey input does not say. */
const DEFAULT_RETENTION_DAYS = 30;
/**
 * Patch: an ended journey files its retention in the archive and delivers `journey.completed` with
 * `deliverJourneyEvent`, instead of starting the long-lived `afterJourney` child. Histories recorded before it
 * replay the old path.
 */
export const RETENTION_RECORD_PATCH = 'retention-record-instead-of-after-journey';
/** How often the archive may ask FaceID for fresh media URLs after they expired. */
const MAX_MEDIA_REFETCHES = 2;
/** Re-fetch before archiving when URLs are this close to their 10-minute expiry. */
const MEDIA_URL_MARGIN_MS = 60_000;

/**
 * One eKYC verification of one person: issue a FaceID token, wait for the user, pull and verify the result, archive
 * the media, decide, and (if needed) wait for a reviewer. Every outcome carries reason codes and never regresses.
 */
export async function ekycJourney(input: JourneyInput): Promise<JourneyResult> {
  const plan = FLOW_PLANS[input.flow];
  const timers = resolveTimers(input.flow, input.timers);
  const policy = resolvePolicy(input.policy);
  const journeyId = workflowInfo().workflowId;
  const maxRenewals = input.maxRenewals ?? 3;
  const state = new JourneyState(input, maxRenewals);
  const requestIds: string[] = [];
  /** Media claims written by result pulls and not yet consumed by an archive: discarded when the journey ends. */
  const openClaims = new Set<string>();

  // ---- message handlers -------------------------------------------------------------------------------------
  setHandler(statusQuery, () => state.status());
  setHandler(tokenMatchesQuery, (token: string) => state.token !== undefined && state.token.token === token);

  setHandler(issueTokenUpdate, async (): Promise<IssuedToken> => {
    await condition(() => state.token !== undefined || state.outcome !== undefined);
    if (state.token) return state.token;
    throw ApplicationFailure.create({
      type: JOURNEY_UPDATE_ERRORS.tokenUnavailable,
      message: `no token was issued: the journey ended ${state.outcome ?? 'early'}`,
      details: [{ outcome: state.outcome, reasons: state.reasons }],
      nonRetryable: true,
    });
  });

  setHandler(userFinishedSignal, () => {
    if (state.awaitingUser) state.finishedHint = true;
    else log.info('userFinished ignored: the journey is past waiting for the user', { stage: state.stage });
  });

  setHandler(userCancelledSignal, () => {
    if (state.awaitingUser) state.cancelled = true;
    else log.info('userCancelled ignored: the result is already being processed', { stage: state.stage });
  });

  setHandler(
    renewTokenUpdate,
    async (): Promise<IssuedToken> => {
      state.renewing = true;
      try {
        state.renewalsUsed += 1;
        return await issueToken('renewing the token');
      } finally {
        state.renewing = false;
      }
    },
    {
      validator: () => {
        if (!state.awaitingUser || state.renewing || state.outcome) {
          throw ApplicationFailure.create({
            type: JOURNEY_UPDATE_ERRORS.notAwaitingUser,
            message: `a token can only be renewed while the journey waits for the user (stage ${state.stage})`,
          });
        }
        if (state.renewalsUsed >= maxRenewals) {
          throw ApplicationFailure.create({
            type: JOURNEY_UPDATE_ERRORS.noRenewalsLeft,
            message: `all ${maxRenewals} token renewals are used`,
          });
        }
      },
    },
  );

  setHandler(
    reviewUpdate,
    (review: ReviewInput) => {
      state.review = review;
      return state.status();
    },
    {
      validator: (review: ReviewInput) => {
        if (state.stage !== 'in_review' || state.review) {
          throw ApplicationFailure.create({
            type: JOURNEY_UPDATE_ERRORS.notInReview,
            message: `the journey is not waiting for a review (stage ${state.stage})`,
          });
        }
        validateReview(review);
      },
    },
  );

  // ---- steps ---------------------------------------------------------------------------------------------------
  async function issueToken(purpose: string): Promise<IssuedToken> {
    const issue = faceIdActivity(plan.issue, {
      scheduleToCloseMs: 5 * 60_000,
      startToCloseMs: timers.faceIdCallMs,
      summary: `${plan.issue}: ${purpose}`,
    });
    const grant = await issue({ journeyId, region: input.region, ...tokenOptions(input) });
    requestIds.push(grant.requestId);
    state.acceptToken(grant, Date.now() + timers.startWindowMs);
    return state.token as IssuedToken;
  }

  /** One pull of the flow's result; `undefined` when FaceID says the token expired before the user finished. */
  async function fetchResult(purpose: string): Promise<VerificationResult | undefined> {
    const remainingWindow = state.tokenIssuedAtMs + timers.resultWindowMs - Date.now();
    if (remainingWindow <= 0) return undefined;
    // The whole rest of the result window: an outage is ridden out until FaceID would no longer answer anyway.
    const fetch = faceIdActivity(plan.result, {
      scheduleToCloseMs: remainingWindow,
      startToCloseMs: timers.faceIdCallMs,
      summary: `${plan.result}: ${purpose}`,
    });
    state.fetchAttempts += 1;
    try {
      const result = await fetch({
        journeyId,
        region: input.region,
        flow: input.flow,
        token: state.currentToken(),
        compareExpected: compareExpected(input),
      });
      state.lastFetchAtMs = Date.now();
      requestIds.push(...result.requestIds);
      if (result.mediaClaim) openClaims.add(result.mediaClaim);
      return result;
    } catch (error) {
      if (failureType(error) === 'FaceIdTokenExpired') return undefined;
      throw error;
    }
  }

  /** Waits for the user (restarting the start window on each renewal), then pulls until finished or too late. */
  async function awaitFinishedResult(): Promise<VerificationResult | 'cancelled' | 'expired'> {
    for (;;) {
      const generation = state.tokenGeneration;
      state.enterStage('awaiting_user', `waiting for the user; token expires at ${state.token?.expiresAt}`);
      const remaining = state.tokenIssuedAtMs + timers.startWindowMs - Date.now();
      if (remaining > 0) {
        await condition(
          () => state.finishedHint || state.cancelled || state.tokenGeneration !== generation,
          remaining,
          { summary: 'start window' },
        );
      }
      if (state.cancelled) return 'cancelled';
      if (state.tokenGeneration === generation && !state.renewing) break;
      await condition(() => !state.renewing);
    }

    // With the user's hint this is the ordinary fetch; without it the start window closed and the journey
    // reconciles: the user may have finished although the app never said so.
    let waitMs = timers.pollInitialMs;
    for (;;) {
      if (state.cancelled) return 'cancelled';
      state.enterStage(
        state.finishedHint ? 'fetching_result' : 'awaiting_user',
        state.finishedHint ? 'fetching the result' : 'start window closed without a signal; reconciling',
      );
      const result = await fetchResult(state.finishedHint ? 'user finished' : 'reconcile');
      if (!result) return 'expired';
      if (result.finished) return result;

      const remaining = state.tokenIssuedAtMs + timers.completionDeadlineMs - Date.now();
      if (remaining <= 0) return 'expired';
      setCurrentDetails(`result not finished yet; next pull in ${Math.round(Math.min(waitMs, remaining) / 1000)} s`);
      const hinted = state.finishedHint;
      const generation = state.tokenGeneration;
      await condition(
        () => state.cancelled || state.finishedHint !== hinted || state.tokenGeneration !== generation,
        Math.min(waitMs, remaining),
        { summary: 'result poll backoff' },
      );
      waitMs = Math.min(waitMs * 2, timers.pollMaxMs);
    }
  }

  /** ApplyCardVerification, then GetCardVerificationResult at FaceID's pace, within our own cap. */
  async function verifyDocument(): Promise<{ verdict: DocumentVerdict; archived: ArchiveRef[] }> {
    const document = input.document;
    if (!document) return { verdict: undefined, archived: [] };
    state.enterStage('verifying_document', 'checking the identity document');
    const apply = faceIdActivity('ApplyCardVerification', {
      scheduleToCloseMs: 5 * 60_000,
      startToCloseMs: timers.faceIdCallMs,
      summary: 'submit document',
    });
    const grant = await apply({ journeyId, region: input.region, document });
    requestIds.push(grant.requestId);
    const waitMs = Math.max(grant.pollWaitSeconds, 1) * 1000;
    const maxPolls = Math.max(grant.maxPolls, 1);
    const startedAt = Date.now();
    const poll = faceIdActivity('GetCardVerificationResult', {
      scheduleToCloseMs: 5 * 60_000,
      startToCloseMs: timers.faceIdCallMs,
      summary: 'poll document',
    });
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await poll({ journeyId, region: input.region, cardToken: grant.cardToken });
      requestIds.push(outcome.requestId);
      if (outcome.document) return { verdict: outcome.document, archived: outcome.archived };
      if (attempt >= maxPolls || Date.now() - startedAt + waitMs > timers.documentPollCapMs) {
        return { verdict: 'timed_out', archived: [] };
      }
      await sleep(waitMs, { summary: 'document polling wait' });
    }
  }

  /** Archives every media file of the result, asking FaceID for fresh URLs when the old ones expired. */
  async function archiveMedia(first: VerificationResult): Promise<ArchiveRef[]> {
    state.enterStage('archiving_media', 'archiving media');
    let result = first;
    for (let refetches = 0; ; refetches += 1) {
      if (result.remoteMedia.length === 0) return result.archived;
      if (Date.now() - state.lastFetchAtMs > timers.mediaUrlLifetimeMs - MEDIA_URL_MARGIN_MS) {
        result = (await fetchResult('fresh media URLs')) ?? result;
      }
      try {
        if (!result.mediaClaim)
          throw ApplicationFailure.nonRetryable('media listed without a claim', 'JourneyMediaClaimMissing');
        // 8 minutes of the URLs' 10: the margin covers the last attempt's download.
        const window = Math.max(10_000, timers.mediaUrlLifetimeMs - 2 * MEDIA_URL_MARGIN_MS);
        const stored = await archiveActivity(
          `archive ${result.remoteMedia.length} media files`,
          window,
        )({
          journeyId,
          mediaClaim: result.mediaClaim,
          media: result.remoteMedia,
        });
        openClaims.delete(result.mediaClaim);
        return [...result.archived, ...stored];
      } catch (error) {
        // A store that keeps failing is waited out for as long as FaceID serves the media: fresh URLs every round.
        const storeDown = isArchiveOutage(error);
        if (!storeDown && (failureType(error) !== MEDIA_FAILURE_TYPES.urlExpired || refetches >= MAX_MEDIA_REFETCHES)) {
          throw error;
        }
        const fresh = await fetchResult(storeDown ? 'fresh media URLs after an archive outage' : 'fresh media URLs');
        if (!fresh) throw error;
        result = fresh;
      }
    }
  }

  function event(type: JourneyEvent['type']): JourneyEvent {
    return {
      id: `${journeyId}:${type}`,
      type,
      journeyId,
      reference: input.reference,
      flow: input.flow,
      stage: type === 'journey.completed' ? 'completed' : state.stage,
      ...(state.outcome ? { outcome: state.outcome } : {}),
      reasons: state.reasons,
      occurredAt: new Date(Date.now()).toISOString(),
    };
  }

  /**
   * Ends the journey. `settle: 'detached'` hands the last step to `deliverJourneyEvent` instead of running it locally:
   * for an end decided by an update, whose acceptance must not share a workflow task with a local activity (an event
   * arriving meanwhile fails that task, and with it the reviewer's update).
   */
  async function finish(
    outcome: Outcome,
    reasons: string[],
    details?: Partial<JourneyResult>,
    settle: 'local' | 'detached' = 'local',
  ): Promise<JourneyResult> {
    state.complete(outcome, reasons);
    const media = details?.media ?? [];
    // Always, whatever the outcome: a failed or rejected journey may have stored media and input images too.
    const retentionDays = input.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const inputKeys = [compareImageOf(input), input.document?.front, input.document?.back].flatMap((ref) =>
      ref ? [ref.key] : [],
    );
    if (patched(RETENTION_RECORD_PATCH)) {
      // Only a journey that fetched a result (media, claims, OCR) or was given images can have stored anything; the
      // activity checks the archive and files nothing when there is nothing to delete.
      const retention: RecordRetentionInput | undefined =
        state.fetchAttempts > 0 || inputKeys.length > 0
          ? {
              journeyId,
              deleteAfter: new Date(Date.now() + retentionDays * 24 * 3600 * 1000).toISOString(),
              inputKeys,
              source: 'journey',
              ...(openClaims.size > 0 ? { discardClaims: [...openClaims] } : {}),
            }
          : undefined;
      // Settled in the deciding workflow task (a local activity); only when that fails (the backend slow or down,
      // the archive unreachable) does a detached workflow retry both, so the journey's end never waits on them.
      const completed = event('journey.completed');
      state.enterStage('completed', `completed: ${outcome} (${reasons.join(', ')})`);
      const settled =
        settle === 'local' &&
        (await settleJourneyActivity('file for retention, notify the backend')({
          event: completed,
          ...(retention ? { retention } : {}),
        }).then(
          () => true,
          (error: unknown) => {
            log.info('journey settles in the background', { journeyId, failure: failureType(error) ?? 'unknown' });
            return false;
          },
        ));
      if (!settled) {
        await startChild(deliverJourneyEvent, {
          ...DETACHED,
          workflowId: `${journeyId}:event:completed`,
          args: retention ? [completed, retention] : [completed],
        });
      }
    } else {
      await startChild(afterJourney, {
        ...DETACHED,
        workflowId: afterJourneyWorkflowId(journeyId),
        args: [{ journeyId, event: event('journey.completed'), retentionDays, inputKeys }],
      });
      state.enterStage('completed', `completed: ${outcome} (${reasons.join(', ')})`);
    }
    // Updates still running (a renewal that raced the end) must answer before the run closes.
    await condition(allHandlersFinished);
    return {
      reference: input.reference,
      flow: input.flow,
      region: input.region,
      outcome,
      reasons,
      media,
      requestIds,
      completedAt: new Date(Date.now()).toISOString(),
      ...details,
    };
  }

  // ---- the journey ---------------------------------------------------------------------------------------------
  try {
    state.enterStage('issuing_token', `issuing a ${input.flow} token`);
    await issueToken('first token');

    const awaited = await awaitFinishedResult();
    if (awaited === 'cancelled') return await finish('cancelled', ['user_cancelled']);
    if (awaited === 'expired') {
      return await finish('expired', [state.finishedHint ? 'result_not_finished' : 'user_did_not_finish']);
    }
    state.awaitingUser = false;

    const document = await verifyDocument();
    const media = [...(await archiveMedia(awaited)), ...document.archived];
    const facts = {
      liveness: awaited.liveness,
      compare: awaited.compare,
      document: awaited.document ?? (document.verdict !== 'timed_out' ? document.verdict : undefined),
      deviceRiskLevel: awaited.deviceRiskLevel,
      media,
    };

    // Deciding spans no await, so nobody could see it in search attributes: show it in the UI details only.
    state.enterStage('deciding', 'applying the decision policy', { sync: false });
    const decision = decide(awaited, document.verdict, policy);
    if (decision.decision !== 'review') return await finish(decision.decision, decision.reasons, facts);

    state.reasons = decision.reasons;
    state.enterStage('in_review', `waiting for a reviewer: ${decision.reasons.join(', ')}`);
    await startChild(deliverJourneyEvent, {
      ...DETACHED,
      workflowId: `${journeyId}:event:in_review`,
      args: [event('journey.in_review')],
    });
    const reviewed = await condition(() => state.review !== undefined, timers.reviewDeadlineMs, {
      summary: 'review deadline',
    });
    const review = state.review;
    if (reviewed && review) {
      return await finish(
        review.decision,
        [...decision.reasons, `review_${review.decision}`],
        { ...facts, review: { reviewer: review.reviewer, decision: review.decision, reason: review.reason } },
        'detached',
      );
    }
    return await finish(policy.reviewTimeoutDecision, [...decision.reasons, 'review_timeout'], facts);
  } catch (error) {
    // An operator's cancel still gets a clean outcome; the bookkeeping must not be cancelled with the rest.
    if (isCancellation(error))
      return await CancellationScope.nonCancellable(() => finish('cancelled', ['operator_cancelled']));
    if (isFaceIdOutage(error)) return await finish('failed', [FACEID_UNAVAILABLE_REASON]);
    if (isArchiveOutage(error)) return await finish('failed', [ARCHIVE_UNAVAILABLE_REASON]);
    const type = failureType(error);
    if (!type) throw error;
    return await finish('failed', [reasonFromFailureType(type)]);
  }
}

/**
 * The token activity's input from the journey's: the flow, its own FaceID options and, where FaceID compares with
 * it, the compare image (the same fields, in the same order, as histories recorded before the input was a union).
 */
function tokenOptions(input: JourneyInput): Omit<TokenIssueInput, 'journeyId' | 'region'> {
  switch (input.flow) {
    case 'selfie':
      return { flow: input.flow, selfie: input.selfie, compareImage: input.compareImage };
    case 'ekyc':
      return { flow: input.flow, ekyc: input.ekyc, compareImage: input.compareImage };
    case 'liveness':
      return { flow: input.flow, liveness: input.liveness };
    case 'web':
      return { flow: input.flow, web: input.web, compareImage: input.compareImage };
    case 'web-legacy':
      return { flow: input.flow, webLegacy: input.webLegacy };
  }
}

/** The image the caller gave to compare faces with, in the flows that take one. */
function compareImageOf(input: JourneyInput): StoredImageRef | undefined {
  switch (input.flow) {
    case 'selfie':
    case 'ekyc':
    case 'web':
      return input.compareImage;
    case 'liveness':
    case 'web-legacy':
      return undefined;
  }
}

/** Whether the flow's options ask FaceID to compare faces (so a missing compare result is a failure). */
function compareExpected(input: JourneyInput): boolean {
  switch (input.flow) {
    case 'selfie':
      return input.selfie?.CheckMode === 'compare';
    case 'ekyc':
      return (input.ekyc?.CheckMode ?? 1) !== 3;
    case 'liveness':
      return false;
    case 'web': {
      const mode = input.web?.Config?.CheckMode;
      return mode === undefined || mode === 1 || mode === 2;
    }
    case 'web-legacy':
      return true;
  }
}

/** Synchronous checks of a review (update validators must not be async). */
function validateReview(review: ReviewInput): void {
  const problems: string[] = [];
  if (review === null || typeof review !== 'object') problems.push('body must be an object');
  else {
    if (review.decision !== 'approved' && review.decision !== 'rejected')
      problems.push('decision must be approved or rejected');
    if (typeof review.reviewer !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(review.reviewer)) {
      problems.push('reviewer must be an operator id (1-64 letters, digits, . _ : -)');
    }
    if (typeof review.reason !== 'string' || review.reason.trim() === '' || review.reason.length > 500) {
      problems.push('reason must be 1-500 characters');
    }
  }
  if (problems.length > 0) {
    throw ApplicationFailure.create({ type: JOURNEY_UPDATE_ERRORS.invalidReview, message: problems.join('; ') });
  }
}
