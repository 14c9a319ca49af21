// Type-only imports here: the workflow bundle imports this file for FACEID_ERROR_RETRYABLE.
import type { FaceIdAction } from './actions';

/**
 * The closed list of ways a FaceID call can fail (activities use the kind as `ApplicationFailure.type`), with whether
 * retrying the same call can succeed. Configuration and input problems are final; quota, server and transport problems
 * are retried with backoff; a malformed response is retried too because the caller bounds retries.
 */
export const FACEID_ERROR_RETRYABLE = {
  FaceIdAuthFailure: false,
  FaceIdTokenExpired: false,
  FaceIdTokenInvalid: false,
  FaceIdInvalidRequest: false,
  FaceIdServiceUnavailable: false,
  FaceIdOperationDenied: false,
  FaceIdRateLimited: true,
  FaceIdTransient: true,
  FaceIdMalformedResponse: true,
} as const;

/** One way a FaceID call can fail. */
export type FaceIdErrorKind = keyof typeof FACEID_ERROR_RETRYABLE;

/**
 * Every Tencent error code the reference lists (common codes §2.6, per-action codes §3 and §5.6, the PaaS codes of
 * §5.2) with its failure kind. Codes are matched exactly (they are case-sensitive in the API).
 */
export const TENCENT_ERROR_CODES: Readonly<Record<string, FaceIdErrorKind>> = {
  // Credentials, signature, CAM and network ACLs: fixing them needs an operator.
  'AuthFailure.InvalidAuthorization': 'FaceIdAuthFailure',
  'AuthFailure.InvalidSecretId': 'FaceIdAuthFailure',
  'AuthFailure.MFAFailure': 'FaceIdAuthFailure',
  'AuthFailure.SecretIdNotFound': 'FaceIdAuthFailure',
  // Clock skew over 5 minutes; retrying with the same clock fails again.
  'AuthFailure.SignatureExpire': 'FaceIdAuthFailure',
  'AuthFailure.SignatureFailure': 'FaceIdAuthFailure',
  'AuthFailure.TokenFailure': 'FaceIdAuthFailure',
  'AuthFailure.UnauthorizedOperation': 'FaceIdAuthFailure',
  UnauthorizedOperation: 'FaceIdAuthFailure',
  IpInBlacklist: 'FaceIdAuthFailure',
  IpNotInWhitelist: 'FaceIdAuthFailure',

  // Tokens (SdkToken and BizToken alike).
  'InvalidParameterValue.BizTokenExpired': 'FaceIdTokenExpired',
  'InvalidParameterValue.BizTokenIllegal': 'FaceIdTokenInvalid',

  // The request itself is wrong: same request, same answer.
  InvalidParameter: 'FaceIdInvalidRequest',
  'InvalidParameter.EngineImageDecodeFailed': 'FaceIdInvalidRequest',
  InvalidParameterValue: 'FaceIdInvalidRequest',
  'InvalidParameterValue.InvalidFileContentSize': 'FaceIdInvalidRequest',
  'InvalidParameterValue.InvalidParameterValueLimit': 'FaceIdInvalidRequest',
  'InvalidParameterValue.RuleIdNotExist': 'FaceIdInvalidRequest',
  MissingParameter: 'FaceIdInvalidRequest',
  UnknownParameter: 'FaceIdInvalidRequest',
  InvalidAction: 'FaceIdInvalidRequest',
  ActionOffline: 'FaceIdInvalidRequest',
  NoSuchVersion: 'FaceIdInvalidRequest',
  UnsupportedRegion: 'FaceIdInvalidRequest',
  UnsupportedProtocol: 'FaceIdInvalidRequest',
  // API 3.0's body cap (1 MB for v1 form bodies, 10 MB for TC3): the same body can never succeed.
  RequestSizeLimitExceeded: 'FaceIdInvalidRequest',
  UnsupportedOperation: 'FaceIdInvalidRequest',
  InvalidRequest: 'FaceIdInvalidRequest',
  // A DryRun flag is never sent, so this answer means the request was not what we meant to send.
  DryRunOperation: 'FaceIdInvalidRequest',
  ResourceNotFound: 'FaceIdInvalidRequest',
  'FailedOperation.ImageSizeTooLarge': 'FaceIdInvalidRequest',
  // PaaS compare codes (§5.2): the submitted images are unusable.
  'FailedOperation.CompareFail': 'FaceIdInvalidRequest',
  'FailedOperation.CompareLowSimilarity': 'FaceIdInvalidRequest',
  'FailedOperation.IdPhotoPoorQuality': 'FaceIdInvalidRequest',
  'FailedOperation.LifePhotoDetectFaces': 'FaceIdInvalidRequest',
  'FailedOperation.LifePhotoDetectFake': 'FaceIdInvalidRequest',
  'FailedOperation.LifePhotoDetectNoFaces': 'FaceIdInvalidRequest',

  // The account cannot use the service until billing or activation is fixed.
  'UnauthorizedOperation.ActivateError': 'FaceIdServiceUnavailable',
  'UnauthorizedOperation.Activating': 'FaceIdServiceUnavailable',
  'UnauthorizedOperation.Arrears': 'FaceIdServiceUnavailable',
  'UnauthorizedOperation.Nonactivated': 'FaceIdServiceUnavailable',
  'FailedOperation.UnOpenError': 'FaceIdServiceUnavailable',
  'ResourceUnavailable.InArrears': 'FaceIdServiceUnavailable',
  'ResourceUnavailable.ResourcePackageRunOut': 'FaceIdServiceUnavailable',

  OperationDenied: 'FaceIdOperationDenied',

  RequestLimitExceeded: 'FaceIdRateLimited',
  // The account's usage quota ("quota exceeded", reference §5.1), not the per-second rate: it does not pass by
  // waiting a second, only when someone raises the quota or buys more.
  LimitExceeded: 'FaceIdServiceUnavailable',

  // Server-side or temporary conditions.
  InternalError: 'FaceIdTransient',
  'InternalError.UnKnown': 'FaceIdTransient',
  FailedOperation: 'FaceIdTransient',
  'FailedOperation.UnKnowError': 'FaceIdTransient',
  'FailedOperation.UnKnown': 'FaceIdTransient',
  'FailedOperation.DownLoadError': 'FaceIdTransient',
  'FailedOperation.LivessSystemError': 'FaceIdTransient',
  ResourceUnavailable: 'FaceIdTransient',
  'ResourceUnavailable.ImageDownloadError': 'FaceIdTransient',
  ResourceInUse: 'FaceIdTransient',
  ResourceInsufficient: 'FaceIdTransient',
};

