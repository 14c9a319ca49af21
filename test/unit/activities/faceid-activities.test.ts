import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createFaceIdActivities } from '../../../src/activities/faceid-activities';
import { faceIdActivityName } from '../../../src/contracts/task-queues';
import { FACEID_ACTION_NAMES, type FaceIdAction } from '../../../src/faceid/actions';
import type { FaceIdApi } from '../../../src/faceid/client';
import { FaceIdError } from '../../../src/faceid/errors';
import { FilesystemStore } from '../../../src/store/filesystem-store';

const REGION = 'ap-singapore';
const IMAGE = Buffer.from('synthetic compare image');

/** A FaceID that answers each action from `answers` (or throws what it holds) and records every request. */
function fakeFaceId(answers: Partial<Record<FaceIdAction, unknown>>) {
  const calls: { action: FaceIdAction; region: string; request: unknown }[] = [];
  const faceid = {
    call: (action: FaceIdAction, region: string, request: unknown) => {
      calls.push({ action, region, request });
      const answer = answers[action];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as FaceIdApi;
  return { faceid, calls };
}

describe('FaceID activities', () => {
  let root: string;
  let archive: FilesystemStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ekyc-faceid-activities-'));
    archive = new FilesystemStore(root);
    await archive.put('inputs/compare.jpg', Readable.from([IMAGE]), { contentType: 'image/jpeg' });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('are one activity per FaceID action, named after it', () => {
    const { faceid } = fakeFaceId({});
    const activities = createFaceIdActivities({ faceid, archive });
    expect(Object.keys(activities).sort()).toEqual(FACEID_ACTION_NAMES.map(faceIdActivityName).sort());
  });

  it('send a token request with the stored compare image and the journey tag, leaving warnings to the policy', async () => {
    const { faceid, calls } = fakeFaceId({ ApplySdkVerificationToken: { SdkToken: 'sdk-1', RequestId: 'req-1' } });
    const { applySdkVerificationToken } = createFaceIdActivities({ faceid, archive });
    const grant = await applySdkVerificationToken({
      journeyId: 'ekyc:j1',
      region: REGION,
      flow: 'ekyc',
      ekyc: { CheckMode: 2 },
      compareImage: { key: 'inputs/compare.jpg' },
      extra: 'tag-1',
    });
    expect(grant).toEqual({ token: 'sdk-1', requestId: 'req-1' });
    expect(calls).toEqual([
      {
        action: 'ApplySdkVerificationToken',
        region: REGION,
        request: {
          CheckMode: 2,
          DisableCheckOcrWarnings: true,
          Extra: 'tag-1',
          CompareImage: IMAGE.toString('base64'),
        },
      },
    ]);
  });

  it('send the warning checks the backend chose as it chose them', async () => {
    const { faceid, calls } = fakeFaceId({
      ApplyWebVerificationBizTokenIntl: { BizToken: 'biz-1', VerificationURL: 'https://verify.test/1', RequestId: 'r' },
    });
    const { applyWebVerificationBizTokenIntl } = createFaceIdActivities({ faceid, archive });
    const grant = await applyWebVerificationBizTokenIntl({
      journeyId: 'ekyc:j2',
      region: REGION,
      flow: 'web',
      web: { RedirectURL: 'https://backend.test/done', Config: { SelectedWarningCodes: '-9101' } },
    });
    expect(grant).toEqual({ token: 'biz-1', verificationUrl: 'https://verify.test/1', requestId: 'r' });
    expect(calls[0]?.request).toEqual({
      RedirectURL: 'https://backend.test/done',
      Config: { SelectedWarningCodes: '-9101' },
    });
  });

  it('refuse a compare without a compare image before calling FaceID', async () => {
    const { faceid, calls } = fakeFaceId({});
    const { getFaceIdTokenIntl } = createFaceIdActivities({ faceid, archive });
    await expect(
      getFaceIdTokenIntl({ journeyId: 'ekyc:j3', region: REGION, flow: 'selfie', selfie: { CheckMode: 'compare' } }),
    ).rejects.toMatchObject({ type: 'FaceIdInvalidRequest', nonRetryable: true });
    expect(calls).toEqual([]);
  });

  it('type a FaceID failure by its kind, with Tencent code and RequestId in the details', async () => {
    const expired = new FaceIdError({
      kind: 'FaceIdTokenExpired',
      action: 'GetLivenessResult',
      code: 'InvalidParameterValue.BizTokenExpired',
      requestId: 'req-9',
    });
    const { faceid } = fakeFaceId({ GetLivenessResult: expired });
    const { getLivenessResult } = createFaceIdActivities({ faceid, archive });
    await expect(
      getLivenessResult({ journeyId: 'ekyc:j4', region: REGION, flow: 'liveness', token: 't', compareExpected: false }),
    ).rejects.toMatchObject({
      type: 'FaceIdTokenExpired',
      nonRetryable: true,
      details: [{ action: 'GetLivenessResult', code: 'InvalidParameterValue.BizTokenExpired', requestId: 'req-9' }],
    });
  });

  it("take FaceID's own polling hints when the document check's answer omits them", async () => {
    const { faceid } = fakeFaceId({ ApplyCardVerification: { CardVerificationToken: 'card-1', RequestId: 'r' } });
    const { applyCardVerification } = createFaceIdActivities({ faceid, archive });
    const grant = await applyCardVerification({
      journeyId: 'ekyc:j5',
      region: REGION,
      document: { nationality: 'SGP', cardType: 'ID_CARD', front: { key: 'inputs/compare.jpg' } },
    });
    expect(grant).toEqual({ cardToken: 'card-1', maxPolls: 10, pollWaitSeconds: 3, requestId: 'r' });
  });
});
