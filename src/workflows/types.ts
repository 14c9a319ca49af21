// Each flow's options as a journey takes them (the journey fills some FaceID fields itself and refuses others).
import type { EkycOptions, LivenessOptions, SelfieOptions, WebLegacyOptions, WebOptions } from '../faceid/flow-options';
import type { CARD_NATIONALITIES } from '../faceid/actions';
import type { ResultAction } from '../faceid/result-codes';
import type { JourneyPolicyOverrides, PinnedPolicy } from '../contracts/policy-document';

/**
 * Plain-JSON contracts of the journey workflow: its input, its result, and what activities hand back.
 * Types only (no zod, no runtime code), so the workflow bundle stays small; FaceID option types are inferred from the
 * FaceID layer's schemas, and the edges validate input with zod before it reaches a workflow.
 */

/** The FaceID product flow a journey runs. */
export type Flow = 'selfie' | 'ekyc' | 'liveness' | 'web' | 'web-legacy';
export const FLOWS: readonly Flow[] = ['selfie', 'ekyc', 'liveness', 'web', 'web-legacy'];

/** Where a journey is; `status` reports it and `EkycStage` mirrors it. */
export type Stage =
  | 'issuing_token'
  | 'awaiting_user'
  | 'fetching_result'
  | 'verifying_document'
  | 'archiving_media'
  | 'deciding'
  | 'in_review'
  | 'notifying'
  | 'completed';

/** Every stage, in journey order. */
export const STAGES: readonly Stage[] = [
  'issuing_token',
  'awaiting_user',
  'fetching_result',
  'verifying_document',
  'archiving_media',
  'deciding',
  'in_review',
  'notifying',
  'completed',
];

/** A terminal outcome; once set it never changes. */
export type Outcome = 'approved' | 'rejected' | 'expired' | 'cancelled' | 'failed';

/** Every terminal outcome. */
export const OUTCOMES: readonly Outcome[] = ['approved', 'rejected', 'expired', 'cancelled', 'failed'];

/** What the decision policy concludes before any human review. */
export type Decision = 'approved' | 'rejected' | 'review';

/** Kinds of evidence the journey archives. */
export type MediaKind =
  | 'video'
  | 'best-frame'
  | 'action-video'
  | 'live-data'
  | 'profile-image'
  | 'card-image'
  | 'card-back-image'
  | 'card-video'
  | 'ocr-json'
  | 'card-input-json';

/** A stored object: the claim check that travels in history instead of bytes (content type follows from the key). */
export interface ArchiveRef {
  key: string;
  kind: MediaKind;
  md5: string;
  size: number;
}

/** An image the caller stored in the archive before starting the journey (never base64 in history). */
export interface StoredImageRef {
  key: string;
}

/** Media that FaceID serves at a temporary URL, as history sees it: what it is, never where. */
export interface MediaDescriptor {
  kind: MediaKind;
  md5: string;
  /** Byte count when FaceID states it (the legacy web flow gives only the MD5). */
  size: number | null;
}

/** A descriptor with its temporary URL; kept only in the archive's claim file, never in history. */
export interface RemoteMedia extends MediaDescriptor {
  url: string;
}

/** The optional document step: ApplyCardVerification, then GetCardVerificationResult polled. */
interface DocumentStepInput {
  nationality: (typeof CARD_NATIONALITIES)[number];
  cardType: 'ID_CARD' | 'PASSPORT' | 'DRIVING_LICENSE' | 'AUTO';
  front: StoredImageRef;
  back?: StoredImageRef;
}

/** Durations in milliseconds; each overridable per journey so tests can shrink them. */
export interface JourneyTimers {
  /** The user must start within this window after a token is issued (FaceID: 10 min; legacy web 2 h). */
  startWindowMs: number;
  /** No finished result by then (measured from the first token) → `expired`. */
  completionDeadlineMs: number;
  /** FaceID keeps results this long; every fetch must succeed before it closes. */
  resultWindowMs: number;
  /** Backoff while pulling an unfinished result: first wait, then doubling up to the cap. */
  pollInitialMs: number;
  pollMaxMs: number;
  /** Media URLs stop working this long after a fetch. */
  mediaUrlLifetimeMs: number;
  /** A journey in review takes the policy's default decision after this. */
  reviewDeadlineMs: number;
  /** A reviewer's claim on a case lapses this long after it was taken or renewed (15 min). */
  reviewClaimMs: number;
  /** Cap on how long the document step may poll, whatever FaceID's hints say. */
  documentPollCapMs: number;
  /**
   * How long one FaceID call attempt may take (its activity's start-to-close): the worker's `FACEID_TIMEOUT_SECONDS`
   * plus a margin for DNS and TLS. Workflow code cannot read the worker's configuration, so the client that starts the
   * journey carries it here from the same setting; journeys started without it use 45 s (the 30 s default + 15 s).
   */
  faceIdCallMs: number;
}

