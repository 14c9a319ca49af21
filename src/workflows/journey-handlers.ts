import { ApplicationFailure, condition, log, setHandler } from '@temporalio/workflow';
import { OPERATOR_ID_PATTERN, OPERATOR_ID_RULE } from '../contracts/operator-id';
import { JOURNEY_UPDATE_ERRORS } from '../contracts/update-errors';
import {
  claimReviewUpdate,
  issueTokenUpdate,
  releaseReviewUpdate,
  renewTokenUpdate,
  reviewCaseQuery,
  reviewUpdate,
  statusQuery,
  tokenMatchesQuery,
  userCancelledSignal,
  userFinishedSignal,
} from './definitions';
import type { JourneyRun } from './journey-run';
import { activeClaim, journeyCase, journeyStatus } from './journey-state';
import { issueToken } from './stage-issue-token';
import type { IssuedToken, ReviewClaimInput, ReviewInput } from './types';

/**
 * The journey's messages: queries read its state, signals and updates change it only through its transitions, and
 * update validators refuse what the current stage does not allow (so a refused update leaves no trace in history).
 */
export function registerJourneyHandlers(run: JourneyRun): void {
  const { state, transitions, input } = run;
  setHandler(statusQuery, () => journeyStatus(input, state));
  setHandler(reviewCaseQuery, () => journeyCase(input, state));
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
    if (!transitions.userFinished()) {
      log.info('userFinished ignored: the journey is past waiting for the user', { stage: state.stage });
    }
  });

  setHandler(userCancelledSignal, () => {
    if (!transitions.userCancelled()) {
      log.info('userCancelled ignored: the result is already being processed', { stage: state.stage });
    }
  });

  setHandler(
    renewTokenUpdate,
    async (): Promise<IssuedToken> => {
      transitions.renewalStarted();
      try {
        return await issueToken(run, 'renewing the token');
      } finally {
        transitions.renewalEnded();
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
        if (state.renewalsLeft <= 0) {
          throw ApplicationFailure.create({
            type: JOURNEY_UPDATE_ERRORS.noRenewalsLeft,
            message: `all ${run.maxRenewals} token renewals are used`,
          });
        }
      },
    },
  );

  registerReviewHandlers(run);
}

/**
 * Review messages. Claims and decisions go through the journey itself, so they hold across every gateway: a claim makes
 * the case taken for others until it lapses or is released, and a decision by anyone but the claimant is refused.
 */
function registerReviewHandlers(run: JourneyRun): void {
  const { state, transitions, input } = run;
  setHandler(
    reviewUpdate,
    (review: ReviewInput) => {
      transitions.reviewDecided(review, run.policy.review.fourEyesRejection);
      return journeyStatus(input, state);
    },
    {
      validator: (review: ReviewInput) => {
        assertInReview(run);
        validateReview(review);
        assertMayAct(run, review.reviewer);
      },
    },
  );

  setHandler(
    claimReviewUpdate,
    ({ reviewer }: ReviewClaimInput) => {
      transitions.reviewClaimed(reviewer, Date.now() + run.durations.reviewClaimMs);
      return journeyStatus(input, state);
    },
    {
      validator: (claim: ReviewClaimInput) => {
        assertInReview(run);
        validateReviewer(claim?.reviewer);
        assertMayAct(run, claim.reviewer);
      },
    },
  );

  setHandler(
    releaseReviewUpdate,
    ({ reviewer }: ReviewClaimInput) => {
      transitions.reviewReleased(`released by ${reviewer}`);
      return journeyStatus(input, state);
    },
    {
      validator: (claim: ReviewClaimInput) => {
        assertInReview(run);
        validateReviewer(claim?.reviewer);
        assertMayAct(run, claim.reviewer);
      },
    },
  );
}

/** Refuses a review message unless the journey waits for a review (a decision elsewhere or the deadline ends it). */
function assertInReview({ state }: JourneyRun): void {
  if (state.stage !== 'in_review' || state.review) {
    throw ApplicationFailure.create({
      type: JOURNEY_UPDATE_ERRORS.notInReview,
      message: `the journey is not waiting for a review (stage ${state.stage}${state.outcome ? `, ${state.outcome}` : ''})`,
      details: [{ stage: state.stage, outcome: state.outcome, reasons: state.reasons }],
    });
  }
}

/** Refuses a reviewer who may not act on the case: another holds it, or they gave the rejection a second look needs. */
function assertMayAct({ state }: JourneyRun, reviewer: string): void {
  const claim = activeClaim(state);
  if (claim !== undefined && claim.reviewer !== reviewer) {
    throw ApplicationFailure.create({
      type: JOURNEY_UPDATE_ERRORS.reviewClaimed,
      message: `the case is claimed by ${claim.reviewer} until ${new Date(claim.untilMs).toISOString()}`,
      details: [{ claimedBy: claim.reviewer }],
    });
  }
  if (state.firstRejection?.reviewer === reviewer) {
    throw ApplicationFailure.create({
      type: JOURNEY_UPDATE_ERRORS.secondReviewerNeeded,
      message: 'four-eyes rule: the rejection needs a second, different reviewer',
    });
  }
}

const REASON_CODE = /^[a-z][a-z0-9_]{0,63}$/;

function validateReviewer(reviewer: unknown): void {
  if (typeof reviewer !== 'string' || !OPERATOR_ID_PATTERN.test(reviewer)) {
    throw ApplicationFailure.create({
      type: JOURNEY_UPDATE_ERRORS.invalidReview,
      message: `reviewer must be ${OPERATOR_ID_RULE}`,
    });
  }
}

/** Synchronous checks of a review (update validators must not be async). */
function validateReview(review: ReviewInput): void {
  const problems: string[] = [];
  if (review === null || typeof review !== 'object') problems.push('body must be an object');
  else {
    if (review.decision !== 'approved' && review.decision !== 'rejected')
      problems.push('decision must be approved or rejected');
    if (typeof review.reviewer !== 'string' || !OPERATOR_ID_PATTERN.test(review.reviewer)) {
      problems.push(`reviewer must be ${OPERATOR_ID_RULE}`);
    }
    if (typeof review.reason !== 'string' || review.reason.trim() === '' || review.reason.length > 500) {
      problems.push('reason must be 1-500 characters');
    }
    if (
      review.reasonCode !== undefined &&
      (typeof review.reasonCode !== 'string' || !REASON_CODE.test(review.reasonCode))
    ) {
      problems.push('reasonCode must be a code such as document_expired (lower case, digits, _; at most 64)');
    }
  }
  if (problems.length > 0) {
    throw ApplicationFailure.create({ type: JOURNEY_UPDATE_ERRORS.invalidReview, message: problems.join('; ') });
  }
}
