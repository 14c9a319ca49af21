import { ApplicationFailure, condition, log, setHandler } from '@temporalio/workflow';
import { JOURNEY_UPDATE_ERRORS } from '../contracts/update-errors';
import {
  issueTokenUpdate,
  renewTokenUpdate,
  reviewUpdate,
  statusQuery,
  tokenMatchesQuery,
  userCancelledSignal,
  userFinishedSignal,
} from './definitions';
import type { JourneyRun } from './journey-run';
import { issueToken } from './stage-issue-token';
import type { IssuedToken, ReviewInput } from './types';

/**
 * The journey's messages: queries read its state, signals and updates change it only through its transitions, and
 * update validators refuse what the current stage does not allow (so a refused update leaves no trace in history).
 */
export function registerJourneyHandlers(run: JourneyRun): void {
  const { state } = run;
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
    if (!state.userFinished()) {
      log.info('userFinished ignored: the journey is past waiting for the user', { stage: state.stage });
    }
  });

  setHandler(userCancelledSignal, () => {
    if (!state.userCancelled()) {
      log.info('userCancelled ignored: the result is already being processed', { stage: state.stage });
    }
  });

  setHandler(
    renewTokenUpdate,
    async (): Promise<IssuedToken> => {
      state.renewalStarted();
      try {
        return await issueToken(run, 'renewing the token');
      } finally {
        state.renewalEnded();
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

  setHandler(
    reviewUpdate,
    (review: ReviewInput) => {
      state.reviewDecided(review);
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
