import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Journey stage, upserted on every stage change; operators filter `EkycStage = "in_review"`. */
export const ekycStageKey = defineSearchAttributeKey('EkycStage', SearchAttributeType.KEYWORD);
/** Terminal outcome (`approved`, `rejected`, `expired`, `cancelled`, `failed`); unset while running. */
export const ekycOutcomeKey = defineSearchAttributeKey('EkycOutcome', SearchAttributeType.KEYWORD);
/** FaceID flow of the journey (`selfie`, `ekyc`, `liveness`, `web`, `web-legacy`). */
export const ekycFlowKey = defineSearchAttributeKey('EkycFlow', SearchAttributeType.KEYWORD);
/** Tencent Cloud region the journey calls. */
export const ekycRegionKey = defineSearchAttributeKey('EkycRegion', SearchAttributeType.KEYWORD);
/** Primary reason code of the outcome or of the current review. */
export const ekycReasonKey = defineSearchAttributeKey('EkycReason', SearchAttributeType.KEYWORD);

/**
 * When a journey in review takes the policy's default decision: the review queue sorts and warns by it (a Datetime,
 * the one exception to keyword-only attributes; SQL visibility filters on it but cannot sort by it).
 */
export const ekycReviewDeadlineKey = defineSearchAttributeKey('EkycReviewDeadline', SearchAttributeType.DATETIME);
/** Operator id of the reviewer who holds the case; unset while nobody does. */
export const ekycReviewClaimKey = defineSearchAttributeKey('EkycReviewClaim', SearchAttributeType.KEYWORD);
/** `first`, or `second` while a rejection waits for a second reviewer (four-eyes rule). */
export const ekycReviewStepKey = defineSearchAttributeKey('EkycReviewStep', SearchAttributeType.KEYWORD);

/**
 * The decision policy version the journey is pinned to (`String(version)`); set by the starter, so a journey costs no
 * upsert for it; unset for journeys started without a pinned version.
 */
export const ekycPolicyVersionKey = defineSearchAttributeKey('EkycPolicyVersion', SearchAttributeType.KEYWORD);

/** Every custom search attribute, registered on the dev server at start-up and in tests. */
export const EKYC_SEARCH_ATTRIBUTES = [
  ekycStageKey,
  ekycOutcomeKey,
  ekycFlowKey,
  ekycRegionKey,
  ekycReasonKey,
  ekycReviewDeadlineKey,
  ekycReviewClaimKey,
  ekycReviewStepKey,
  ekycPolicyVersionKey,
];

/** The type name the Temporal CLI and `operator search-attribute create` use for an attribute. */
export function searchAttributeTypeName(key: { type: SearchAttributeType }): 'Keyword' | 'Datetime' {
  return key.type === SearchAttributeType.DATETIME ? 'Datetime' : 'Keyword';
}
