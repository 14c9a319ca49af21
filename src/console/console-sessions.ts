import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { removePastDayFolders, utcDay } from '../store/day-folders';
import type { ObjectStore } from '../store/object-store';

/**
 * What the console may let a user do: reviewers claim, release and decide; auditors only read; policy admins write,
 * publish, retire and back-test decision policies (and see no case).
 */
export type ConsoleRole = 'reviewer' | 'auditor' | 'policy-admin';

/** A signed-in user's session: ids and roles only, never a token or the identity provider's other claims. */
export interface ConsoleSession {
  /** The reviewer id the journey and the audit log record (the OIDC `preferred_username`, else `sub`). */
  userId: string;
  roles: ConsoleRole[];
  /** The token every state-changing form carries (CSRF). */
  csrf: string;
  /** Epoch ms. */
  signedInAtMs: number;
  lastSeenAtMs: number;
  expiresAtMs: number;
}

/** A sign-in under way: what the callback checks the provider's answer against (kept in the sign-in cookie). */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  expiresAtMs: number;
}

const SESSIONS = 'console-sessions/';
/** Where earlier versions kept sign-ins under way (now in the sign-in cookie, sign-in-cookie.ts); cleaned up still. */
const SIGN_INS = 'console-sign-ins/';
const COOKIE_VALUE = /^(\d{10,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Console sessions, in the archive store every gateway shares, so any gateway behind the load balancer serves a
 * session and a sign-out revokes it everywhere. The cookie value is `<absolute expiry in epoch
 * seconds>.<256 random bits>`; the store keeps records under the UTC day of that expiry (so clean-up removes past
 * days whole) and names them by the value's SHA-256, never the value itself.
 */
export class ConsoleSessions {
  constructor(
    private readonly store: ObjectStore,
    private readonly lifetimes: { idleSeconds: number; maxSeconds: number },
  ) {}

  /** Starts a session; answers the cookie value. */
  async create(
    userId: string,
    roles: ConsoleRole[],
    nowMs = Date.now(),
  ): Promise<{ value: string; session: ConsoleSession }> {
    const expiresAtMs = nowMs + this.lifetimes.maxSeconds * 1000;
    const value = `${Math.floor(expiresAtMs / 1000)}.${randomBytes(32).toString('base64url')}`;
    const session: ConsoleSession = {
      userId,
      roles,
      csrf: randomBytes(32).toString('base64url'),
      signedInAtMs: nowMs,
      lastSeenAtMs: nowMs,
      expiresAtMs,
    };
    await this.write(value, session, undefined);
    return { value, session };
  }

  /**
   * The live session a cookie value stands for, or undefined (unknown, signed out, idle too long, past its absolute
   * expiry); a live one's last use is moved on, at most once a tenth of the idle time, so busy pages do not write on
   * every request.
   */
  async find(value: string, nowMs = Date.now()): Promise<ConsoleSession | undefined> {
    const record = await this.read(value, nowMs);
    if (!record) return undefined;
    const { body: session, version } = record;
    const idleMs = this.lifetimes.idleSeconds * 1000;
    if (nowMs - session.lastSeenAtMs >= idleMs) {
      await this.store.delete(keyOf(value));
      return undefined;
    }
    if (nowMs - session.lastSeenAtMs >= idleMs / 10) {
      const renewed = { ...session, lastSeenAtMs: nowMs };
      // Another request of the same browser may have renewed it first: either write is as good.
      await this.write(value, renewed, version);
      return renewed;
    }
    return session;
  }

  /** Ends a session on every gateway (sign-out). */
  async revoke(value: string): Promise<void> {
    if (COOKIE_VALUE.test(value)) await this.store.delete(keyOf(value));
  }

  private async read(value: string, nowMs: number): Promise<{ body: ConsoleSession; version: string } | undefined> {
    if (!COOKIE_VALUE.test(value)) return undefined;
    const found = await this.store.readVersioned(keyOf(value));
    if (!found) return undefined;
    const body = JSON.parse(found.body.toString('utf8')) as ConsoleSession;
    if (body.expiresAtMs <= nowMs) return undefined;
    return { body, version: found.version };
  }

  private async write(value: string, body: ConsoleSession, version: string | undefined): Promise<void> {
    await this.store.putIfVersion(keyOf(value), Buffer.from(JSON.stringify(body)), 'application/json', version);
  }
}

/** Whether a form's CSRF token is the session's (constant time). */
export function csrfMatches(session: ConsoleSession, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(session.csrf);
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Removes the records of sessions (and earlier versions' sign-ins) that expired before yesterday; returns how many. */
export async function removeExpiredConsoleSessions(store: ObjectStore, now = Date.now()): Promise<number> {
  return (await removePastDayFolders(store, SESSIONS, now)) + (await removePastDayFolders(store, SIGN_INS, now));
}

function keyOf(value: string): string {
  const [expires = '0'] = value.split('.');
  // The cookie is a credential until it expires: only its hash names the record.
  return `${SESSIONS}${utcDay(Number(expires) * 1000)}/${createHash('sha256').update(value).digest('hex')}.json`;
}
