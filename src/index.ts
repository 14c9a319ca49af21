/**
 * The package's public surface for backends: the in-process client and its data converter (the payload codec), the
 * review, legal hold, retention and erasure services over it, the webhook verifier, and the plain-JSON types journeys,
 * events and results travel as.
 */
export {
  EkycClient,
  type EkycClientOptions,
  type StartedJourney,
  type StartJourneyOptions,
} from './client/ekyc-client';
export {
  JourneyClosedError,
  JourneyNotFoundError,
  JourneyNotReadyError,
  JourneyRunningError,
  WebReturnMismatchError,
} from './client/errors';
export { ReviewService, type ReviewServiceDeps } from './review/review-service';
export { LegalHoldService, type LegalHoldServiceDeps } from './retention/legal-hold-service';
export { LegalHoldInputError, type LegalHoldInput } from './retention/legal-hold-input';
export { RetentionService } from './retention/retention-service';
export { ErasureService, type ErasureServiceDeps } from './erasure/erasure-service';
export type { ErasureRecord, ErasureRequest } from './archive/erasure-record';
export { JourneyInputError, parseJourneyStart, type JourneyStart } from './client/journey-input';
export type { JourneyListFilter, JourneySummary } from './client/journey-list';
export type { ImageBytes } from './client/input-images';
export { clientSecretFor, clientSecretMatches } from './client/client-secret';
export {
  ArchiveDataKeys,
  DataKeyErasedError,
  dataConverterFor,
  KeyRing,
  KeyRingError,
  parseKeyRing,
  PayloadDecryptionError,
  UnknownCodecKeyError,
  type CodecKey,
  type JourneyDataKeys,
} from './codec';
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  signWebhook,
  verifyWebhook,
  WEBHOOK_ATTEMPT_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  type VerifyWebhookOptions,
  type WebhookRejection,
  type WebhookVerification,
} from './webhooks/signature';
export type {
  Flow,
  IssuedToken,
  JourneyEvent,
  JourneyInput,
  JourneyResult,
  JourneyStatus,
  Outcome,
  ReviewInput,
  Stage,
} from './workflows/types';
