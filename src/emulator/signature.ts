import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './envelope';

/** Finds the SecretKey of a SecretId, or `undefined` when the emulator does not know that key pair. */
export type KeyLookup = (secretId: string) => string | undefined;

/** Which signing method a verified request used. */
type SignMethod = 'TC3-HMAC-SHA256' | 'HmacSHA256' | 'HmacSHA1';

/** The authenticated caller of a request. */
export interface VerifiedCaller {
  secretId: string;
  signMethod: SignMethod;
}

/** The documented tolerance between the signed timestamp and the server's clock (five minutes). */
const MAX_CLOCK_SKEW_SECONDS = 300;

/** What {@link verifyTc3} needs from an HTTP request; `headers` are Node's lower-cased headers. */
export interface Tc3Request {
  method: string;
  path: string;
  /** The raw query string without `?` (empty for POST). */
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Real wall-clock time in epoch seconds. */
  nowSeconds: number;
  lookupKey: KeyLookup;
}

/** What {@link verifyV1} needs: the decoded common and business parameters exactly as received. */
export interface V1Request {
  method: string;
  /** The Host header as received, usually with the port (the Node SDK signs its endpoint string verbatim). */
  host: string;
  path: string;
  params: Record<string, string>;
  nowSeconds: number;
  lookupKey: KeyLookup;
}

const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s,]+)\/tc3_request,\s*SignedHeaders=([a-z0-9;.-]+),\s*Signature=([0-9a-f]{64})$/;

/** The first value of a request header (Node lower-cases their names). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Constant-time comparison of two strings of possibly different length. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The UTC calendar date (`YYYY-MM-DD`) of an epoch-seconds timestamp, as used in the TC3 credential scope. */
function utcDate(timestampSeconds: number): string {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

function parseTimestamp(raw: string | undefined, name: string): number {
  if (raw === undefined || raw === '')
    throw new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
  if (!/^\d{1,12}$/.test(raw))
    throw new ApiError('InvalidParameterValue', `The value of parameter \`${name}\` is not a valid Unix timestamp.`);
  return Number(raw);
}

function checkSkew(timestamp: number, nowSeconds: number): void {
  if (Math.abs(nowSeconds - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
    throw new ApiError(
      'AuthFailure.SignatureExpire',
      `Signature expired. Timestamp ${timestamp} is more than ${MAX_CLOCK_SKEW_SECONDS} seconds away from the server time ${nowSeconds}.`,
    );
  }
}

function lookup(lookupKey: KeyLookup, secretId: string): string {
  const secretKey = lookupKey(secretId);
  if (secretKey === undefined)
    throw new ApiError(
      'AuthFailure.SecretIdNotFound',
      'The SecretId is not found, please ensure that your SecretId is correct.',
    );
  return secretKey;
}

const signatureFailure = (): ApiError =>
  new ApiError(
    'AuthFailure.SignatureFailure',
    'The provided credentials could not be validated. Please check your signature is correct.',
  );

/** Host values a client may have signed: the Node SDK signs the hostname without the port while sending it with. */
function hostCandidates(host: string): string[] {
  const withoutPort = host.replace(/:\d+$/, '');
  return withoutPort === host ? [host] : [withoutPort, host];
}

/**
 * Verifies a TC3-HMAC-SHA256 request (Authorization header, `X-TC-Timestamp`) and returns the caller, or throws the
 * documented `AuthFailure.*` error. The service name and date come from the credential scope, as clients differ there.
 */
export function verifyTc3(request: Tc3Request): VerifiedCaller {
  const authorization = header(request.headers, 'authorization') ?? '';
  const match = AUTHORIZATION.exec(authorization.trim());
  if (!match) throw new ApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is malformed.');
  const [, secretId = '', date = '', service = '', signedHeadersText = '', signature = ''] = match;
  const signedHeaders = signedHeadersText.split(';');
  if (!signedHeaders.includes('content-type') || !signedHeaders.includes('host')) {
    throw new ApiError('AuthFailure.InvalidAuthorization', 'SignedHeaders must include content-type and host.');
  }
  const secretKey = lookup(request.lookupKey, secretId);
  const timestamp = parseTimestamp(header(request.headers, 'x-tc-timestamp'), 'X-TC-Timestamp');
  checkSkew(timestamp, request.nowSeconds);
  if (utcDate(timestamp) !== date) throw signatureFailure();

  // Each signed header may have been signed as sent or lower-cased; the host with or without its port.
  const variants: string[][] = [];
  for (const name of signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined)
      throw new ApiError('AuthFailure.InvalidAuthorization', `Signed header ${name} is missing.`);
    const trimmed = value.trim();
    const base = name === 'host' ? hostCandidates(trimmed) : [trimmed];
    const withLower = base.flatMap((v) => (v.toLowerCase() === v ? [v] : [v, v.toLowerCase()]));
    variants.push(withLower.map((v) => `${name}:${v}\n`));
  }
  const payloadHash = sha256Hex(request.body);
  const scope = `${date}/${service}/tc3_request`;
  const kSigning = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');

  for (const canonicalHeaders of combinations(variants)) {
    const canonicalRequest = [
      request.method.toUpperCase(),
      request.path,
      request.query,
      canonicalHeaders.join(''),
      signedHeadersText,
      payloadHash,
    ].join('\n');
    const stringToSign = ['TC3-HMAC-SHA256', String(timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
    if (safeEqual(hmac(kSigning, stringToSign).toString('hex'), signature)) {
      return { secretId, signMethod: 'TC3-HMAC-SHA256' };
    }
  }
  throw signatureFailure();
}

function combinations(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, options) => acc.flatMap((prefix) => options.map((o) => [...prefix, o])), [[]]);
}

/**
 * Verifies a v1 (HmacSHA256 / HmacSHA1) request whose common parameters travel with the business ones, and returns the
 * caller or throws the documented `AuthFailure.*` error. Values are signed raw (decoded), sorted by name.
 */
export function verifyV1(request: V1Request): VerifiedCaller {
  const { params } = request;
  for (const name of ['SecretId', 'Signature', 'Timestamp', 'Nonce']) {
    if (!params[name])
      throw new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
  }
  const secretId = params.SecretId ?? '';
  const secretKey = lookup(request.lookupKey, secretId);
  checkSkew(parseTimestamp(params.Timestamp, 'Timestamp'), request.nowSeconds);
  // The documented rule: HmacSHA256 when asked for, HmacSHA1 otherwise.
  const signMethod: SignMethod = params.SignatureMethod === 'HmacSHA256' ? 'HmacSHA256' : 'HmacSHA1';
  const algorithm = signMethod === 'HmacSHA256' ? 'sha256' : 'sha1';
  const joined = Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  const provided = params.Signature ?? '';
  for (const host of hostCandidates(request.host).reverse()) {
    const source = `${request.method.toUpperCase()}${host}${request.path}?${joined}`;
    const expected = createHmac(algorithm, secretKey).update(source, 'utf8').digest('base64');
    if (safeEqual(expected, provided)) return { secretId, signMethod };
  }
  throw signatureFailure();
}
