import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../../../src/faceid/sandbox-endpoint';
import { eventually } from '../../support/eventually';
import { errorCode, faceidClients } from '../emulator/sdk';
import {
  FACEID_ACTION_NAMES,
  FACEID_ACTIONS,
  type FaceIdAction,
  type FaceIdClient,
  type FaceIdRequest,
  type FaceIdSignMethod,
} from '../../../src/faceid';
import {
  JPEG_BASE64,
  REGION,
  UUID,
  anyOf,
  callUnchecked,
  download,
  expectEnvelopeError,
  expectSafe,
  faceIdClient,
  failure,
  fileInfos,
  matching,
  md5,
  totalCalls,
} from './harness';

// How the project's FaceIdClient fails against the sandbox: injected faults, authentication, regions, request
// validation (local and remote) and token errors, each classified into the right kind with nothing sensitive in it.

const SECOND_ACCOUNT = {
  secretId: 'AKIDcontractSecondAccount0000000000',
  secretKey: 'contractSecondAccountKeyNeverLog',
};
const UNKNOWN_TOKEN = 'C0FFEE00-1111-4222-8333-SENSITIVE0001';

let emulator: RunningEmulator;
let faceid: FaceIdClient;
type Requests = { [A in FaceIdAction]: FaceIdRequest<A> };
/** One valid request per action; the result actions carry real, unfinished tokens of the sandbox account. */
let requests: Requests;
let tokens: string[];

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    rateLimitPerSecond: 10_000,
    keys: [{ secretId: SANDBOX_SECRET_ID, secretKey: SANDBOX_SECRET_KEY }, SECOND_ACCOUNT],
  });
  faceid = faceIdClient(emulator);
  const legacyRequest = {
    RedirectUrl: 'https://backend.example/legacy',
    CompareImageUrl: 'https://bucket.cos.ap-singapore.myqcloud.com/face.jpg',
    CompareImageMd5: '0123456789abcdef0123456789abcdef',
  };
  const cardRequest = {
    Nationality: 'IDN',
    CardType: 'ID_CARD',
    ImageUrlFront: 'https://cdn.example/front.jpg',
  } as const;
  const selfie = await faceid.getFaceIdTokenIntl(REGION, {});
  const ekyc = await faceid.applySdkVerificationToken(REGION, { CheckMode: 3 });
  const liveness = await faceid.applyLivenessToken(REGION, {});
  const web = await faceid.applyWebVerificationBizTokenIntl(REGION, { RedirectURL: 'https://backend.example/cb' });
  const legacy = await faceid.applyWebVerificationToken(REGION, legacyRequest);
  const card = await faceid.applyCardVerification(REGION, cardRequest);
  requests = {
    GetFaceIdTokenIntl: { CheckMode: 'liveness' },
    GetFaceIdResultIntl: { SdkToken: selfie.SdkToken },
    ApplySdkVerificationToken: { CheckMode: 3 },
    GetSdkVerificationResult: { SdkToken: ekyc.SdkToken },
    ApplyLivenessToken: {},
    GetLivenessResult: { SdkToken: liveness.SdkToken },
    ApplyWebVerificationBizTokenIntl: { RedirectURL: 'https://backend.example/cb' },
    GetWebVerificationResultIntl: { BizToken: web.BizToken },
    ApplyWebVerificationToken: legacyRequest,
    GetWebVerificationResult: { BizToken: legacy.BizToken },
    ApplyCardVerification: cardRequest,
    GetCardVerificationResult: { CardVerificationToken: card.CardVerificationToken },
  };
  tokens = [
    selfie.SdkToken,
    ekyc.SdkToken,
    liveness.SdkToken,
    web.BizToken,
    legacy.BizToken,
    card.CardVerificationToken,
  ];
});
afterAll(() => emulator.close());
afterEach(() => emulator.sandbox.clearFaults());

function callAction(client: FaceIdClient, action: FaceIdAction, region = REGION) {
  return client.call(action, region, requests[action]);
}

async function finishedToken(flow: 'ekyc' | 'liveness' | 'web-legacy'): Promise<string> {
  const token =
    flow === 'ekyc'
      ? (await faceid.applySdkVerificationToken(REGION, { CheckMode: 1 })).SdkToken
      : flow === 'liveness'
        ? (await faceid.applyLivenessToken(REGION, {})).SdkToken
        : (await faceid.applyWebVerificationToken(REGION, requests.ApplyWebVerificationToken)).BizToken;
  await emulator.sandbox.complete(token, 'pass');
  return token;
}