/** What every journey input carries, whatever its flow. */
interface JourneyInputCommon {
  /** The backend's own opaque id for this verification; never personal data. */
  reference: string;
  region: string;
  /** The document step, in any flow. */
  document?: DocumentStepInput;
  /** The journey's own policy settings, applied over its pinned version's rules and recorded as overrides. */
  policy?: JourneyPolicyOverrides;
  /** The policy version current when the journey started; journeys started without one use the first version's rules. */
  pinnedPolicy?: PinnedPolicy;
  /** A version evaluated beside the pinned one without effect, so a risk team sees where they would disagree. */
  shadowPolicy?: PinnedPolicy;
  timers?: Partial<JourneyTimers>;
  /** How many times the client app may ask for a fresh token while the user has not finished. */
  maxRenewals?: number;
  /** Days the archived media is kept after the outcome (fractions allowed); a legal hold keeps it longer. */
  retentionDays?: number;
}

/** Input of a selfie journey: GetFaceIdTokenIntl options, and the photo to compare with. */
interface SelfieJourneyInput extends JourneyInputCommon {
  flow: 'selfie';
  selfie?: SelfieOptions;
  compareImage?: StoredImageRef;
}

/** Input of an eKYC SDK journey: ApplySdkVerificationToken options, and the photo to compare with. */
interface EkycJourneyInput extends JourneyInputCommon {
  flow: 'ekyc';
  ekyc?: EkycOptions;
  compareImage?: StoredImageRef;
}

/** Input of a liveness-only journey: nothing to compare with. */
interface LivenessJourneyInput extends JourneyInputCommon {
  flow: 'liveness';
  liveness?: LivenessOptions;
}

/** Input of an international web journey: its options, and the photo to compare with. */
interface WebJourneyInput extends JourneyInputCommon {
  flow: 'web';
  web?: WebOptions;
  compareImage?: StoredImageRef;
}

/** Input of a legacy web journey: its options name the compare photo in COS themselves. */
interface WebLegacyJourneyInput extends JourneyInputCommon {
  flow: 'web-legacy';
  webLegacy?: WebLegacyOptions;
}

/** Input of {@link ekycJourney}, one shape per flow (narrow on `flow`); validated at the edge. */
export type JourneyInput =
  SelfieJourneyInput | EkycJourneyInput | LivenessJourneyInput | WebJourneyInput | WebLegacyJourneyInput;

/** A token handed to the client app. */
export interface IssuedToken {
  token: string;
  verificationUrl?: string;
  /** ISO timestamp: the user must start before this. */
  expiresAt: string;
}

/** The document check, from the eKYC SDK's OCR, the web OCR, or the separate document step. */
export interface DocumentResult {
  source: 'ekyc-sdk' | 'web-ocr' | 'card-verification';
  /** `UNKNOWN`: FaceID answered the attempt without a verdict (`IsPass` null), which never passes. */
  status: 'PASSED' | 'WARNING' | 'REJECTED' | 'UNKNOWN';
  warnings: string[];
  /** The user changed OCR fields before submitting them (`IsEdit`); the eKYC SDK reports it. */
  edited?: boolean;
  cardType?: string;
  nationality?: string;
}

/**
 * FaceID's codes exactly as the result action gave them (the last attempt's details), for the decision and the record.
 * An empty string arrives as null: FaceID's models give both for a step that did not run.
 */
export interface ResultCodes {
  action: ResultAction;
  /** `Result` (SDK flows) or `ErrorCode` (web flows, as a string). */
  overall: string | null;
  /** The last attempt's own code: eKYC's `CompareResult.ErrorCode`, the web flows' `VerificationDetail.ErrorCode`. */
  attempt?: string | null;
  /** The last attempt's liveness and compare codes (eKYC and web flows only). */
  liveness?: string | null;
  compare?: string | null;
}