/** Kind of an unlisted code, by the part before its first dot (`InternalError.Foo` → `InternalError`). */
const TENCENT_ERROR_PREFIXES: Readonly<Record<string, FaceIdErrorKind>> = {
  AuthFailure: 'FaceIdAuthFailure',
  UnauthorizedOperation: 'FaceIdAuthFailure',
  InvalidParameter: 'FaceIdInvalidRequest',
  InvalidParameterValue: 'FaceIdInvalidRequest',
  MissingParameter: 'FaceIdInvalidRequest',
  UnknownParameter: 'FaceIdInvalidRequest',
  UnsupportedOperation: 'FaceIdInvalidRequest',
  ResourceNotFound: 'FaceIdInvalidRequest',
  OperationDenied: 'FaceIdOperationDenied',
  RequestLimitExceeded: 'FaceIdRateLimited',
  LimitExceeded: 'FaceIdServiceUnavailable',
  InternalError: 'FaceIdTransient',
  FailedOperation: 'FaceIdTransient',
  ResourceUnavailable: 'FaceIdTransient',
  ResourceInUse: 'FaceIdTransient',
  ResourceInsufficient: 'FaceIdTransient',
};

/**
 * Kind of a code matching neither table. Retryable on purpose: an unknown code more likely reflects a new server-side
 * condition than a bad request, the activity retry policy bounds the attempts, and the code stays on the error.
 */
export const DEFAULT_TENCENT_ERROR_KIND: FaceIdErrorKind = 'FaceIdTransient';

/** Maps a Tencent `Response.Error.Code` to a failure kind: exact table, then prefix, then the default. */
export function classifyTencentError(code: string): FaceIdErrorKind {
  if (Object.hasOwn(TENCENT_ERROR_CODES, code)) return TENCENT_ERROR_CODES[code] as FaceIdErrorKind;
  const prefix = code.split('.', 1)[0] ?? '';
  if (Object.hasOwn(TENCENT_ERROR_PREFIXES, prefix)) return TENCENT_ERROR_PREFIXES[prefix] as FaceIdErrorKind;
  return DEFAULT_TENCENT_ERROR_KIND;
}

/** What a {@link FaceIdError} is built from. */
export interface FaceIdErrorInit {
  kind: FaceIdErrorKind;
  action: FaceIdAction;
  /** Tencent's `Response.Error.Code`, when the service answered with an error envelope. */
  code?: string | undefined;
  /** Tencent's `RequestId`, when the service handled the request. */
  requestId?: string | undefined;
  /** HTTP status when it was not 200. */
  httpStatus?: number | undefined;
  /** A short fixed phrase or list of field names composed by this module; never response text or field values. */
  detail?: string | undefined;
}

/**
 * A failed FaceID call, classified. Its message names only the action, kind, code and a fixed detail, never the
 * response body, Tencent's message text, request fields, images, tokens or credentials, so it is safe to log.
 */
export class FaceIdError extends Error {
  override readonly name = 'FaceIdError';
  /** How the call failed. */
  readonly kind: FaceIdErrorKind;
  /** Whether the same call may succeed if retried. */
  readonly retryable: boolean;
  /** The action that was called. */
  readonly action: FaceIdAction;
  /** Tencent's error code, if the service returned one. */
  readonly code: string | undefined;
  /** Tencent's request id, if the service handled the request. */
  readonly requestId: string | undefined;
  /** HTTP status, if it was not 200. */
  readonly httpStatus: number | undefined;

  constructor(init: FaceIdErrorInit) {
    const parts = [init.code, init.detail].filter((part): part is string => Boolean(part));
    super(`FaceID ${init.action} failed: ${init.kind}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`);
    this.kind = init.kind;
    this.retryable = FACEID_ERROR_RETRYABLE[init.kind];
    this.action = init.action;
    this.code = init.code;
    this.requestId = init.requestId;
    this.httpStatus = init.httpStatus;
  }

  /** Plain-JSON details for `ApplicationFailure.details` and structured logs. */
  toJSON() {
    return {
      kind: this.kind,
      retryable: this.retryable,
      action: this.action,
      code: this.code ?? null,
      requestId: this.requestId ?? null,
      httpStatus: this.httpStatus ?? null,
      message: this.message,
    };
  }
}

/** Whether `error` is a {@link FaceIdError}; checks the shape, since `instanceof` fails across jest or VM realms. */
export function isFaceIdError(error: unknown): error is FaceIdError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as Partial<FaceIdError>;
  return (
    candidate.name === 'FaceIdError' &&
    typeof candidate.kind === 'string' &&
    Object.hasOwn(FACEID_ERROR_RETRYABLE, candidate.kind)
  );
}