describe('business errors the sandbox can answer with (error_code faults)', () => {
  const expected: Record<string, { kind: string; retryable: boolean }> = {
    OperationDenied: { kind: 'FaceIdOperationDenied', retryable: false },
    UnauthorizedOperation: { kind: 'FaceIdAuthFailure', retryable: false },
    'UnauthorizedOperation.Arrears': { kind: 'FaceIdServiceUnavailable', retryable: false },
    'UnauthorizedOperation.Nonactivated': { kind: 'FaceIdServiceUnavailable', retryable: false },
    'UnauthorizedOperation.ActivateError': { kind: 'FaceIdServiceUnavailable', retryable: false },
    'UnauthorizedOperation.Activating': { kind: 'FaceIdServiceUnavailable', retryable: false },
    ResourceUnavailable: { kind: 'FaceIdTransient', retryable: true },
    'ResourceUnavailable.InArrears': { kind: 'FaceIdServiceUnavailable', retryable: false },
    'ResourceUnavailable.ResourcePackageRunOut': { kind: 'FaceIdServiceUnavailable', retryable: false },
    'FailedOperation.UnKnowError': { kind: 'FaceIdTransient', retryable: true },
    'FailedOperation.UnOpenError': { kind: 'FaceIdServiceUnavailable', retryable: false },
    'InvalidParameterValue.RuleIdNotExist': { kind: 'FaceIdInvalidRequest', retryable: false },
    LimitExceeded: { kind: 'FaceIdServiceUnavailable', retryable: false },
    'InternalError.UnKnown': { kind: 'FaceIdTransient', retryable: true },
  };

  it.each(Object.entries(expected))('%s → %o', async (code, { kind, retryable }) => {
    await emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'error_code', code, count: 1 });
    const error = await failure(faceIdClient(emulator).applyLivenessToken(REGION, {}));
    expect(error).toMatchObject({ kind, code, retryable, action: 'ApplyLivenessToken' });
  });

  it('refuses an error_code fault without a documented code', async () => {
    await expect(
      emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'error_code', code: 'Made.Up' }),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe.each<FaceIdSignMethod>(['TC3-HMAC-SHA256', 'HmacSHA256'])('envelope faults, signed with %s', (signMethod) => {
  it.each(FACEID_ACTION_NAMES)(
    '%s: InternalError → retryable FaceIdTransient, RequestLimitExceeded → FaceIdRateLimited, then it works',
    async (action) => {
      const client = faceIdClient(emulator, { signMethod });
      await emulator.sandbox.injectFault({ action, fault: 'InternalError', count: 1 });
      await emulator.sandbox.injectFault({ action, fault: 'RequestLimitExceeded', count: 1 });
      const internal = await failure(callAction(client, action));
      expectEnvelopeError(
        internal,
        { action, kind: 'FaceIdTransient', code: 'InternalError', retryable: true },
        ...tokens,
      );
      const limited = await failure(callAction(client, action));
      expectEnvelopeError(
        limited,
        { action, kind: 'FaceIdRateLimited', code: 'RequestLimitExceeded', retryable: true },
        ...tokens,
      );
      expect(limited.requestId).not.toBe(internal.requestId);
      expect(await callAction(client, action)).toMatchObject({ RequestId: matching(UUID) });
    },
  );
});

describe('transport faults', () => {
  it('latency beyond the client timeout → retryable FaceIdTransient (timeout) without waiting for the answer', async () => {
    const impatient = faceIdClient(emulator, { timeoutSeconds: 0.4 });
    await emulator.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'latency', latencyMs: 1500, count: 1 });
    // A timeout, not the answer: had the client waited for the answer, the call would have succeeded.
    const error = await failure(callAction(impatient, 'GetLivenessResult'));
    expect(error).toMatchObject({
      kind: 'FaceIdTransient',
      retryable: true,
      code: undefined,
      requestId: undefined,
      httpStatus: undefined,
    });
    expect(error.message).toBe('FaceID GetLivenessResult failed: FaceIdTransient (timeout)');
    expectSafe(error, ...tokens);
    expect(await callAction(impatient, 'GetLivenessResult')).toMatchObject({ Result: '-999' });
  });

  it('latency within the client timeout only delays the answer', async () => {
    const callsSoFar = async () => (await emulator.sandbox.stats()).actions.GetLivenessResult?.calls ?? 0;
    const before = await callsSoFar();
    // Far longer than one local call (and well inside the client's 10 s timeout): the held answer comes last.
    await emulator.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'latency', latencyMs: 3_000, count: 1 });
    let heldAnswered = false;
    const held = callAction(faceid, 'GetLivenessResult').then((answer) => {
      heldAnswered = true;
      return answer;
    });
    await eventually(async () => expect(await callsSoFar()).toBe(before + 1), {
      what: 'the held call at the emulator',
      intervalMs: 20,
    });
    expect(await callAction(faceid, 'GetLivenessResult')).toMatchObject({ Result: '-999' });
    expect(heldAnswered).toBe(false);
    expect(await held).toMatchObject({ Result: '-999' });
  });

  it('connection_reset → retryable FaceIdTransient (connection failed)', async () => {
    await emulator.sandbox.injectFault({
      action: 'ApplyWebVerificationBizTokenIntl',
      fault: 'connection_reset',
      count: 1,
    });
    const error = await failure(callAction(faceid, 'ApplyWebVerificationBizTokenIntl'));
    expect(error).toMatchObject({
      kind: 'FaceIdTransient',
      retryable: true,
      code: undefined,
      requestId: undefined,
      httpStatus: undefined,
    });
    expect(error.message).toBe('FaceID ApplyWebVerificationBizTokenIntl failed: FaceIdTransient (connection failed)');
    expectSafe(error, emulator.endpoint, 'ECONNRESET', 'socket hang up');
    expect(await callAction(faceid, 'ApplyWebVerificationBizTokenIntl')).toMatchObject({
      BizToken: anyOf(String),
    });
  });

  it('malformed_json → retryable FaceIdMalformedResponse that quotes nothing of the body', async () => {
    await emulator.sandbox.injectFault({ action: 'GetSdkVerificationResult', fault: 'malformed_json', count: 1 });
    const error = await failure(callAction(faceid, 'GetSdkVerificationResult'));
    expect(error).toMatchObject({
      kind: 'FaceIdMalformedResponse',
      retryable: true,
      code: undefined,
      requestId: undefined,
      httpStatus: undefined,
    });
    expect(error.message).toBe('FaceID GetSdkVerificationResult failed: FaceIdMalformedResponse (invalid JSON)');
    expectSafe(error, ...tokens, '{"Response"', '"Err', 'Unexpected end');
  });

  it.each<[number | undefined, number]>([
    [undefined, 502],
    [503, 503],
    [500, 500],
  ])('http_5xx (status %p) → retryable FaceIdTransient with httpStatus %i', async (status, expected) => {
    await emulator.sandbox.injectFault({
      action: 'GetCardVerificationResult',
      fault: 'http_5xx',
      count: 1,
      ...(status === undefined ? {} : { status }),
    });
    const error = await failure(callAction(faceid, 'GetCardVerificationResult'));
    expect(error).toMatchObject({
      kind: 'FaceIdTransient',
      retryable: true,
      code: undefined,
      requestId: undefined,
      httpStatus: expected,
    });
    expect(error.message).toBe(`FaceID GetCardVerificationResult failed: FaceIdTransient (HTTP ${expected})`);
    expectSafe(error, ...tokens, '<html>', 'sandbox fault injection');
  });
});

