import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import type { RunningEmulator } from '../../../src/emulator';
import { SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../../../src/faceid/sandbox-endpoint';
import { encodePng } from '../../../src/emulator/image-encoding';
import {
  FaceIdClient,
  type FaceIdAction,
  type FaceIdClientOptions,
  type FaceIdError,
  type FaceIdErrorKind,
  type FileInfo,
  isFaceIdError,
} from '../../../src/faceid';

/** Region every one of the twelve actions is offered in, by the client's table and the emulator's. */
export const REGION = 'ap-singapore';

/** Tencent-style RequestId and token shapes the emulator hands out. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Tokens are upper-case UUIDs, like FaceID's. */
export const TOKEN = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** A 1x1 baseline JPEG, small enough for every signing method's body cap. */
export const JPEG_BASE64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';

/** The project's FaceID client pointed at an emulator with the sandbox key pair (TC3 unless overridden). */
export function faceIdClient(emulator: RunningEmulator, overrides: Partial<FaceIdClientOptions> = {}): FaceIdClient {
  return new FaceIdClient({
    secretId: SANDBOX_SECRET_ID,
    secretKey: SANDBOX_SECRET_KEY,
    endpoint: emulator.endpoint,
    protocol: 'http://',
    timeoutSeconds: 10,
    ...overrides,
  });
}

/** Resolves the FaceIdError a call rejected with; fails if it succeeded or rejected with anything else. */
export async function failure(promise: Promise<unknown>): Promise<FaceIdError> {
  const outcome = await promise.then(
    () => ({ failed: false as const }),
    (error: unknown) => ({ failed: true as const, error }),
  );
  if (!outcome.failed) throw new Error('expected the FaceID call to fail, it succeeded');
  if (!isFaceIdError(outcome.error)) throw new Error('expected a FaceIdError', { cause: outcome.error });
  return outcome.error;
}

// Only the action, kind, code and a fixed phrase may appear: no quotes, braces, markup or '=' a body or URL would bring.
const SAFE_MESSAGE = /^FaceID [A-Za-z]+ failed: FaceId[A-Za-z]+(?: \([A-Za-z0-9 .:;,_/+()-]+\))?$/;

/**
 * Fails when the secret key, any of `values` (tokens, request fields, response text) or anything body-like shows up
 * in what a log line or a Temporal failure would carry of the error.
 */
export function expectSafe(error: FaceIdError, ...values: string[]): void {
  expect(error.message).toMatch(SAFE_MESSAGE);
  const surfaces = [error.message, String(error.stack), JSON.stringify(error), inspect(error, { depth: 5 })];
  for (const value of [SANDBOX_SECRET_KEY, ...values]) {
    for (const surface of surfaces) expect(surface).not.toContain(value);
  }
}

/** Asserts an error the emulator answered with an error envelope: kind, code, RequestId, exact safe message. */
export function expectEnvelopeError(
  error: FaceIdError,
  expected: { action: FaceIdAction; kind: FaceIdErrorKind; code: string; retryable: boolean },
  ...secrets: string[]
): void {
  expect(error).toMatchObject({
    name: 'FaceIdError',
    action: expected.action,
    kind: expected.kind,
    code: expected.code,
    retryable: expected.retryable,
    httpStatus: undefined,
  });
  expect(error.requestId).toMatch(UUID);
  expect(error.message).toBe(`FaceID ${expected.action} failed: ${expected.kind} (${expected.code})`);
  expectSafe(error, ...secrets);
}

/** Calls the client's generic `call` with a request the type system would refuse, as a mistaken caller might. */
export function callUnchecked(
  client: FaceIdClient,
  action: FaceIdAction,
  region: string,
  request: unknown,
): Promise<unknown> {
  const call = client.call.bind(client) as (a: FaceIdAction, r: string, q: unknown) => Promise<unknown>;
  return call(action, region, request);
}

/** Total API calls the emulator has seen (every action, refused ones included). */
export async function totalCalls(emulator: RunningEmulator): Promise<number> {
  const { actions } = await emulator.sandbox.stats();
  return Object.values(actions).reduce((sum, entry) => sum + entry.calls, 0);
}

/** MD5 hex of bytes. */
export function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Fetches a media URL the way an archiver would. */
export async function download(url: string, method: 'GET' | 'HEAD' = 'GET'): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(url, { method });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

function isFileInfo(value: unknown): value is FileInfo {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.Url === 'string' && typeof candidate.MD5 === 'string' && typeof candidate.Size === 'number';
}

/** Every FileInfo (`{Url, MD5, Size}`) anywhere inside a parsed response, depth first. */
export function fileInfos(value: unknown): FileInfo[] {
  if (isFileInfo(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(fileInfos);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(fileInfos);
  return [];
}

/** Downloads every FileInfo and checks the bytes against its MD5 and Size; returns the bodies in order. */
export async function expectServedAsAdvertised(infos: readonly FileInfo[]): Promise<Buffer[]> {
  const bodies: Buffer[] = [];
  for (const info of infos) {
    const { status, body } = await download(info.Url);
    expect(status).toBe(200);
    expect(body.length).toBe(info.Size);
    expect(md5(body)).toBe(info.MD5);
    bodies.push(body);
  }
  return bodies;
}

/** A small PNG front image unique to `seed`, as Base64 plus the MD5 of its bytes (the emulator keys cards by it). */
export function uniqueFront(seed: number): { base64: string; md5: string } {
  const bytes = encodePng(8, 8, new Uint8Array(8 * 8 * 3).fill(seed % 256));
  return { base64: bytes.toString('base64'), md5: md5(bytes) };
}

/** The last entry of a result's attempt list (the authoritative one); fails when the list is null or empty. */
export function last<T>(list: readonly T[] | null): T {
  const entry = list?.at(-1);
  if (entry === undefined) throw new Error('expected a non-empty attempt list');
  return entry;
}

/** Whether bytes start like a JPEG. */
export const isJpeg = (bytes: Buffer): boolean => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
/** Whether bytes start like a PNG. */
export const isPng = (bytes: Buffer): boolean => bytes.toString('latin1', 1, 4) === 'PNG';
/** Whether bytes start like an MP4 (an `ftyp` box first). */
export const isMp4 = (bytes: Buffer): boolean => bytes.toString('ascii', 4, 8) === 'ftyp';
/** Base64 to bytes, failing on null. */
export function decoded(base64: string | null): Buffer {
  if (base64 === null) throw new Error('expected inline Base64 media, got null');
  return Buffer.from(base64, 'base64');
}

// Typed wrappers of jest's asymmetric matchers (they are typed `any`, which the lint rules refuse in literals).
/** `expect.stringMatching(pattern)`. */
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
/** `expect.any(type)`. */
export const anyOf = (type: unknown): unknown => expect.any(type);
/** `expect.objectContaining(object)`. */
export const containing = (object: object): unknown => expect.objectContaining(object);
/** A FileInfo served by the emulator at an expiring URL. */
export const servedFileInfo = (emulator: RunningEmulator): unknown => ({
  Url: matching(
    new RegExp(
      `^${emulator.url.replace(/\./g, '\\.')}/media/[0-9a-f]{32}/[a-z0-9.-]+\\?expires=\\d+&signature=[0-9a-f]+$`,
    ),
  ),
  MD5: matching(/^[0-9a-f]{32}$/),
  Size: anyOf(Number),
});
