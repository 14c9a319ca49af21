import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import { ApiError } from '../../../src/emulator/envelope';
import { type KeyLookup, verifyTc3, verifyV1 } from '../../../src/emulator/signature';

// The real SDK's signer produces the requests; the emulator's verifier must accept exactly what it signs.
const Sign = createRequire(__filename)('tencentcloud-sdk-nodejs-intl-en/tencentcloud/common/sign') as {
  sign(secretKey: string, signStr: string, method: string): string;
  sign3(args: Record<string, unknown>): string;
};

const ID = 'AKIDunitTest';
const KEY = 'unitTestSecretKey';
const lookupKey: KeyLookup = (id) => (id === ID ? KEY : undefined);
const now = 1_767_225_600; // 2026-01-01T00:00:00Z

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
  return 'no error';
}

function tc3Request(options: { body?: string; timestamp?: number; secretId?: string; secretKey?: string } = {}) {
  const body = options.body ?? JSON.stringify({ SdkToken: 'ABC', Extra: 'x' });
  const timestamp = options.timestamp ?? now;
  const authorization = Sign.sign3({
    method: 'POST',
    url: 'http://127.0.0.1:40847/',
    payload: JSON.parse(body),
    timestamp,
    service: '127',
    secretId: options.secretId ?? ID,
    secretKey: options.secretKey ?? KEY,
    headers: { 'Content-Type': 'application/json' },
  });
  const headers: IncomingHttpHeaders = {
    authorization,
    'content-type': 'application/json',
    host: '127.0.0.1:40847',
    'x-tc-timestamp': String(timestamp),
  };
  return { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body), nowSeconds: now, lookupKey };
}