describe('media faults, seen through the parsed DTO', () => {
  it.each<['ekyc' | 'liveness', FaceIdAction, number]>([
    ['liveness', 'GetLivenessResult', 2],
    ['ekyc', 'GetSdkVerificationResult', 7],
  ])(
    '%s: corrupt_media serves same-size bytes whose MD5 differs; the next call serves clean ones',
    async (flow, action, count) => {
      const token = await finishedToken(flow);
      const read = () =>
        flow === 'ekyc'
          ? faceid.getSdkVerificationResult(REGION, { SdkToken: token })
          : faceid.getLivenessResult(REGION, { SdkToken: token });
      await emulator.sandbox.injectFault({ action, fault: 'corrupt_media', count: 1 });
      const corrupt = fileInfos(await read());
      expect(corrupt).toHaveLength(count);
      for (const info of corrupt) {
        const { status, body } = await download(info.Url);
        expect(status).toBe(200);
        expect(body.length).toBe(info.Size);
        expect(md5(body)).not.toBe(info.MD5);
      }
      const clean = fileInfos(await read());
      expect(clean.map((info) => info.MD5)).toEqual(corrupt.map((info) => info.MD5));
      for (const info of clean) expect(md5((await download(info.Url)).body)).toBe(info.MD5);
    },
  );

  it('legacy web: corrupt_media makes the video differ from VideoMd5', async () => {
    const token = await finishedToken('web-legacy');
    await emulator.sandbox.injectFault({ action: 'GetWebVerificationResult', fault: 'corrupt_media', count: 1 });
    const result = await faceid.getWebVerificationResult(REGION, { BizToken: token });
    const video = await download(result.VideoUrl!);
    expect(video.status).toBe(200);
    expect(md5(video.body)).not.toBe(result.VideoMd5);
  });

  it.each<['ekyc' | 'liveness' | 'web-legacy', FaceIdAction]>([
    ['liveness', 'GetLivenessResult'],
    ['ekyc', 'GetSdkVerificationResult'],
    ['web-legacy', 'GetWebVerificationResult'],
  ])('%s: expired_media hands out URLs that answer 403 AccessDenied; the next call works', async (flow, action) => {
    const token = await finishedToken(flow);
    const read = async (): Promise<string[]> => {
      if (flow === 'ekyc')
        return fileInfos(await faceid.getSdkVerificationResult(REGION, { SdkToken: token })).map((i) => i.Url);
      if (flow === 'liveness')
        return fileInfos(await faceid.getLivenessResult(REGION, { SdkToken: token })).map((i) => i.Url);
      const legacy = await faceid.getWebVerificationResult(REGION, { BizToken: token });
      return [legacy.VideoUrl!, legacy.VideoBestFrameUrl!];
    };
    await emulator.sandbox.injectFault({ action, fault: 'expired_media', count: 1 });
    const expired = await read();
    expect(expired.length).toBeGreaterThanOrEqual(2);
    for (const url of expired) {
      const { status, body } = await download(url);
      expect(status).toBe(403);
      expect(body.toString('utf8')).toContain('<Code>AccessDenied</Code>');
    }
    for (const url of await read()) expect((await download(url, 'HEAD')).status).toBe(200);
  });
});

