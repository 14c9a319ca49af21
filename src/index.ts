/**
 * The package's public surface for backends: the in-process client and its data converter (the payload codec), the
 * webhook verifier, and the plain-JSON types journeys, events and results travel as.
 */
export {
  EkycClient,
  JourneyClosedError,
  JourneyNotFoundError,
  JourneyNotReadyError,
  JourneyRunningError,
  WebReturnMismatchError,
  type EkycClientOptions,
  type StartedJourney,
  type StartJourneyOptions,
} from './client/ekyc-client';
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