describe('TC3-HMAC-SHA256 verification', () => {
  it('accepts what the SDK signs (host signed without its port, service from the scope)', () => {
    expect(verifyTc3(tc3Request())).toEqual({ secretId: ID, signMethod: 'TC3-HMAC-SHA256' });
  });

  it('accepts a timestamp 300 s old but not 301 s', () => {
    expect(verifyTc3(tc3Request({ timestamp: now - 300 })).secretId).toBe(ID);
    expect(codeOf(() => verifyTc3(tc3Request({ timestamp: now - 301 })))).toBe('AuthFailure.SignatureExpire');
    expect(codeOf(() => verifyTc3(tc3Request({ timestamp: now + 301 })))).toBe('AuthFailure.SignatureExpire');
  });

  it('refuses a body changed by one byte', () => {
    const request = tc3Request();
    const body = Buffer.from(request.body);
    body[body.length - 3] = (body[body.length - 3] as number) ^ 0x01;
    expect(codeOf(() => verifyTc3({ ...request, body }))).toBe('AuthFailure.SignatureFailure');
  });

  it('refuses a signature made with another key', () => {
    expect(codeOf(() => verifyTc3(tc3Request({ secretKey: 'wrong' })))).toBe('AuthFailure.SignatureFailure');
  });

  it('refuses an unknown SecretId', () => {
    expect(codeOf(() => verifyTc3(tc3Request({ secretId: 'AKIDunknown' })))).toBe('AuthFailure.SecretIdNotFound');
  });

  it('refuses a changed content-type header (it is signed)', () => {
    const request = tc3Request();
    const headers = { ...request.headers, 'content-type': 'application/json; charset=utf-8' };
    expect(codeOf(() => verifyTc3({ ...request, headers }))).toBe('AuthFailure.SignatureFailure');
  });

  it.each([
    ['empty', ''],
    ['another scheme', 'Bearer abc'],
    ['no signature', `TC3-HMAC-SHA256 Credential=${ID}/2026-01-01/faceid/tc3_request, SignedHeaders=content-type;host`],
    [
      'short signature',
      `TC3-HMAC-SHA256 Credential=${ID}/2026-01-01/faceid/tc3_request, SignedHeaders=content-type;host, Signature=abc`,
    ],
    [
      'host not signed',
      `TC3-HMAC-SHA256 Credential=${ID}/2026-01-01/faceid/tc3_request, SignedHeaders=content-type, Signature=${'a'.repeat(64)}`,
    ],
  ])('refuses a malformed Authorization header (%s)', (_name, authorization) => {
    const request = tc3Request();
    expect(codeOf(() => verifyTc3({ ...request, headers: { ...request.headers, authorization } }))).toBe(
      'AuthFailure.InvalidAuthorization',
    );
  });

  it('accepts an independently built signature over the host with its port (other SDKs)', () => {
    const body = '{"BizToken":"T"}';
    const timestamp = now;
    const date = '2026-01-01';
    const canonical = [
      'POST',
      '/',
      '',
      'content-type:application/json\nhost:127.0.0.1:9100\n',
      'content-type;host',
      createHash('sha256').update(body).digest('hex'),
    ].join('\n');
    const toSign = [
      'TC3-HMAC-SHA256',
      String(timestamp),
      `${date}/faceid/tc3_request`,
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    const h = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const signature = createHmac('sha256', h(h(h(`TC3${KEY}`, date), 'faceid'), 'tc3_request'))
      .update(toSign)
      .digest('hex');
    const headers: IncomingHttpHeaders = {
      authorization: `TC3-HMAC-SHA256 Credential=${ID}/${date}/faceid/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
      'content-type': 'application/json',
      host: '127.0.0.1:9100',
      'x-tc-timestamp': String(timestamp),
    };
    expect(
      verifyTc3({ method: 'POST', path: '/', query: '', headers, body: Buffer.from(body), nowSeconds: now, lookupKey })
        .secretId,
    ).toBe(ID);
  });
});

function v1Params(method: 'HmacSHA256' | 'HmacSHA1' | undefined, overrides: Record<string, string> = {}, key = KEY) {
  const params: Record<string, string> = {
    Action: 'GetFaceIdTokenIntl',
    'Config.AutoSkip': 'true',
    Nonce: '4242',
    Region: 'ap-singapore',
    SecretId: ID,
    Timestamp: String(now),
    Version: '2018-03-01',
    ...(method ? { SignatureMethod: method } : {}),
    ...overrides,
  };
  const joined = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  params.Signature = Sign.sign(key, `POST127.0.0.1:40847/?${joined}`, method ?? 'HmacSHA1');
  return params;
}

describe('v1 signature verification', () => {
  const verify = (params: Record<string, string>) =>
    verifyV1({ method: 'POST', host: '127.0.0.1:40847', path: '/', params, nowSeconds: now, lookupKey });

  it.each(['HmacSHA256', 'HmacSHA1'] as const)('accepts a good %s signature over the host with its port', (method) => {
    expect(verify(v1Params(method))).toEqual({ secretId: ID, signMethod: method });
  });

  it('uses HmacSHA1 when SignatureMethod is absent', () => {
    expect(verify(v1Params(undefined)).signMethod).toBe('HmacSHA1');
  });

  it.each(['HmacSHA256', 'HmacSHA1'] as const)('refuses a %s request whose parameter changed by one byte', (method) => {
    const params = v1Params(method);
    params['Config.AutoSkip'] = 'truf';
    expect(codeOf(() => verify(params))).toBe('AuthFailure.SignatureFailure');
  });

  it('refuses a request signed with SHA1 but labelled HmacSHA256', () => {
    const params = v1Params('HmacSHA1');
    params.SignatureMethod = 'HmacSHA256';
    expect(codeOf(() => verify(params))).toBe('AuthFailure.SignatureFailure');
  });

  it('refuses a stale timestamp', () => {
    expect(codeOf(() => verify(v1Params('HmacSHA256', { Timestamp: String(now - 301) })))).toBe(
      'AuthFailure.SignatureExpire',
    );
  });

  it('refuses an unknown SecretId', () => {
    expect(codeOf(() => verify(v1Params('HmacSHA256', { SecretId: 'AKIDunknown' })))).toBe(
      'AuthFailure.SecretIdNotFound',
    );
  });

  it('refuses a missing signature', () => {
    const params = v1Params('HmacSHA256');
    delete params.Signature;
    expect(codeOf(() => verify(params))).toBe('MissingParameter');
  });
});
