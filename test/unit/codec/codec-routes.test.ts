import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { EkycClient } from '../../../src/client/ekyc-client';
import { AesGcmCodec, ArchiveDataKeys, KeyRing, payloadFromJson, payloadToJson } from '../../../src/codec';
import { ArchiveCodecRevocations, type CodecSessionRevocations } from '../../../src/gateway/codec-revocations';
import { codecRoutes } from '../../../src/gateway/codec-routes';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { codecTokenId, CODEC_SESSION_COOKIE } from '../../../src/gateway/codec-session';
import { createGateway } from '../../../src/gateway/server';
import { createLogger } from '../../../src/logging';

const UI = 'http://127.0.0.1:8233';
const OTHER = 'http://127.0.0.1:9999';
const TOKEN = 'codec-test-token-000000001';
const OTHER_TOKEN = 'codec-test-token-000000002';
const current = { id: 'key-2', key: randomBytes(32) };
const retired = { id: 'key-1', key: randomBytes(32) };
const codec = new AesGcmCodec(new KeyRing([current, retired]));

const connection = Connection.lazy({ address: '127.0.0.1:1' });
const client = new Client({ connection });
const logLines: Record<string, unknown>[] = [];

function gatewayWith(
  tokens: string[],
  revocations?: CodecSessionRevocations,
  dataKeys?: ArchiveDataKeys,
): FastifyInstance {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return createGateway({
    client,
    ekyc: new EkycClient(client, 'unused'),
    settings: {
      apiKeys: ['api-key-0000000000000001'],
      operatorKeys: [],
      clientSecretKey: 'x'.repeat(32),
      sandbox: true,
    },
    logger: createLogger({ component: 'gateway', level: 'info', destination }),
    plugins: [
      codecRoutes({
        keyRing: new KeyRing([current, retired]),
        tokens,
        uiOrigins: [UI, 'http://localhost:8233'],
        namespace: 'default',
        endpointUrl: 'http://127.0.0.1:8080/codec',
        ...(revocations ? { revocations } : {}),
        ...(dataKeys ? { dataKeys } : {}),
      }),
    ],
  });
}

/** An HTTP answer, read whole. */
interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** A real HTTP request (Fastify's `inject` does not load under jest): undici, which lets a test set `Origin`. */
async function call(
  target: FastifyInstance,
  options: { method: 'GET' | 'POST' | 'OPTIONS'; url: string; headers?: Record<string, string>; payload?: string },
): Promise<Answer> {
  if (!target.server.listening) await target.listen({ host: '127.0.0.1', port: 0 });
  const { port } = target.server.address() as AddressInfo;
  const response = await request(`http://127.0.0.1:${port}${options.url}`, {
    method: options.method,
    headers: options.headers ?? {},
    ...(options.payload === undefined ? {} : { body: options.payload }),
  });
  const body = await response.body.text();
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body,
    json: <T>() => JSON.parse(body) as T,
  };
}

const app = gatewayWith([TOKEN, OTHER_TOKEN]);
afterAll(async () => {
  await app.close();
  await connection.close();
});

const json = (value: unknown) => defaultPayloadConverter.toPayload(value);

async function encryptedBody(...values: unknown[]): Promise<{ payloads: ReturnType<typeof payloadToJson>[] }> {
  return { payloads: (await codec.encode(values.map(json))).map(payloadToJson) };
}

function decodedValues(response: Answer): unknown[] {
  const body = response.json<{ payloads: Parameters<typeof payloadFromJson>[0][] }>();
  return body.payloads.map((payload) => defaultPayloadConverter.fromPayload(payloadFromJson(payload)));
}

function decode(headers: Record<string, string>, payload: unknown, target: FastifyInstance = app) {
  return call(target, {
    method: 'POST',
    url: '/codec/decode',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    payload: JSON.stringify(payload),
  });
}

async function signIn(token: string, target = app): Promise<{ response: Answer; cookie: string }> {
  const response = await call(target, {
    method: 'POST',
    url: '/codec/login',
    // The sign-in page's own form: the browser sends the gateway's origin.
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:8080' },
    payload: new URLSearchParams({ token }).toString(),
  });
  const setCookie = String(response.headers['set-cookie'] ?? '');
  return { response, cookie: setCookie.split(';')[0] ?? '' };
}