/** One flow's result, normalised by the fetching activity (no personal data, no media bytes). */
export interface VerificationResult {
  flow: Flow;
  /** False while FaceID says the user has not finished (`-999`, no attempt yet). */
  finished: boolean;
  /** The codes the decision judges; without them it fails closed (`codes_missing`). */
  codes?: ResultCodes;
  /** `Extra` as FaceID returned it: the journey's own tag when the journey sent one. */
  extra?: string | null;
  liveness?: { passed: boolean; code: string };
  compare?: { passed: boolean; code: string; similarity: number | null };
  document?: DocumentResult;
  deviceRiskLevel?: string;
  livenessTags?: string[];
  /**
   * Media still to download (the activity could not archive it at once); their URLs wait in the archive under
   * `mediaClaim` (URLs are bearer links to PII).
   */
  remoteMedia: MediaDescriptor[];
  mediaClaim?: string;
  /** Media the activity already stored: inline base64 media, OCR fields, and downloaded media it archived at once. */
  archived: ArchiveRef[];
  attempts: number;
  requestIds: string[];
}

/** The review update's argument. */
export interface ReviewInput {
  decision: 'approved' | 'rejected';
  /** Operator id (not a name or e-mail). */
  reviewer: string;
  /** The reviewer's note; kept in the journey's (encrypted) history and result, never in search attributes. */
  reason: string;
  /** A code from the operator's list (`document_expired`), added to the outcome's reasons. */
  reasonCode?: string;
}

/** A review's reason code as a field to spread into a record: present only when the reviewer gave one. */
export function reasonCodeOf(review: { reasonCode?: string }): { reasonCode?: string } {
  return review.reasonCode ? { reasonCode: review.reasonCode } : {};
}

/** The argument of `claimReview` and `releaseReview`. */
export interface ReviewClaimInput {
  /** Operator id (not a name or e-mail). */
  reviewer: string;
}

/** A journey's review as `status` shows it. */
export interface ReviewStatus {
  /** The final decision, once made. */
  reviewer?: string;
  decision?: 'approved' | 'rejected';
  /** When the policy's default decision applies (ISO). */
  deadline?: string;
  /** Who holds the case, and until when (ISO); a claim lapses unless renewed. */
  claimedBy?: string;
  claimedUntil?: string;
  /** Four-eyes: a first reviewer's rejection that waits for a second reviewer. */
  firstRejection?: { reviewer: string; reasonCode?: string };
}

/** What the `status` query returns: ids and enums only, never personal data. */
export interface JourneyStatus {
  reference: string;
  flow: Flow;
  region: string;
  stage: Stage;
  tokenExpiresAt?: string;
  renewalsLeft: number;
  fetchAttempts: number;
  outcome?: Outcome;
  reasons: string[];
  review?: ReviewStatus;
  /** The decision policy version the journey is pinned to; null when it started without one (the first version's rules). */
  policyVersion: number | null;
  /** Whether the journey's own policy settings (the start body's `policy`) were applied over its version's rules. */
  policyOverridden: boolean;
}

/** What happened to a journey, in workflow time: the case view's timeline (ids and codes, never personal data). */
export interface TimelineEntry {
  /** ISO timestamp. */
  at: string;
  event:
    | 'started'
    | 'token_issued'
    | 'token_renewed'
    | 'user_finished'
    | 'user_cancelled'
    | 'result_in_hand'
    | 'in_review'
    | 'review_claimed'
    | 'review_released'
    | 'first_rejection'
    | 'review_decided'
    | 'completed';
  /** Reviewer ids, decisions and reason codes. */
  detail?: string;
}

/** What a reviewer decides on: checks, codes, scores and the archive keys of the media, never the media's bytes. */
export type CaseEvidence = Pick<
  JourneyResult,
  'liveness' | 'compare' | 'document' | 'deviceRiskLevel' | 'media' | 'codes'
>;

/** What the `reviewCase` query returns: the case view's facts (it travels through the payload codec). */
export interface JourneyCase {
  status: JourneyStatus;
  /** Once the journey entered review. */
  evidence?: CaseEvidence;
  /** Four-eyes: the first reviewer's note, for the second reviewer. */
  firstRejectionNote?: string;
  timeline: TimelineEntry[];
  /** Entries left out past the timeline's cap (a case claimed and released many times). */
  timelineOmitted: number;
}

