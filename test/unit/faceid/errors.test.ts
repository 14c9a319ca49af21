import {
  classifyTencentError,
  DEFAULT_TENCENT_ERROR_KIND,
  FACEID_ERROR_RETRYABLE,
  FaceIdError,
  type FaceIdErrorKind,
  isFaceIdError,
  TENCENT_ERROR_CODES,
} from '../../../src/faceid';

/**
 * Every code of the reference, transcribed independently of the source table: common codes (§2.6 and the newer
 * generic list), per-action business codes (§3, §5.6) and the PaaS codes (§5.2).
 */
const EXPECTED: Record<string, FaceIdErrorKind> = {
  'AuthFailure.InvalidAuthorization': 'FaceIdAuthFailure',
  'AuthFailure.InvalidSecretId': 'FaceIdAuthFailure',
  'AuthFailure.MFAFailure': 'FaceIdAuthFailure',
  'AuthFailure.SecretIdNotFound': 'FaceIdAuthFailure',
  'AuthFailure.SignatureExpire': 'FaceIdAuthFailure',
  'AuthFailure.SignatureFailure': 'FaceIdAuthFailure',
  'AuthFailure.TokenFailure': 'FaceIdAuthFailure',
  'AuthFailure.UnauthorizedOperation': 'FaceIdAuthFailure',
  UnauthorizedOperation: 'FaceIdAuthFailure',
  IpInBlacklist: 'FaceIdAuthFailure',
  IpNotInWhitelist: 'FaceIdAuthFailure',
  'InvalidParameterValue.BizTokenExpired': 'FaceIdTokenExpired',
  'InvalidParameterValue.BizTokenIllegal': 'FaceIdTokenInvalid',
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
  RequestSizeLimitExceeded: 'FaceIdInvalidRequest',
  UnsupportedOperation: 'FaceIdInvalidRequest',
  InvalidRequest: 'FaceIdInvalidRequest',
  DryRunOperation: 'FaceIdInvalidRequest',
  ResourceNotFound: 'FaceIdInvalidRequest',
  'FailedOperation.ImageSizeTooLarge': 'FaceIdInvalidRequest',
  'FailedOperation.CompareFail': 'FaceIdInvalidRequest',
  'FailedOperation.CompareLowSimilarity': 'FaceIdInvalidRequest',
  'FailedOperation.IdPhotoPoorQuality': 'FaceIdInvalidRequest',
  'FailedOperation.LifePhotoDetectFaces': 'FaceIdInvalidRequest',
  'FailedOperation.LifePhotoDetectFake': 'FaceIdInvalidRequest',
  'FailedOperation.LifePhotoDetectNoFaces': 'FaceIdInvalidRequest',
  'UnauthorizedOperation.ActivateError': 'FaceIdServiceUnavailable',
  'UnauthorizedOperation.Activating': 'FaceIdServiceUnavailable',
  'UnauthorizedOperation.Arrears': 'FaceIdServiceUnavailable',
  'UnauthorizedOperation.Nonactivated': 'FaceIdServiceUnavailable',
  'FailedOperation.UnOpenError': 'FaceIdServiceUnavailable',
  'ResourceUnavailable.InArrears': 'FaceIdServiceUnavailable',
  'ResourceUnavailable.ResourcePackageRunOut': 'FaceIdServiceUnavailable',
  OperationDenied: 'FaceIdOperationDenied',
  RequestLimitExceeded: 'FaceIdRateLimited',
  LimitExceeded: 'FaceIdServiceUnavailable',
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

const RETRYABLE: Record<FaceIdErrorKind, boolean> = {
  FaceIdAuthFailure: false,
  FaceIdTokenExpired: false,
  FaceIdTokenInvalid: false,
  FaceIdInvalidRequest: false,
  FaceIdServiceUnavailable: false,
  FaceIdOperationDenied: false,
  FaceIdRateLimited: true,
  FaceIdTransient: true,
  FaceIdMalformedResponse: true,
};

describe('failure kinds', () => {
  it('are the closed list of nine, each with its retryability', () => {
    expect(FACEID_ERROR_RETRYABLE).toEqual(RETRYABLE);
  });
});

describe('classifyTencentError', () => {
  it('maps exactly the codes of the reference, no more, no fewer', () => {
    expect(Object.keys(TENCENT_ERROR_CODES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s → %s', (code, kind) => {
    expect(classifyTencentError(code)).toBe(kind);
    const error = new FaceIdError({ kind: classifyTencentError(code), action: 'GetFaceIdResultIntl', code });
    expect(error.retryable).toBe(RETRYABLE[kind]);
  });

  it.each<[string, FaceIdErrorKind]>([
    ['AuthFailure.SomethingNew', 'FaceIdAuthFailure'],
    ['UnauthorizedOperation.SomethingNew', 'FaceIdAuthFailure'],
    ['InvalidParameter.SomethingNew', 'FaceIdInvalidRequest'],
    ['InvalidParameterValue.SomethingNew', 'FaceIdInvalidRequest'],
    ['MissingParameter.SomethingNew', 'FaceIdInvalidRequest'],
    ['UnknownParameter.SomethingNew', 'FaceIdInvalidRequest'],
    ['UnsupportedOperation.SomethingNew', 'FaceIdInvalidRequest'],
    ['ResourceNotFound.SomethingNew', 'FaceIdInvalidRequest'],
    ['OperationDenied.SomethingNew', 'FaceIdOperationDenied'],
    ['RequestLimitExceeded.SomethingNew', 'FaceIdRateLimited'],
    ['LimitExceeded.SomethingNew', 'FaceIdServiceUnavailable'],
    ['InternalError.SomethingNew', 'FaceIdTransient'],
    ['FailedOperation.SomethingNew', 'FaceIdTransient'],
    ['ResourceUnavailable.SomethingNew', 'FaceIdTransient'],
    ['ResourceInUse.SomethingNew', 'FaceIdTransient'],
    ['ResourceInsufficient.SomethingNew', 'FaceIdTransient'],
  ])('falls back by prefix: %s → %s', (code, kind) => {
    expect(TENCENT_ERROR_CODES).not.toHaveProperty([code]);
    expect(classifyTencentError(code)).toBe(kind);
  });

  it.each(['SomethingNew', 'Whatever.Else', 'constructor', '__proto__', 'toString', 'internalerror', ''])(
    'uses the retryable default for unknown code %p',
    (code) => {
      expect(DEFAULT_TENCENT_ERROR_KIND).toBe('FaceIdTransient');
      expect(classifyTencentError(code)).toBe('FaceIdTransient');
    },
  );
});

describe('FaceIdError', () => {
  it('names action, kind and code, and serialises to plain JSON', () => {
    const error = new FaceIdError({
      kind: 'FaceIdTokenExpired',
      action: 'GetWebVerificationResultIntl',
      code: 'InvalidParameterValue.BizTokenExpired',
      requestId: 'req-1',
    });
    expect(error.message).toBe(
      'FaceID GetWebVerificationResultIntl failed: FaceIdTokenExpired (InvalidParameterValue.BizTokenExpired)',
    );
    expect(error.name).toBe('FaceIdError');
    expect(error).toBeInstanceOf(Error);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      kind: 'FaceIdTokenExpired',
      retryable: false,
      action: 'GetWebVerificationResultIntl',
      code: 'InvalidParameterValue.BizTokenExpired',
      requestId: 'req-1',
      httpStatus: null,
      message: error.message,
    });
  });

  it('is recognised by shape across realms', () => {
    const error = new FaceIdError({ kind: 'FaceIdTransient', action: 'GetLivenessResult' });
    expect(isFaceIdError(error)).toBe(true);
    expect(isFaceIdError({ ...error.toJSON(), name: 'FaceIdError' })).toBe(true);
    expect(isFaceIdError(new Error('x'))).toBe(false);
    expect(isFaceIdError({ name: 'FaceIdError', kind: 'Nope' })).toBe(false);
    expect(isFaceIdError(null)).toBe(false);
  });
});