describe('preflight', () => {
  it('answers the UI origin with credentialed CORS for POST with the headers the UI sends', async () => {
    for (const path of ['/codec/decode', '/codec/encode']) {
      const response = await call(app, {
        method: 'OPTIONS',
        url: path,
        headers: {
          origin: UI,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
      expect(response.statusCode).toBe(204);
      expect(response.headers).toMatchObject({
        'access-control-allow-origin': UI,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'POST',
        vary: 'Origin',
      });
      const allowed = String(response.headers['access-control-allow-headers']).split(', ');
      expect(allowed).toEqual(expect.arrayContaining(['content-type', 'x-namespace', 'authorization']));
    }
  });

  it('refuses any other origin, and a preflight without one, with no CORS headers', async () => {
    const cases: Record<string, string>[] = [{ origin: OTHER }, { origin: 'null' }, {}];
    for (const headers of cases) {
      const response = await call(app, {
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: { ...headers, 'access-control-request-method': 'POST' },
      });
      expect(response.statusCode).toBe(403);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });
});

describe('decode and encode with a bearer token', () => {
  it('decodes payloads of the current and a retired key, and passes plain payloads through', async () => {
    const old = payloadToJson(
      (await new AesGcmCodec(new KeyRing([retired])).encode([json({ written: 'before rotation' })]))[0]!,
    );
    const body = await encryptedBody({ outcome: 'approved', reasons: ['all_checks_passed'] });
    body.payloads.push(old, payloadToJson(json('plain search attribute')));
    const response = await decode({ authorization: `Bearer ${TOKEN}` }, body);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(decodedValues(response)).toEqual([
      { outcome: 'approved', reasons: ['all_checks_passed'] },
      { written: 'before rotation' },
      'plain search attribute',
    ]);
  });

  it('encodes under the current key', async () => {
    const response = await call(app, {
      method: 'POST',
      url: '/codec/encode',
      headers: { authorization: `Bearer ${OTHER_TOKEN}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ payloads: [payloadToJson(json({ signal: 'from the UI' }))] }),
    });
    expect(response.statusCode).toBe(200);
    const [encoded] = response.json<{ payloads: Parameters<typeof payloadFromJson>[0][] }>().payloads;
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!, 'base64').toString()).toBe('key-2');
    const [decoded] = await codec.decode([payloadFromJson(encoded!)]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ signal: 'from the UI' });
  });

  it('refuses callers without a valid token: 401, with CORS headers so the UI can tell', async () => {
    const body = await encryptedBody('x');
    const none = await decode({ origin: UI }, body);
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'unauthenticated' });
    expect(none.headers['access-control-allow-origin']).toBe(UI);
    expect((await decode({ authorization: 'Bearer codec-test-token-999999999' }, body)).statusCode).toBe(401);
    expect((await decode({ authorization: `Basic ${TOKEN}` }, body)).statusCode).toBe(401);
  });

  it('refuses another browser origin even with a valid token', async () => {
    const response = await decode({ origin: OTHER, authorization: `Bearer ${TOKEN}` }, await encryptedBody('x'));
    expect(response.statusCode).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses another namespace', async () => {
    const response = await decode(
      { authorization: `Bearer ${TOKEN}`, 'x-namespace': 'payments' },
      await encryptedBody('x'),
    );
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      code: 'forbidden',
      detail: 'this codec endpoint serves namespace default',
    });
  });

  it('answers 422 naming an unknown key id, and 400 for a malformed body', async () => {
    const foreign = new AesGcmCodec(new KeyRing([{ id: 'other-deployment', key: randomBytes(32) }]));
    const body = { payloads: (await foreign.encode([json('x')])).map(payloadToJson) };
    const unknown = await decode({ authorization: `Bearer ${TOKEN}` }, body);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'undecodable_payload' });
    expect(unknown.json<{ detail: string }>().detail).toContain('"other-deployment"');

    const malformed = await decode({ authorization: `Bearer ${TOKEN}` }, { payloads: [{ data: 'not base64!' }] });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'validation_failed' });
  });
});

describe("a journey's payloads", () => {
  it('decode with its data key, and show the erased marker once the key is destroyed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'codec-data-keys-'));
    const vault = new ArchiveDataKeys(new FilesystemStore(root), new KeyRing([current, retired]));
    const withKeys = gatewayWith([TOKEN], undefined, vault);
    try {
      const writer = new AesGcmCodec(new KeyRing([current]), 'refuse', { vault, erased: 'fail' });
      const context = { type: 'workflow' as const, namespace: 'default', workflowId: 'ekyc:codec-erase' };
      const body = { payloads: (await writer.encode([json({ ocr: 'SANDBOX TESTER' })], context)).map(payloadToJson) };
      const before = await decode({ authorization: `Bearer ${TOKEN}` }, body, withKeys);
      expect(decodedValues(before)).toEqual([{ ocr: 'SANDBOX TESTER' }]);
      await vault.destroy('ekyc:codec-erase', new Date());
      const after = await decode({ authorization: `Bearer ${TOKEN}` }, body, withKeys);
      expect(after.statusCode).toBe(200);
      expect(decodedValues(after)).toEqual([{ erased: 'the data of journey ekyc:codec-erase was erased' }]);
    } finally {
      await withKeys.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('browser sessions', () => {
  it('the sign-in page is a plain form that cannot be framed', async () => {
    const response = await call(app, { method: 'GET', url: '/codec/login' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.body).toContain('<form method="post" action="login">');
    expect(response.body).toContain('type="password"');
  });

  it('a wrong token sets no cookie', async () => {
    const { response, cookie } = await signIn('codec-test-token-999999999');
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('That is not a codec token.');
    expect(cookie).toBe('');
  });

  it('a sign-in sets an HttpOnly SameSite=Lax cookie that decodes from the UI origin only', async () => {
    const { response, cookie } = await signIn(TOKEN);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('data-state="signed-in"');
    expect(response.body).toContain('http://127.0.0.1:8080/codec');
    const attributes = String(response.headers['set-cookie']).split('; ');
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/codec', 'Max-Age=28800']));
    expect(attributes).not.toContain('Secure');
    // The cookie holds the token's id and a MAC, never the token.
    expect(cookie).not.toContain(TOKEN);
    expect(cookie.startsWith(`${CODEC_SESSION_COOKIE}=${codecTokenId(TOKEN)}.`)).toBe(true);

    const body = await encryptedBody({ stage: 'completed' });
    const fromUi = await decode({ origin: UI, cookie }, body);
    expect(fromUi.statusCode).toBe(200);
    expect(decodedValues(fromUi)).toEqual([{ stage: 'completed' }]);
    expect(fromUi.headers['access-control-allow-credentials']).toBe('true');
    // Without an Origin (not a CORS request) or from another origin, the cookie alone is not enough.
    expect((await decode({ cookie }, body)).statusCode).toBe(401);
    expect((await decode({ origin: OTHER, cookie }, body)).statusCode).toBe(403);
  });

  it('refuses a tampered session, and a session of a token no longer configured', async () => {
    const { cookie } = await signIn(OTHER_TOKEN);
    const body = await encryptedBody('x');
    const tampered = cookie.replace(/\.(\d+)\./, (_match, expires: string) => `.${Number(expires) + 3600}.`);
    expect((await decode({ origin: UI, cookie: tampered }, body)).statusCode).toBe(401);

    const rotated = gatewayWith([TOKEN]);
    try {
      expect((await decode({ origin: UI, cookie }, body, rotated)).statusCode).toBe(401);
    } finally {
      await rotated.close();
    }
  });

  it("refuses a sign-in form sent from another site's page (login CSRF), and sets no cookie", async () => {
    const senders: Record<string, string>[] = [
      { origin: OTHER },
      { origin: OTHER, 'sec-fetch-site': 'same-origin' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
      {},
    ];
    for (const headers of senders) {
      const response = await call(app, {
        method: 'POST',
        url: '/codec/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams({ token: TOKEN }).toString(),
      });
      expect(response.statusCode).toBe(403);
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it("accepts the sign-in page's own form, which a no-referrer page sends with Origin: null", async () => {
    const response = await call(app, {
      method: 'POST',
      url: '/codec/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'same-origin' },
      payload: new URLSearchParams({ token: TOKEN }).toString(),
    });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['set-cookie'])).toContain(`${CODEC_SESSION_COOKIE}=`);
  });

  it('signing out clears the cookie', async () => {
    const response = await call(app, { method: 'POST', url: '/codec/logout' });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['set-cookie'])).toMatch(
      new RegExp(`^${CODEC_SESSION_COOKIE}=; Path=/codec; Max-Age=0;`),
    );
  });

  it('signing out on one gateway revokes the session on every gateway sharing the archive, and only that one', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ekyc-codec-revocations-'));
    // Two gateway processes: their own revocation caches, one archive folder.
    const first = gatewayWith([TOKEN], new ArchiveCodecRevocations(new FilesystemStore(root), 0));
    const second = gatewayWith([TOKEN], new ArchiveCodecRevocations(new FilesystemStore(root), 0));
    try {
      const body = await encryptedBody('x');
      const { cookie } = await signIn(TOKEN, first);
      const { cookie: otherSession } = await signIn(TOKEN, first);
      expect(otherSession).not.toBe(cookie);
      expect((await decode({ origin: UI, cookie }, body, second)).statusCode).toBe(200);

      const out = await call(first, { method: 'POST', url: '/codec/logout', headers: { cookie } });
      expect(out.statusCode).toBe(200);
      // A copy of the cookie (another tab, a stolen value) no longer works anywhere.
      expect((await decode({ origin: UI, cookie }, body, second)).statusCode).toBe(401);
      expect((await decode({ origin: UI, cookie }, body, first)).statusCode).toBe(401);
      expect((await decode({ origin: UI, cookie: otherSession }, body, second)).statusCode).toBe(200);
      // Only a hash of the cookie is stored.
      const stored = await new FilesystemStore(root).list('codec-sessions/');
      expect(stored).toHaveLength(1);
      expect(stored[0]).not.toContain(cookie.split('=')[1] ?? '');
    } finally {
      await first.close();
      await second.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('audit log', () => {
  it('logs every decode and encode with who, namespace and payload count, never tokens or payloads', async () => {
    logLines.length = 0;
    const { cookie } = await signIn(TOKEN);
    await decode({ authorization: `Bearer ${OTHER_TOKEN}` }, await encryptedBody('secret-one', 'secret-two'));
    await decode({ origin: UI, cookie }, await encryptedBody('secret-three'));
    await decode({}, await encryptedBody('refused'));

    const audits = logLines.filter((line) => typeof line.codec === 'string');
    expect(audits).toEqual([
      expect.objectContaining({ codec: 'login', tokenId: codecTokenId(TOKEN) }),
      expect.objectContaining({
        codec: 'decode',
        via: 'bearer token',
        tokenId: codecTokenId(OTHER_TOKEN),
        namespace: 'default',
        payloads: 2,
        outcome: 'ok',
        msg: 'codec decode',
      }),
      expect.objectContaining({ codec: 'decode', via: 'cookie session', tokenId: codecTokenId(TOKEN), payloads: 1 }),
    ]);
    for (const line of audits) expect(typeof line.time).toBe('string');
    const text = JSON.stringify(logLines);
    for (const secret of [TOKEN, OTHER_TOKEN, 'secret-one', 'secret-three', cookie.split('=')[1]!]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('failed attempts', () => {
  it('refuses an address with 429 and Retry-After after 10 wrong tokens, a right one included', async () => {
    const limited = gatewayWith([TOKEN]);
    try {
      const login = (token: string) =>
        call(limited, {
          method: 'POST',
          url: '/codec/login',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ token }),
        });
      for (let attempt = 0; attempt < 10; attempt += 1) {
        expect((await login(`codec-test-wrong-token-${attempt}`)).statusCode).toBe(401);
      }
      for (const refused of [await login(TOKEN), await decode({ authorization: `Bearer ${TOKEN}` }, {}, limited)]) {
        expect(refused.statusCode).toBe(429);
        expect(refused.json()).toMatchObject({ code: 'too_many_attempts' });
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }
    } finally {
      await limited.close();
    }
  });

  it('counts wrong bearer tokens on decode too, and answers a sign-in form with a 429 page', async () => {
    const limited = gatewayWith([TOKEN]);
    try {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const body = await encryptedBody('x');
        expect(
          (await decode({ authorization: `Bearer wrong-token-${attempt}-0000000` }, body, limited)).statusCode,
        ).toBe(401);
      }
      const { response, cookie } = await signIn(TOKEN, limited);
      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBeDefined();
      expect(cookie).toBe('');
    } finally {
      await limited.close();
    }
  });
});