/** The workflow's result. */
export interface JourneyResult {
  reference: string;
  flow: Flow;
  region: string;
  outcome: Outcome;
  reasons: string[];
  /** The decision policy version the journey is pinned to; null when it started without one (the first version's rules). */
  policyVersion: number | null;
  /** Whether the journey's own policy settings (the start body's `policy`) were applied over its version's rules. */
  policyOverridden: boolean;
  liveness?: { passed: boolean; code: string };
  compare?: { passed: boolean; code: string; similarity: number | null };
  document?: DocumentResult;
  deviceRiskLevel?: string;
  /** FaceID's codes the decision judged. */
  codes?: ResultCodes;
  media: ArchiveRef[];
  review?: {
    reviewer: string;
    decision: 'approved' | 'rejected';
    reason: string;
    reasonCode?: string;
    /** Four-eyes: the first reviewer's rejection that this decision followed. */
    firstRejection?: { reviewer: string; reason: string; reasonCode?: string };
  };
  requestIds: string[];
  completedAt: string;
}

/**
 * What the journey workflow returns: its result and the status it ended with, so an ended journey's status is read
 * from the run's close event instead of a query that replays it. The client hands backends the result without it.
 */
export interface JourneyEnd extends JourneyResult {
  /**
   * What the `status` query answered as the journey ended beyond the result's own fields (reference, flow, region,
   * outcome and reasons are the result's): kept small, since the close event's payload is held to 2 KiB like any other.
   */
  finalStatus?: EndedStatusFacts;
}

/** The status facts a result does not carry itself. */
export type EndedStatusFacts = Omit<
  JourneyStatus,
  'reference' | 'flow' | 'region' | 'outcome' | 'reasons' | 'policyVersion' | 'policyOverridden'
>;

// ---- activity contracts (plain JSON in both directions) ----------------------------------------------------------

/** Input of every token-issuing activity: each picks its own flow's options. */
export interface TokenIssueInput {
  journeyId: string;
  region: string;
  flow: Flow;
  selfie?: SelfieOptions;
  ekyc?: EkycOptions;
  liveness?: LivenessOptions;
  web?: WebOptions;
  webLegacy?: WebLegacyOptions;
  compareImage?: StoredImageRef;
  /** The journey's tag, sent as FaceID's `Extra` where the action takes one, so the result can be matched to it. */
  extra?: string;
}

/** A token as FaceID issued it. */
export interface TokenGrant {
  token: string;
  verificationUrl?: string;
  requestId: string;
}

/** Input of every result-fetching activity. */
export interface ResultFetchInput {
  journeyId: string;
  region: string;
  flow: Flow;
  token: string;
  /** Whether the flow was asked to compare faces, so a missing compare result counts as a failure. */
  compareExpected: boolean;
}

/** Input of ApplyCardVerification. */
export interface CardApplyInput {
  journeyId: string;
  region: string;
  document: DocumentStepInput;
}

/** ApplyCardVerification's token and FaceID's polling hints. */
export interface CardGrant {
  cardToken: string;
  maxPolls: number;
  pollWaitSeconds: number;
  requestId: string;
}

/** Input of GetCardVerificationResult. */
export interface CardPollInput {
  journeyId: string;
  region: string;
  cardToken: string;
}

/** One poll of the document check: no `document` while FaceID is still processing. */
export interface CardPollResult {
  document?: DocumentResult;
  archived: ArchiveRef[];
  requestId: string;
}

/** Input of the media archiving activity: the claim file the fetching activity wrote. */
export interface ArchiveMediaInput {
  journeyId: string;
  mediaClaim: string;
  /** What the claim holds, so a retry can tell that everything is archived even after the claim is gone. */
  media: MediaDescriptor[];
}

/** Events the backend is told about (webhook body); ids, enums and reason codes only. */
export interface JourneyEvent {
  /** Unique per journey and event, so a backend can drop duplicates of a retried delivery. */
  id: string;
  type: 'journey.in_review' | 'journey.completed';
  journeyId: string;
  reference: string;
  flow: Flow;
  stage: Stage;
  outcome?: Outcome;
  reasons: string[];
  /** The decision policy version the journey is pinned to; null when it started without one (the first version's rules). */
  policyVersion: number | null;
  /** Whether the journey's own policy settings (the start body's `policy`) were applied over its version's rules. */
  policyOverridden: boolean;
  /** ISO timestamp. */
  occurredAt: string;
}

/** What a webhook delivery reports back. */
export interface WebhookDeliveryResult {
  delivered: boolean;
  /** HTTP status of the accepted attempt; absent when no webhook is configured. */
  status?: number;
}
