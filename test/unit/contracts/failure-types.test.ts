import { FACEID_NON_RETRYABLE_TYPES, reasonFromFailureType } from '../../../src/contracts/failure-types';

describe('failure types', () => {
  it.each([
    ['FaceIdAuthFailure', 'faceid_auth_failure'],
    ['FaceIdTokenInvalid', 'faceid_token_invalid'],
    ['MediaIntegrityError', 'media_integrity_error'],
    ['ArchiveObjectMissing', 'archive_object_missing'],
  ])('%s becomes the reason code %s', (type, reason) => {
    expect(reasonFromFailureType(type)).toBe(reason);
  });

  it('never retries failures that FaceID would repeat, and retries quota and server problems', () => {
    expect([...FACEID_NON_RETRYABLE_TYPES].sort()).toEqual(
      [
        'FaceIdAuthFailure',
        'FaceIdInvalidRequest',
        'FaceIdOperationDenied',
        'FaceIdServiceUnavailable',
        'FaceIdTokenExpired',
        'FaceIdTokenInvalid',
      ].sort(),
    );
  });
});
