import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../../../src/faceid/sandbox-endpoint';
import { eventually } from '../../support/eventually';
import { send, tc3Headers } from './raw';
import { SIGN_METHODS, errorCode, faceidClients, matching, anyOf } from './sdk';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
});
afterAll(() => emulator.close());

const envelope = (body: Buffer) =>
  JSON.parse(body.toString('utf8')) as {
    Response: Record<string, unknown> & { Error?: { Code: string; Message: string } };
  };

function rawTc3(body: string, overrides: Partial<Parameters<typeof tc3Headers>[0]> = {}) {
  return tc3Headers({
    host: emulator.endpoint,
    body,
    action: 'GetFaceIdTokenIntl',
    region: 'ap-singapore',
    secretId: SANDBOX_SECRET_ID,
    secretKey: SANDBOX_SECRET_KEY,
    ...overrides,
  });
}

describe('a hand-built TC3 request (node:crypto, no SDK)', () => {
  it('is accepted, answered HTTP 200 application/json with the Response envelope', async () => {
    const body = JSON.stringify({ CheckMode: 'liveness', SecureLevel: '1' });
    const response = await send(`${emulator.url}/`, { method: 'POST', headers: rawTc3(body), body });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(envelope(response.body).Response).toEqual({
      SdkToken: matching(/^[0-9A-F-]{36}$/),
      RequestId: anyOf(String),
    });
  });

  it('is refused with AuthFailure.SignatureFailure once one byte of the body changes', async () => {
    const body = JSON.stringify({ CheckMode: 'liveness', SecureLevel: '1' });
    const headers = rawTc3(body);
    const tampered = body.replace('"1"', '"2"');
    const response = await send(`${emulator.url}/`, { method: 'POST', headers, body: tampered });
    expect(response.status).toBe(200);
    const { Response } = envelope(response.body);
    expect(Response.Error).toEqual({ Code: 'AuthFailure.SignatureFailure', Message: anyOf(String) });
    expect(Response.RequestId).toEqual(anyOf(String));
  });

  it('is refused with AuthFailure.SignatureExpire when its timestamp is more than 300 s old', async () => {
    const body = '{}';
    const headers = rawTc3(body, { timestamp: Math.floor(Date.now() / 1000) - 400 });
    const response = await send(`${emulator.url}/`, { method: 'POST', headers, body });
    expect(envelope(response.body).Response.Error?.Code).toBe('AuthFailure.SignatureExpire');
  });

  it('is refused with AuthFailure.InvalidAuthorization when the header is malformed', async () => {
    const body = '{}';
    const headers = { ...rawTc3(body), Authorization: 'TC3-HMAC-SHA256 Credential=nonsense' };
    const response = await send(`${emulator.url}/`, { method: 'POST', headers, body });
    expect(envelope(response.body).Response.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
  });

  it('an unsigned JSON request is refused with AuthFailure.InvalidAuthorization', async () => {
    const response = await send(`${emulator.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-TC-Action': 'GetFaceIdTokenIntl' },
      body: '{}',
    });
    expect(envelope(response.body).Response.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
  });
});

describe.each(SIGN_METHODS)('authentication and validation through the SDK (%s)', (signMethod) => {
  const client = (options: Partial<Parameters<typeof faceidClients>[0]> = {}) =>
    faceidClients({ endpoint: emulator.endpoint, signMethod, ...options });

  it('a wrong SecretKey is AuthFailure.SignatureFailure', async () => {
    expect(await errorCode(client({ secretKey: 'not-the-key' }).call('ApplyLivenessToken', {}))).toBe(
      'AuthFailure.SignatureFailure',
    );
  });

  it('an unknown SecretId is AuthFailure.SecretIdNotFound', async () => {
    expect(await errorCode(client({ secretId: 'AKIDnobody' }).call('ApplyLivenessToken', {}))).toBe(
      'AuthFailure.SecretIdNotFound',
    );
  });

  it.each([
    ['GetFaceIdTokenIntl', 'ap-guangzhou'],
    ['ApplyLivenessToken', 'ap-bangkok'],
    ['ApplyWebVerificationToken', 'ap-hongkong'],
    ['ApplyCardVerification', 'sa-saopaulo'],
  ])('%s in %s is UnsupportedRegion', async (action, region) => {
    expect(await errorCode(client({ region }).common(action, {}))).toBe('UnsupportedRegion');
  });

  it('a token action in a newly listed region works (ap-bangkok)', async () => {
    expect(await client({ region: 'ap-bangkok' }).call('GetFaceIdTokenIntl', {})).toMatchObject({
      SdkToken: anyOf(String),
    });
  });

  it('a missing required parameter is MissingParameter', async () => {
    expect(await errorCode(client().call('GetFaceIdResultIntl', {}))).toBe('MissingParameter');
    expect(await errorCode(client().call('ApplyWebVerificationBizTokenIntl', { Extra: 'x' }))).toBe('MissingParameter');
    expect(await errorCode(client().call('GetFaceIdTokenIntl', { CheckMode: 'compare' }))).toBe('MissingParameter');
    expect(await errorCode(client().common('ApplyCardVerification', { Nationality: 'IDN', CardType: 'ID_CARD' }))).toBe(
      'MissingParameter',
    );
  });

  it('bad values are InvalidParameterValue, unknown parameters UnknownParameter, unknown actions InvalidAction', async () => {
    expect(await errorCode(client().call('GetFaceIdTokenIntl', { CheckMode: 'selfie' }))).toBe('InvalidParameterValue');
    expect(await errorCode(client().call('GetFaceIdTokenIntl', { SecureLevel: '1', ActionList: 'blink' }))).toBe(
      'InvalidParameterValue',
    );
    expect(await errorCode(client().call('ApplyWebVerificationBizTokenIntl', { RedirectURL: 'not a url' }))).toBe(
      'InvalidParameterValue',
    );
    expect(await errorCode(client().call('ApplyLivenessToken', { Colour: 'red' }))).toBe('UnknownParameter');
    expect(await errorCode(client().common('DescribeEverything', {}))).toBe('InvalidAction');
  });

  it('unknown tokens are BizTokenIllegal, and a token is bound to its flow', async () => {
    expect(await errorCode(client().call('GetLivenessResult', { SdkToken: 'NOT-A-TOKEN' }))).toBe(
      'InvalidParameterValue.BizTokenIllegal',
    );
    const { SdkToken } = await client().call('ApplyLivenessToken', {});
    expect(await errorCode(client().call('GetFaceIdResultIntl', { SdkToken }))).toBe(
      'InvalidParameterValue.BizTokenIllegal',
    );
  });
});

describe('size limits', () => {
  const tc3 = () => faceidClients({ endpoint: emulator.endpoint, signMethod: 'TC3-HMAC-SHA256' });

  it('a card image over 5 MB of Base64 is FailedOperation.ImageSizeTooLarge', async () => {
    const image = 'A'.repeat(5 * 1024 * 1024 + 4);
    expect(
      await errorCode(
        tc3().common('ApplyCardVerification', { Nationality: 'IDN', CardType: 'ID_CARD', ImageBase64Front: image }),
      ),
    ).toBe('FailedOperation.ImageSizeTooLarge');
  });

  it('a web compare image over 8 MB is FailedOperation.ImageSizeTooLarge, 6 MB is fine', async () => {
    const big = 'A'.repeat(8 * 1024 * 1024 + 4);
    expect(
      await errorCode(
        tc3().call('ApplyWebVerificationBizTokenIntl', { RedirectURL: 'https://a.example/', CompareImageBase64: big }),
      ),
    ).toBe('FailedOperation.ImageSizeTooLarge');
    const fine = '/9j/'.repeat(6 * 256 * 1024);
    expect(
      await tc3().call('ApplyWebVerificationBizTokenIntl', {
        RedirectURL: 'https://a.example/',
        CompareImageBase64: fine,
      }),
    ).toMatchObject({
      BizToken: anyOf(String),
    });
  });

  it('a v1 (form) body over 1 MB is RequestSizeLimitExceeded', async () => {
    const v1 = faceidClients({ endpoint: emulator.endpoint });
    expect(
      await errorCode(v1.call('GetFaceIdTokenIntl', { CheckMode: 'compare', Image: 'A'.repeat(1024 * 1024) })),
    ).toBe('RequestSizeLimitExceeded');
  });
});

describe('token windows on the emulator clock', () => {
  it('a token never started within 10 minutes is BizTokenExpired; the signature check still uses the real clock', async () => {
    const { call } = faceidClients({ endpoint: emulator.endpoint, signMethod: 'TC3-HMAC-SHA256' });
    const { SdkToken } = await call('GetFaceIdTokenIntl', {});
    expect(await call('GetFaceIdResultIntl', { SdkToken })).toMatchObject({ Result: '-999' });
    await emulator.sandbox.advanceClock(601);
    expect(await errorCode(call('GetFaceIdResultIntl', { SdkToken }))).toBe('InvalidParameterValue.BizTokenExpired');
    await expect(emulator.sandbox.complete(SdkToken as string, 'pass')).rejects.toMatchObject({ status: 410 });
  });

  it('a finished selfie result stays readable for 72 h, then expires', async () => {
    const { call } = faceidClients({ endpoint: emulator.endpoint, signMethod: 'TC3-HMAC-SHA256' });
    const { SdkToken } = await call('GetFaceIdTokenIntl', {});
    await emulator.sandbox.complete(SdkToken as string, 'pass');
    await emulator.sandbox.advanceClock(72 * 3600 - 60);
    expect(await call('GetFaceIdResultIntl', { SdkToken })).toMatchObject({ Result: '0' });
    await emulator.sandbox.advanceClock(120);
    expect(await errorCode(call('GetFaceIdResultIntl', { SdkToken }))).toBe('InvalidParameterValue.BizTokenExpired');
  });

  it('the legacy web token may start within 7,200 s', async () => {
    const { common } = faceidClients({ endpoint: emulator.endpoint, signMethod: 'TC3-HMAC-SHA256' });
    const { BizToken } = await common('ApplyWebVerificationToken', {
      RedirectUrl: 'https://a.example/cb',
      CompareImageUrl: 'https://bucket.cos.ap-singapore.myqcloud.com/a.jpg',
      CompareImageMd5: 'ffffffffffffffffffffffffffffffff',
    });
    await emulator.sandbox.advanceClock(7000);
    await emulator.sandbox.complete(BizToken as string, 'pass');
    expect(await common('GetWebVerificationResult', { BizToken })).toMatchObject({ ErrorCode: 0 });
  });
});

describe('the per-action rate limit (default 20 per second)', () => {
  let limited: RunningEmulator;
  beforeAll(async () => {
    limited = await startEmulator({ port: 0 });
  });
  afterAll(() => limited.close());

  it('refuses the 21st call in one second with RequestLimitExceeded, counts it, and admits again later', async () => {
    const { call } = faceidClients({ endpoint: limited.endpoint, signMethod: 'TC3-HMAC-SHA256' });
    const outcomes = await Promise.all(
      Array.from({ length: 21 }, () =>
        call('ApplyLivenessToken', {}).then(
          () => 'ok',
          (error: { code?: string }) => error.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'RequestLimitExceeded')).toHaveLength(1);
    // Another action has its own quota.
    expect(await call('GetFaceIdTokenIntl', {})).toMatchObject({ SdkToken: anyOf(String) });
    const stats = await limited.sandbox.stats();
    expect(stats.actions.ApplyLivenessToken).toEqual({ calls: 21, peakPerSecond: 21, rateLimited: 1 });
    // The window slides: within the next second or two the action is admitted again.
    const admitted = await eventually(() => call('ApplyLivenessToken', {}), {
      what: 'ApplyLivenessToken admitted again once the window slid',
      timeoutMs: 3_000,
      intervalMs: 100,
    });
    expect(admitted).toMatchObject({ SdkToken: anyOf(String) });
  });
});