describe('authentication', () => {
  it.each<FaceIdSignMethod>(['TC3-HMAC-SHA256', 'HmacSHA256', 'HmacSHA1'])(
    'a wrong secret key (%s) → FaceIdAuthFailure AuthFailure.SignatureFailure, not retryable',
    async (signMethod) => {
      const wrongKey = 'wrongSecretKeyThatMustNotBeLogged';
      const before = (await emulator.sandbox.stats()).actions.ApplyLivenessToken?.calls ?? 0;
      const error = await failure(
        faceIdClient(emulator, { signMethod, secretKey: wrongKey }).applyLivenessToken(REGION, {}),
      );
      expectEnvelopeError(
        error,
        {
          action: 'ApplyLivenessToken',
          kind: 'FaceIdAuthFailure',
          code: 'AuthFailure.SignatureFailure',
          retryable: false,
        },
        wrongKey,
      );
      // It was the emulator that refused the signature, not the client.
      expect((await emulator.sandbox.stats()).actions.ApplyLivenessToken?.calls).toBe(before + 1);
    },
  );

  it.each<FaceIdSignMethod>(['TC3-HMAC-SHA256', 'HmacSHA256', 'HmacSHA1'])(
    'an unknown SecretId (%s) → FaceIdAuthFailure AuthFailure.SecretIdNotFound',
    async (signMethod) => {
      const error = await failure(
        faceIdClient(emulator, { signMethod, secretId: 'AKIDunknownContractTest000000000000' }).getFaceIdResultIntl(
          REGION,
          requests.GetFaceIdResultIntl,
        ),
      );
      expectEnvelopeError(
        error,
        {
          action: 'GetFaceIdResultIntl',
          kind: 'FaceIdAuthFailure',
          code: 'AuthFailure.SecretIdNotFound',
          retryable: false,
        },
        ...tokens,
      );
    },
  );

  it("a second account's keys work, but its result calls cannot read the first account's tokens", async () => {
    const second = faceIdClient(emulator, SECOND_ACCOUNT);
    const own = await second.applyLivenessToken(REGION, {});
    expect(await second.getLivenessResult(REGION, { SdkToken: own.SdkToken })).toMatchObject({ Result: '-999' });
    const error = await failure(second.getLivenessResult(REGION, requests.GetLivenessResult));
    expectEnvelopeError(
      error,
      {
        action: 'GetLivenessResult',
        kind: 'FaceIdTokenInvalid',
        code: 'InvalidParameterValue.BizTokenIllegal',
        retryable: false,
      },
      SECOND_ACCOUNT.secretKey,
      ...tokens,
    );
  });
});

