import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { EkycClient } from '../../../src/client/ekyc-client';
import { SESSION_COOKIE } from '../../../src/console/console-kit';
import { consoleRoutes } from '../../../src/console/console-routes';
import { ConsoleSessions, type PendingSignIn } from '../../../src/console/console-sessions';
import { createGateway } from '../../../src/gateway/server';
import { AuditLog } from '../../../src/review/audit-log';
import { ReviewService } from '../../../src/review/review-service';

/** What the stand-in identity provider was handed: the sign-in each authorization URL and each callback carried. */
const seen: { started: PendingSignIn[]; finished: PendingSignIn[] } = { started: [], finished: [] };

// The identity provider stands in: these tests are about what the console keeps, not about OpenID Connect.
jest.mock('../../../src/console/oidc-sign-in', () => ({
  OidcSignIn: class {
    authorizationUrl(pending: PendingSignIn): Promise<string> {
      seen.started.push(pending);
      return Promise.resolve(`http://idp.test/authorize?state=${pending.state}`);
    }
    finish(_url: string, pending: PendingSignIn): Promise<{ userId: string; roles: string[] }> {
      seen.finished.push(pending);
      return Promise.resolve({ userId: 'auditor-1', roles: ['auditor'] });
    }
  },
}));

const LIFETIMES = { idleSeconds: 600, maxSeconds: 3600 };
const SECRET = 'test-client-secret-key-0000000000001';

describe('console sign-in', () => {
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const client = new Client({ connection });
  let dir: string;
  let store: FilesystemStore;
  let app: FastifyInstance;
  let url: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-sign-in-'));
    store = new FilesystemStore(dir);
    const ekyc = new EkycClient(client, 'unused');
    const audit = new AuditLog(store);
    app = createGateway({
      client,
      ekyc,
      archive: store,
      settings: { apiKeys: [], operatorKeys: [], clientSecretKey: SECRET, sandbox: true },
      plugins: [
        consoleRoutes({
          review: new ReviewService({ journeys: ekyc, client, audit }),
          store,
          signInSecret: SECRET,
          audit,
          oidc: { issuer: 'http://idp.test', clientId: 'console', rolesClaim: 'roles' },
          ...LIFETIMES,
        }),
      ],
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    seen.started = [];
    seen.finished = [];
  });
  afterEach(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(() => connection.close());

  const get = (path: string, cookie?: string) =>
    fetch(`${url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  /** The `name=value` of a cookie the answer sets. */
  const cookieOf = (response: Response, name: string): string | undefined =>
    response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0] ?? '')
      .find((pair) => pair.startsWith(`${name}=`) && pair.length > name.length + 1);

  async function signIn(earlierSession?: string): Promise<string> {
    const login = await get('/console/login');
    const signInCookie = cookieOf(login, 'ekyc_console_sign_in') ?? '';
    const callback = await get(
      '/console/callback?code=abc&state=x',
      [signInCookie, earlierSession].filter(Boolean).join('; '),
    );
    expect(callback.status).toBe(303);
    return cookieOf(callback, SESSION_COOKIE) ?? '';
  }

  it('writes nothing to the store before authentication: the sign-in under way is sealed in its cookie', async () => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const login = await get('/console/login');
      expect(login.status).toBe(303);
      const cookie = cookieOf(login, 'ekyc_console_sign_in') ?? '';
      // Neither the state nor the PKCE verifier can be read from the cookie.
      expect(cookie).not.toContain(seen.started[attempt]?.state);
      expect(cookie).not.toContain(seen.started[attempt]?.codeVerifier);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('finishes with the sign-in its cookie sealed, and refuses a tampered or missing one', async () => {
    const login = await get('/console/login');
    const cookie = cookieOf(login, 'ekyc_console_sign_in') ?? '';
    const tampered = `${cookie.slice(0, -2)}${cookie.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const refused of [
      await get('/console/callback?code=abc', tampered),
      await get('/console/callback?code=abc'),
    ]) {
      expect(refused.status).toBe(401);
      expect(await refused.text()).toContain('That sign-in expired or was already used.');
    }
    expect(seen.finished).toEqual([]);
    expect((await get('/console/callback?code=abc', cookie)).status).toBe(303);
    expect(seen.finished).toEqual(seen.started);
  });

  it('signing in again ends the earlier session on every gateway', async () => {
    const first = await signIn();
    expect((await get('/console/audit', first)).status).toBe(200);
    const second = await signIn(first);
    expect((await get('/console/audit', second)).status).toBe(200);
    expect((await get('/console/audit', first)).status).toBe(401);
    await expect(new ConsoleSessions(store, LIFETIMES).find(first.split('=')[1] ?? '')).resolves.toBeUndefined();
  });

  it('refuses an export of a day the calendar does not have', async () => {
    const session = await signIn();
    const value = session.split('=')[1] ?? '';
    const csrf = (await new ConsoleSessions(store, LIFETIMES).find(value))?.csrf ?? '';
    const exportOf = (from: string, to: string) =>
      fetch(`${url}/console/audit/export`, {
        method: 'POST',
        headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, from, to }).toString(),
      });
    expect((await exportOf('2026-02-30', '2026-03-01')).status).toBe(400);
    expect((await exportOf('2026-02-01', '2026-02-31')).status).toBe(400);
    expect((await exportOf('2026-02-27', '2026-02-28')).status).toBe(200);
  });
});
