import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IssuedToken, JourneyCase, JourneyStatus, ReviewClaimInput, ReviewInput } from './types';

/** Update-with-start target: returns the FaceID token as soon as it exists, so a backend gets it in one call. */
export const issueTokenUpdate = defineUpdate<IssuedToken>('issueToken');

/** The client app reports that the user finished; a hint only, the journey always pulls the result itself. */
export const userFinishedSignal = defineSignal('userFinished');

/** The client app reports that the user gave up; ignored once a result is being processed. */
export const userCancelledSignal = defineSignal('userCancelled');

/** The client app asks for a fresh token while the user has not finished (bounded renewals). */
export const renewTokenUpdate = defineUpdate<IssuedToken>('renewToken');

/** An operator decides a journey that is in review. */
export const reviewUpdate = defineUpdate<JourneyStatus, [ReviewInput]>('review');

/** A reviewer takes a case in review (or renews their claim): others see it as taken and cannot decide it. */
export const claimReviewUpdate = defineUpdate<JourneyStatus, [ReviewClaimInput]>('claimReview');

/** A reviewer gives a case back to the queue. */
export const releaseReviewUpdate = defineUpdate<JourneyStatus, [ReviewClaimInput]>('releaseReview');

/** Stage, token expiry, attempts, outcome and reason codes; never personal data. */
export const statusQuery = defineQuery<JourneyStatus>('status');

/** Whether a FaceID token is the journey's current one (the web return route checks the token it receives). */
export const tokenMatchesQuery = defineQuery<boolean, [string]>('tokenMatches');

/** The case view: status, the evidence a review decides on, and the timeline (encrypted by the payload codec). */
export const reviewCaseQuery = defineQuery<JourneyCase>('reviewCase');
