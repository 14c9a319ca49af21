import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { ConfigError } from '../../../src/config-error';
import { gatewayConfig } from '../../../src/config/gateway';
import { ConsoleSessions, csrfMatches, removeExpiredConsoleSessions } from '../../../src/console/console-sessions';
import { rolesOf } from '../../../src/console/oidc-sign-in';

describe('console sessions', () => {
  let dir: string;
  let store: FilesystemStore;
  let sessions: ConsoleSessions;
  const t0 = Date.parse('2026-12-01T10:00:00Z');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-sessions-'));
    store = new FilesystemStore(dir);
    sessions = new ConsoleSessions(store, { idleSeconds: 600, maxSeconds: 3600 });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('finds a session by its cookie and stores only the cookie’s hash', async () => {
    const { value } = await sessions.create('reviewer-1', ['reviewer'], t0);
    await expect(sessions.find(value, t0 + 1_000)).resolves.toMatchObject({
      userId: 'reviewer-1',
      roles: ['reviewer'],
    });
    const keys = await store.list('console-sessions/');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^console-sessions\/2026-12-01\/[0-9a-f]{64}\.json$/);
    expect(keys[0]).not.toContain(value.split('.')[1]);
  });

  it('ends a session after the idle time, and after the absolute lifetime even when in use', async () => {
    const idle = await sessions.create('reviewer-1', ['reviewer'], t0);
    await expect(sessions.find(idle.value, t0 + 600_000)).resolves.toBeUndefined();

    const busy = await sessions.create('reviewer-2', ['reviewer'], t0);
    for (let minute = 5; minute < 60; minute += 5) {
      await expect(sessions.find(busy.value, t0 + minute * 60_000)).resolves.toBeDefined();
    }
    await expect(sessions.find(busy.value, t0 + 3600_000)).resolves.toBeUndefined();
  });

  it('revokes a session on sign-out and refuses values it never issued', async () => {
    const { value } = await sessions.create('auditor-1', ['auditor'], t0);
    await sessions.revoke(value);
    await expect(sessions.find(value, t0)).resolves.toBeUndefined();
    await expect(sessions.find('../../etc/passwd', t0)).resolves.toBeUndefined();
  });

  it('checks the CSRF token exactly', async () => {
    const { session } = await sessions.create('reviewer-1', ['reviewer'], t0);
    expect(csrfMatches(session, session.csrf)).toBe(true);
    expect(csrfMatches(session, `${session.csrf}x`)).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
  });

  it('cleans up the records of past days', async () => {
    await sessions.create('reviewer-1', ['reviewer'], t0);
    // A sign-in record an earlier version kept in the store.
    const day = new Date(t0).toISOString().slice(0, 10);
    await store.put(`console-sign-ins/${day}/legacy.json`, Buffer.from('{}'), { contentType: 'application/json' });
    await expect(removeExpiredConsoleSessions(store, t0 + 2 * 86_400_000)).resolves.toBe(2);
  });
});

describe('console roles and settings', () => {
  it('reads roles from an array or a space-separated claim, ignoring others', () => {
    expect(rolesOf(['reviewer', 'admin'])).toEqual(['reviewer']);
    expect(rolesOf('auditor reviewer')).toEqual(['reviewer', 'auditor']);
    expect(rolesOf(['policy-admin', 'policy_admin'])).toEqual(['policy-admin']);
    expect(rolesOf(undefined)).toEqual([]);
    expect(rolesOf({ reviewer: true })).toEqual([]);
  });

  it('points at the sandbox provider in sandbox mode, and is off elsewhere until an issuer is set', () => {
    expect(gatewayConfig({}).console).toMatchObject({
      issuer: 'http://127.0.0.1:8088',
      clientId: 'ekyc-console',
      rolesClaim: 'ekyc_roles',
      idleSeconds: 1800,
      maxSeconds: 28_800,
    });
    const production = {
      FACEID_SECRET_ID: 'id',
      FACEID_SECRET_KEY: 'key',
      CODEC_KEYS: `prod-1:${Buffer.alloc(32, 1).toString('base64')}`,
    };
    expect(gatewayConfig(production).console).toBeUndefined();
    expect(
      gatewayConfig({
        ...production,
        CONSOLE_OIDC_ISSUER: 'https://login.example.com/realms/ekyc/',
        CONSOLE_OIDC_CLIENT_ID: 'console',
        CONSOLE_OIDC_ROLES_CLAIM: 'groups',
      }).console,
    ).toMatchObject({ issuer: 'https://login.example.com/realms/ekyc', clientSecret: undefined, rolesClaim: 'groups' });
    expect(() => gatewayConfig({ ...production, CONSOLE_OIDC_ISSUER: 'https://login.example.com' })).toThrow(
      /CONSOLE_OIDC_CLIENT_ID: required/,
    );
    expect(() =>
      gatewayConfig({ ...production, CONSOLE_OIDC_ISSUER: 'http://login.example.com', CONSOLE_OIDC_CLIENT_ID: 'c' }),
    ).toThrow(ConfigError);
  });
});