const FIVE = 'ap-bangkok, ap-hongkong, ap-jakarta, ap-singapore, sa-saopaulo';
const HK_JKT_SG = 'ap-hongkong, ap-jakarta, ap-singapore';
const JKT_SG = 'ap-jakarta, ap-singapore';

describe('regions', () => {
  it.each<[FaceIdAction, string, string, string]>([
    ['ApplyLivenessToken', 'ap-bangkok', 'ap-bangkok', HK_JKT_SG],
    ['GetLivenessResult', 'sa-saopaulo', 'sa-saopaulo', HK_JKT_SG],
    ['ApplyWebVerificationToken', 'ap-hongkong', 'ap-hongkong', JKT_SG],
    ['GetWebVerificationResult', 'ap-bangkok', 'ap-bangkok', JKT_SG],
    ['ApplyCardVerification', 'sa-saopaulo', 'sa-saopaulo', HK_JKT_SG],
    ['GetCardVerificationResult', 'ap-bangkok', 'ap-bangkok', HK_JKT_SG],
    ['GetFaceIdTokenIntl', 'ap-guangzhou', 'ap-guangzhou', FIVE],
    ['GetSdkVerificationResult', 'eu-frankfurt', 'eu-frankfurt', FIVE],
    ['ApplyWebVerificationBizTokenIntl', '', 'unrecognised region', FIVE],
    ['GetFaceIdResultIntl', 'AP-SINGAPORE', 'unrecognised region', FIVE],
  ])(
    '%s in %p is refused locally with FaceIdInvalidRequest; the emulator sees no call',
    async (action, region, shown, allowed) => {
      const before = await totalCalls(emulator);
      const error = await failure(callAction(faceid, action, region));
      expect(error).toMatchObject({
        kind: 'FaceIdInvalidRequest',
        retryable: false,
        code: undefined,
        requestId: undefined,
      });
      expect(error.message).toBe(
        `FaceID ${action} failed: FaceIdInvalidRequest (${shown} not allowed; allowed: ${allowed})`,
      );
      expectSafe(error, ...tokens);
      expect(await totalCalls(emulator)).toBe(before);
    },
  );

  // The client's region table and the emulator's are the same, so no region reaches the emulator's UnsupportedRegion
  // through the client; this pins that agreement action by action.
  it.each<[string, FaceIdAction, FaceIdAction, (region: string) => Promise<{ RequestId: string }>]>([
    [
      'selfie',
      'GetFaceIdTokenIntl',
      'GetFaceIdResultIntl',
      async (region) => {
        const { SdkToken } = await faceid.getFaceIdTokenIntl(region, {});
        return faceid.getFaceIdResultIntl(region, { SdkToken });
      },
    ],
    [
      'ekyc',
      'ApplySdkVerificationToken',
      'GetSdkVerificationResult',
      async (region) => {
        const { SdkToken } = await faceid.applySdkVerificationToken(region, {});
        return faceid.getSdkVerificationResult(region, { SdkToken });
      },
    ],
    [
      'liveness',
      'ApplyLivenessToken',
      'GetLivenessResult',
      async (region) => {
        const { SdkToken } = await faceid.applyLivenessToken(region, {});
        return faceid.getLivenessResult(region, { SdkToken });
      },
    ],
    [
      'web',
      'ApplyWebVerificationBizTokenIntl',
      'GetWebVerificationResultIntl',
      async (region) => {
        const { BizToken } = await faceid.applyWebVerificationBizTokenIntl(
          region,
          requests.ApplyWebVerificationBizTokenIntl,
        );
        return faceid.getWebVerificationResultIntl(region, { BizToken });
      },
    ],
    [
      'web-legacy',
      'ApplyWebVerificationToken',
      'GetWebVerificationResult',
      async (region) => {
        const { BizToken } = await faceid.applyWebVerificationToken(region, requests.ApplyWebVerificationToken);
        return faceid.getWebVerificationResult(region, { BizToken });
      },
    ],
    [
      'document',
      'ApplyCardVerification',
      'GetCardVerificationResult',
      async (region) => {
        const { CardVerificationToken } = await faceid.applyCardVerification(region, requests.ApplyCardVerification);
        return faceid.getCardVerificationResult(region, { CardVerificationToken });
      },
    ],
  ])('%s: the emulator serves both actions in every region the client allows', async (_flow, issue, result, run) => {
    const regions = FACEID_ACTIONS[issue].regions;
    expect(FACEID_ACTIONS[result].regions).toEqual(regions);
    for (const region of regions) expect((await run(region)).RequestId).toMatch(UUID);
  });

  it('a token is bound to the region it was issued in: elsewhere it is FaceIdTokenInvalid', async () => {
    const { SdkToken } = await faceid.getFaceIdTokenIntl('ap-jakarta', {});
    const error = await failure(faceid.getFaceIdResultIntl('ap-singapore', { SdkToken }));
    expectEnvelopeError(
      error,
      {
        action: 'GetFaceIdResultIntl',
        kind: 'FaceIdTokenInvalid',
        code: 'InvalidParameterValue.BizTokenIllegal',
        retryable: false,
      },
      SdkToken,
    );
  });
});

