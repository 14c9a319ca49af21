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

/** Every custom search attribute, registered on the dev server at start-up and in tests. */
export const EKYC_SEARCH_ATTRIBUTES = [ekycStageKey, ekycOutcomeKey, ekycFlowKey, ekycRegionKey, ekycReasonKey];
