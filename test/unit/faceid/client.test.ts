import { inspect } from 'node:util';
import { CommonClient } from 'tencentcloud-sdk-nodejs-intl-en/tencentcloud/common';
import {
  FaceIdClient,
  FaceIdError,
  type FaceIdAction,
  type FaceIdClientOptions,
  type FaceIdRequest,
} from '../../../src/faceid';
import {
  envelope,
  type FakeTencent,
  loadSeed,
  startFakeTencent,
  tc3SignatureMatches,
  v1SignatureMatches,
} from './fake-tencent';

const SECRET_ID = 'AKIDunitTestSecretId000000000000000';
const SECRET_KEY = 'unitTestSecretKeyNeverInMessages';
const SDK_TOKEN = 'SDKTOKEN-7E1F-4A5B-9C3D-SENSITIVE';
const TENCENT_TEXT = 'The BizToken 81EE of Jane Doe has expired';

let fake: FakeTencent;

beforeAll(async () => {
  // The SDK routes every request through $http_proxy when it is set, even loopback ones.
  delete process.env.http_proxy;
  fake = await startFakeTencent();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
});

afterEach(() => {
  jest.restoreAllMocks();
});

function client(overrides: Partial<FaceIdClientOptions> = {}): FaceIdClient {
  return new FaceIdClient({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    endpoint: fake.endpoint,
    protocol: 'http://',
    timeoutSeconds: 5,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<FaceIdError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FaceIdError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Fails if any sensitive value leaks into what gets logged of an error. */
function expectSafe(error: FaceIdError, ...values: string[]): void {
  const surfaces = [error.message, String(error.stack), JSON.stringify(error), inspect(error)];
  for (const value of [SECRET_ID, SECRET_KEY, SDK_TOKEN, TENCENT_TEXT, ...values]) {
    for (const surface of surfaces) expect(surface).not.toContain(value);
  }
}

type Case = {
  [A in FaceIdAction]: [A, FaceIdRequest<A>, Record<string, unknown>, Record<string, unknown>];
}[FaceIdAction];

const CASES: Case[] = [
  [
    'GetFaceIdTokenIntl',
    { CheckMode: 'compare', Image: 'aGVsbG8=', SecureLevel: '2', ActionList: 'blink,mouth', RetryLimit: 2 },
    { SdkToken: SDK_TOKEN, RequestId: 'r1' },
    { SdkToken: SDK_TOKEN, RequestId: 'r1' },
  ],
  [
    'GetFaceIdResultIntl',
    { SdkToken: SDK_TOKEN },
    {
      Result: '0',
      Description: 'Success',
      BestFrame: '/9j/',
      Similarity: 88.5,
      LivenessInfoTag: null,
      RequestId: 'r2',
    },
    { Result: '0', Similarity: 88.5, Video: null, LivenessInfoTag: null },
  ],
  [
    'ApplySdkVerificationToken',
    { CheckMode: 1, SecurityLevel: 4, IdCardType: 'HK', SelectedWarningCodes: [-9101, -9103], SkipResultPage: true },
    { SdkToken: SDK_TOKEN, ServerParamInfo: 'enc', RequestId: 'r3' },
    { SdkToken: SDK_TOKEN, ServerParamInfo: 'enc' },
  ],
  [
    'GetSdkVerificationResult',
    { SdkToken: SDK_TOKEN },
    loadSeed('get-sdk-verification-result').Response,
    { Result: '1001', ChargeCount: 4 },
  ],
  ['ApplyLivenessToken', { SecureLevel: '1' }, { SdkToken: SDK_TOKEN, RequestId: 'r5' }, { SdkToken: SDK_TOKEN }],
  ['GetLivenessResult', { SdkToken: SDK_TOKEN }, loadSeed('get-liveness-result').Response, { Result: '1001' }],
  [
    'ApplyWebVerificationBizTokenIntl',
    { RedirectURL: 'https://example.com/cb', Config: { AutoSkip: true, CheckMode: 1, IDCardType: 'HKIDCard' } },
    { BizToken: 'B', VerificationURL: 'https://intl.faceid.qq.com/reflect/?token=B', RequestId: 'r7' },
    { BizToken: 'B', VerificationURL: 'https://intl.faceid.qq.com/reflect/?token=B', VerificationUrl: null },
  ],
  [
    'GetWebVerificationResultIntl',
    { BizToken: 'B' },
    {
      ErrorCode: 0,
      ErrorMsg: 'Success',
      VerificationDetailList: [{ ErrorCode: 0, Similarity: 92.5 }],
      RequestId: 'r8',
    },
    { ErrorCode: 0, OCRResult: null },
  ],
  [
    'ApplyWebVerificationToken',
    {
      RedirectUrl: 'https://www.domain.com/result/callback',
      CompareImageUrl: 'https://bucket.cos.ap-singapore.myqcloud.com/p.jpg',
      CompareImageMd5: '2455b660f5e3ac4a7e4c8d1c7a1f1d1e',
    },
    { BizToken: 'L', VerificationUrl: 'https://sg.faceid.qq.com/reflect/?token=L', RequestId: 'r9' },
    { BizToken: 'L', VerificationUrl: 'https://sg.faceid.qq.com/reflect/?token=L' },
  ],
  [
    'GetWebVerificationResult',
    { BizToken: 'L' },
    loadSeed('get-web-verification-result').Response,
    { ErrorCode: 0, VideoMd5: '30fa34052530d0ba033b956d06eb89b5' },
  ],
  [
    'ApplyCardVerification',
    { Nationality: 'IDN', CardType: 'ID_CARD', ImageBase64Front: 'aGk=' },
    {
      CardVerificationToken: 'C',
      AsyncCardVerificationMaxPollingTimes: 10,
      AsyncCardVerificationPollingWaitTime: 3,
      RequestId: 'r11',
    },
    { CardVerificationToken: 'C', AsyncCardVerificationMaxPollingTimes: 10, AsyncCardVerificationPollingWaitTime: 3 },
  ],
  [
    'GetCardVerificationResult',
    { CardVerificationToken: 'C' },
    { ...loadSeed('get-card-verification-result').Response, Status: 'Warning' },
    { Status: 'WARNING', WarnInfo: ['abc'] },
  ],
];

describe('FaceIdClient against a loopback server', () => {
  it.each(CASES)('%s: TC3-signed JSON POST, parsed DTO back', async (action, request, response, expected) => {
    fake.handle(envelope(response));
    const api = client();
    const method = (action.charAt(0).toLowerCase() + action.slice(1)) as Uncapitalize<FaceIdAction>;
    const dto = await (api[method] as (region: string, request: unknown) => Promise<unknown>)('ap-singapore', request);

    expect(dto).toMatchObject(expected);
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    if (!sent) throw new Error('no request recorded');
    expect(sent.method).toBe('POST');
    expect(sent.headers['x-tc-action']).toBe(action);
    expect(sent.headers['x-tc-region']).toBe('ap-singapore');
    expect(sent.headers['x-tc-version']).toBe('2018-03-01');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(String(sent.headers.authorization)).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDunitTestSecretId0+\//);
    expect(tc3SignatureMatches(sent, SECRET_ID, SECRET_KEY)).toBe(true);
    expect(JSON.parse(sent.body)).toEqual(request);
  });

  it('signs with the TC3 key derived from the secret key, not another one', () => {
    fake.handle(envelope({ SdkToken: 'x', RequestId: 'r' }));
    return client()
      .applyLivenessToken('ap-jakarta', {})
      .then(() => {
        const [sent] = fake.requests;
        if (!sent) throw new Error('no request recorded');
        expect(tc3SignatureMatches(sent, SECRET_ID, 'another-key')).toBe(false);
      });
  });

  it.each(['HmacSHA256', 'HmacSHA1'] as const)('can sign with v1 %s as a form post', async (signMethod) => {
    fake.handle(envelope({ SdkToken: 'x', RequestId: 'r' }));
    await client({ signMethod }).applySdkVerificationToken('ap-hongkong', {
      SecurityLevel: 2,
      ActionList: 'blink',
      SelectedWarningCodes: [-9101],
      Extra: undefined,
    });
    const [sent] = fake.requests;
    if (!sent) throw new Error('no request recorded');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const fields = new URLSearchParams(sent.body);
    expect(fields.get('SignatureMethod')).toBe(signMethod);
    expect(fields.get('Action')).toBe('ApplySdkVerificationToken');
    expect(fields.get('SelectedWarningCodes.0')).toBe('-9101');
    expect(fields.has('Extra')).toBe(false);
    expect(v1SignatureMatches(sent, SECRET_KEY)).toBe(true);
  });

  it('builds one SDK client per region, lazily, and reuses it', async () => {
    fake.handle(envelope({ SdkToken: 'x', RequestId: 'r' }));
    const request = jest.spyOn(CommonClient.prototype, 'request');
    const api = client();
    await api.applyLivenessToken('ap-singapore', {});
    await api.applyLivenessToken('ap-jakarta', {});
    await api.applyLivenessToken('ap-singapore', {});
    expect(fake.requests.map((r) => r.headers['x-tc-region'])).toEqual(['ap-singapore', 'ap-jakarta', 'ap-singapore']);
    const [singapore, jakarta, singaporeAgain] = request.mock.contexts as unknown[];
    expect(singapore).toBeInstanceOf(CommonClient);
    expect(singaporeAgain).toBe(singapore);
    expect(jakarta).not.toBe(singapore);
  });

  it.each<[FaceIdAction, string]>([
    ['ApplyLivenessToken', 'ap-bangkok'],
    ['GetWebVerificationResult', 'ap-hongkong'],
    ['GetCardVerificationResult', 'sa-saopaulo'],
    ['GetFaceIdTokenIntl', 'ap-guangzhou'],
    ['GetFaceIdTokenIntl', ''],
  ])('rejects %s in region %p before any network call', async (action, region) => {
    const error = await failure(client().call(action, region, {}));
    expect(error.kind).toBe('FaceIdInvalidRequest');
    expect(error.retryable).toBe(false);
    expect(error.action).toBe(action);
    expect(error.message).toContain('not allowed; allowed: ');
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects an invalid request before any network call, without echoing values', async () => {
    const error = await failure(
      client().getFaceIdTokenIntl('ap-singapore', { CheckMode: 'compare', Extra: SDK_TOKEN }),
    );
    expect(error.kind).toBe('FaceIdInvalidRequest');
    expect(error.message).toContain('Image');
    expect(fake.requests).toHaveLength(0);
    expectSafe(error);
  });

  it.each<[string, string, string, boolean]>([
    ['InvalidParameterValue.BizTokenExpired', 'FaceIdTokenExpired', 'GetFaceIdResultIntl', false],
    ['InvalidParameterValue.BizTokenIllegal', 'FaceIdTokenInvalid', 'GetFaceIdResultIntl', false],
    ['AuthFailure.SignatureFailure', 'FaceIdAuthFailure', 'GetFaceIdResultIntl', false],
    ['UnauthorizedOperation.Arrears', 'FaceIdServiceUnavailable', 'GetFaceIdResultIntl', false],
    ['OperationDenied', 'FaceIdOperationDenied', 'GetFaceIdResultIntl', false],
    ['RequestLimitExceeded', 'FaceIdRateLimited', 'GetFaceIdResultIntl', true],
    ['InternalError', 'FaceIdTransient', 'GetFaceIdResultIntl', true],
  ])('maps an error envelope %s to %s', async (code, kind, action, retryable) => {
    fake.handle(envelope({ Error: { Code: code, Message: TENCENT_TEXT }, RequestId: 'req-err-1' }));
    const error = await failure(client().getFaceIdResultIntl('ap-singapore', { SdkToken: SDK_TOKEN }));
    expect(error).toMatchObject({ kind, code, action, retryable, requestId: 'req-err-1', httpStatus: undefined });
    expect(error.message).toBe(`FaceID ${action} failed: ${kind} (${code})`);
    expectSafe(error);
  });

  it('treats an error envelope with an unreadable code as malformed', async () => {
    fake.handle(envelope({ Error: { Code: `${TENCENT_TEXT} <script>`, Message: 'x' }, RequestId: 'req-2' }));
    const error = await failure(client().getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }));
    expect(error).toMatchObject({ kind: 'FaceIdMalformedResponse', code: undefined, requestId: 'req-2' });
    expectSafe(error);
  });

  it('treats an error envelope without a code as malformed', async () => {
    fake.handle(envelope({ Error: { Message: TENCENT_TEXT }, RequestId: 'req-4' }));
    const error = await failure(client().getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }));
    expect(error).toMatchObject({ kind: 'FaceIdMalformedResponse', code: undefined, requestId: 'req-4' });
    expect(error.message).toBe('FaceID GetLivenessResult failed: FaceIdMalformedResponse (error without a code)');
    expectSafe(error);
  });

  it.each<[number, string]>([
    [500, 'FaceIdTransient'],
    [502, 'FaceIdTransient'],
    [503, 'FaceIdTransient'],
    [429, 'FaceIdRateLimited'],
  ])('maps HTTP %i to retryable %s without reading the body', async (status, kind) => {
    fake.handle((_request, res) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`upstream says: ${TENCENT_TEXT}`);
    });
    const error = await failure(client().getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }));
    expect(error).toMatchObject({ kind, retryable: true, httpStatus: status, code: undefined });
    expect(error.message).toBe(`FaceID GetLivenessResult failed: ${kind} (HTTP ${status})`);
    expectSafe(error);
  });

  it('maps a connection reset before the answer to FaceIdTransient', async () => {
    fake.handle((_request, res) => res.socket?.destroy());
    const error = await failure(client().getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }));
    expect(error).toMatchObject({ kind: 'FaceIdTransient', retryable: true, code: undefined });
    expect(error.message).toBe('FaceID GetLivenessResult failed: FaceIdTransient (connection failed)');
    expectSafe(error, fake.endpoint);
  });

  it('maps a connection reset in the middle of the body to FaceIdTransient (node-fetch 2 only notices at the timeout)', async () => {
    fake.handle((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      // Reset once the first part of the body is on its way.
      res.write('{"Response":{"Result":"0",', () => res.socket?.destroy());
    });
    const error = await failure(
      client({ timeoutSeconds: 0.5 }).getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }),
    );
    expect(error).toMatchObject({ kind: 'FaceIdTransient', retryable: true, code: undefined });
    expectSafe(error);
  });

  it('maps a refused connection to FaceIdTransient', async () => {
    const closed = await startFakeTencent();
    await closed.close();
    const error = await failure(
      client({ endpoint: closed.endpoint }).getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }),
    );
    expect(error).toMatchObject({ kind: 'FaceIdTransient', retryable: true });
    expectSafe(error, closed.endpoint);
  });

  it('maps a server that never answers to a FaceIdTransient timeout', async () => {
    // The server never answers: the call can only end through the client's own timeout.
    fake.handle(() => undefined);
    const error = await failure(
      client({ timeoutSeconds: 0.3 }).getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }),
    );
    expect(error).toMatchObject({ kind: 'FaceIdTransient', retryable: true });
    expect(error.message).toBe('FaceID GetLivenessResult failed: FaceIdTransient (timeout)');
    expectSafe(error);
  });

  it('maps a body that stalls after the headers to a FaceIdTransient timeout', async () => {
    fake.handle((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"Response":');
    });
    const error = await failure(
      client({ timeoutSeconds: 0.3 }).getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }),
    );
    expect(error.message).toBe('FaceID GetLivenessResult failed: FaceIdTransient (timeout)');
  });

  it('maps a 200 body that is not JSON to FaceIdMalformedResponse without quoting it', async () => {
    fake.handle((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${TENCENT_TEXT} {not json`);
    });
    const error = await failure(client().getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }));
    expect(error).toMatchObject({ kind: 'FaceIdMalformedResponse', retryable: true });
    expect(error.message).toBe('FaceID GetLivenessResult failed: FaceIdMalformedResponse (invalid JSON)');
    expectSafe(error, 'not json');
  });

  it('maps JSON without a Response object to FaceIdMalformedResponse', async () => {
    fake.handle((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Result: '0', Note: TENCENT_TEXT }));
    });
    const error = await failure(client().getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }));
    expect(error).toMatchObject({ kind: 'FaceIdMalformedResponse', retryable: true });
    expectSafe(error);
  });

  it('maps a Response failing the schema to FaceIdMalformedResponse with its RequestId', async () => {
    fake.handle(envelope({ Result: 1001, Description: TENCENT_TEXT, RequestId: 'req-3' }));
    const error = await failure(client().getLivenessResult('ap-singapore', { SdkToken: SDK_TOKEN }));
    expect(error).toMatchObject({ kind: 'FaceIdMalformedResponse', requestId: 'req-3' });
    expect(error.message).toBe(
      'FaceID GetLivenessResult failed: FaceIdMalformedResponse (schema: Result invalid_type)',
    );
    expectSafe(error);
  });

  it('keeps the credentials out of inspect output of the client', () => {
    const shown = inspect(client(), { depth: 10, showHidden: true });
    expect(shown).not.toContain(SECRET_KEY);
  });

  it.each<[string, Partial<FaceIdClientOptions>]>([
    ['a missing secret key', { secretKey: '' }],
    ['an endpoint with a scheme', { endpoint: 'https://faceid.intl.tencentcloudapi.com' }],
    ['a zero timeout', { timeoutSeconds: 0 }],
    ['an unknown protocol', { protocol: 'ftp://' as 'http://' }],
    ['an unknown sign method', { signMethod: 'MD5' as 'HmacSHA1' }],
  ])('refuses to be built with %s, without echoing the secret', (_name, overrides) => {
    expect(() => client(overrides)).toThrow(/^FaceIdClient: /);
    try {
      client(overrides);
    } catch (error) {
      expect(String(error)).not.toContain(SECRET_KEY);
    }
  });
});