describe('request validation', () => {
  const secretRef = 'https://backend.example/cb?ref=secret-journey-ref-42';
  // The client has no path around its schemas (call validates too), so missing parameters never reach the network.
  it.each<[FaceIdAction, unknown, string]>([
    ['GetFaceIdResultIntl', {}, 'SdkToken invalid_type'],
    ['GetFaceIdTokenIntl', { CheckMode: 'compare', Extra: secretRef }, 'Image custom'],
    ['ApplySdkVerificationToken', { CheckMode: 2, Extra: secretRef }, 'CompareImage custom'],
    ['ApplyWebVerificationBizTokenIntl', { Extra: secretRef }, 'RedirectURL invalid_type'],
    [
      'ApplyWebVerificationToken',
      { RedirectUrl: secretRef, CompareImageUrl: 'https://b.example/face.jpg' },
      'CompareImageMd5 invalid_type',
    ],
    ['ApplyCardVerification', { CardType: 'ID_CARD', ImageUrlFront: secretRef }, 'Nationality invalid_value'],
    ['ApplyCardVerification', { Nationality: 'IDN', CardType: 'ID_CARD' }, 'ImageBase64Front custom'],
    // Outside the documented list (reference §4.1), so FaceID would only answer InvalidParameterValue.
    [
      'ApplyCardVerification',
      { Nationality: 'FRA', CardType: 'ID_CARD', ImageUrlFront: secretRef },
      'Nationality invalid_value',
    ],
    ['GetCardVerificationResult', { CardVerificationToken: '' }, 'CardVerificationToken too_small'],
    ['GetLivenessResult', { SdkToken: UNKNOWN_TOKEN, Extra: secretRef }, '(root) unrecognized_keys Extra'],
  ])(
    '%s %j is refused locally: FaceIdInvalidRequest naming the field, no call sent',
    async (action, request, detail) => {
      const before = await totalCalls(emulator);
      const error = await failure(callUnchecked(faceid, action, REGION, request));
      expect(error).toMatchObject({
        kind: 'FaceIdInvalidRequest',
        retryable: false,
        code: undefined,
        requestId: undefined,
      });
      expect(error.message).toBe(`FaceID ${action} failed: FaceIdInvalidRequest (request: ${detail})`);
      expectSafe(error, secretRef, 'secret-journey-ref-42', UNKNOWN_TOKEN);
      expect(await totalCalls(emulator)).toBe(before);
    },
  );

  it.each<[string, FaceIdAction, () => Promise<unknown>, string, string]>([
    [
      'a front image that is neither PNG nor JPEG',
      'ApplyCardVerification',
      () =>
        faceid.applyCardVerification(REGION, {
          Nationality: 'IDN',
          CardType: 'ID_CARD',
          ImageBase64Front: Buffer.from('GIF89a-not-an-id-card').toString('base64'),
        }),
      'InvalidParameter.EngineImageDecodeFailed',
      'R0lGODlh',
    ],
  ])(
    '%s passes local validation and is refused by the emulator as FaceIdInvalidRequest',
    async (_name, action, call, code, value) => {
      const error = await failure(call());
      expectEnvelopeError(error, { action, kind: 'FaceIdInvalidRequest', code, retryable: false }, value);
    },
  );

  it('a selfie compare Image over 5 MB of Base64 is refused locally, at the limit the emulator holds too', async () => {
    const before = await totalCalls(emulator);
    const image = `${JPEG_BASE64}${'A'.repeat(5 << 20)}`;
    const error = await failure(faceid.getFaceIdTokenIntl(REGION, { CheckMode: 'compare', Image: image }));
    expect(error).toMatchObject({ kind: 'FaceIdInvalidRequest', retryable: false, code: undefined });
    expect(error.message).toMatch(/^FaceID GetFaceIdTokenIntl failed: FaceIdInvalidRequest \(request: Image /);
    expect(await totalCalls(emulator)).toBe(before);
    // Sent as is, past the client, the emulator answers as FaceID does.
    const raw = faceidClients({ endpoint: emulator.endpoint, signMethod: 'TC3-HMAC-SHA256' });
    expect(await errorCode(raw.call('GetFaceIdTokenIntl', { CheckMode: 'compare', Image: image }))).toBe(
      'FailedOperation.ImageSizeTooLarge',
    );
  });

  it('an eKYC Extra longer than 1,024 characters is refused locally, before any call', async () => {
    const before = await totalCalls(emulator);
    const error = await failure(faceid.applySdkVerificationToken(REGION, { Extra: `secret-${'x'.repeat(1020)}` }));
    expect(error).toMatchObject({ kind: 'FaceIdInvalidRequest', retryable: false, code: undefined });
    expectSafe(error, 'secret-xxxx');
    expect(await totalCalls(emulator)).toBe(before);
  });

  it('a v1-signed body over the 1 MB v1 cap is a non-retryable FaceIdInvalidRequest (RequestSizeLimitExceeded)', async () => {
    const v1 = faceIdClient(emulator, { signMethod: 'HmacSHA256' });
    const error = await failure(v1.getFaceIdTokenIntl(REGION, { CheckMode: 'compare', Image: 'A'.repeat(1_200_000) }));
    expect(error).toMatchObject({
      code: 'RequestSizeLimitExceeded',
      requestId: matching(UUID),
      kind: 'FaceIdInvalidRequest',
      retryable: false,
    });
    expectSafe(error, 'AAAAAAAAAAAAAAAA');
  });
});

describe('tokens', () => {
  it.each<FaceIdAction>([
    'GetFaceIdResultIntl',
    'GetSdkVerificationResult',
    'GetLivenessResult',
    'GetWebVerificationResultIntl',
    'GetWebVerificationResult',
    'GetCardVerificationResult',
  ])('%s with a token never issued → FaceIdTokenInvalid (BizTokenIllegal), not retryable', async (action) => {
    const request = { SdkToken: UNKNOWN_TOKEN, BizToken: UNKNOWN_TOKEN, CardVerificationToken: UNKNOWN_TOKEN };
    const field = Object.keys(requests[action])[0] as keyof typeof request;
    const error = await failure(callUnchecked(faceid, action, REGION, { [field]: request[field] }));
    expectEnvelopeError(
      error,
      { action, kind: 'FaceIdTokenInvalid', code: 'InvalidParameterValue.BizTokenIllegal', retryable: false },
      UNKNOWN_TOKEN,
    );
  });

  it.each<[string, FaceIdAction, () => Promise<unknown>]>([
    [
      'a liveness token on the selfie result',
      'GetFaceIdResultIntl',
      () => faceid.getFaceIdResultIntl(REGION, requests.GetLivenessResult),
    ],
    [
      'a selfie token on the eKYC result',
      'GetSdkVerificationResult',
      () => faceid.getSdkVerificationResult(REGION, requests.GetFaceIdResultIntl),
    ],
    [
      'an Intl web token on the legacy web result',
      'GetWebVerificationResult',
      () => faceid.getWebVerificationResult(REGION, requests.GetWebVerificationResultIntl),
    ],
  ])('%s → FaceIdTokenInvalid', async (_name, action, call) => {
    const error = await failure(call());
    expectEnvelopeError(
      error,
      { action, kind: 'FaceIdTokenInvalid', code: 'InvalidParameterValue.BizTokenIllegal', retryable: false },
      ...tokens,
    );
  });
});
