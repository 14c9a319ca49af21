// Plain data shared by the workflow bundle, the client and the gateway: nothing from Temporal, Node or zod.

/** Failure types the journey's updates reject with (`ApplicationFailure.type`). */
export const JOURNEY_UPDATE_ERRORS = {
  notAwaitingUser: 'JourneyNotAwaitingUser',
  noRenewalsLeft: 'JourneyNoRenewalsLeft',
  notInReview: 'JourneyNotInReview',
  invalidReview: 'JourneyInvalidReview',
  tokenUnavailable: 'JourneyTokenUnavailable',
  /** Another reviewer holds the case. */
  reviewClaimed: 'JourneyReviewClaimed',
  /** Four-eyes: the reviewer who rejected first cannot also decide second. */
  secondReviewerNeeded: 'JourneySecondReviewerNeeded',
} as const;
