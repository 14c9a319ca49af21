import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { bearerToken, keyMatches } from './auth';

/** Name of the HttpOnly cookie the codec sign-in sets for the browser running the Temporal UI. */
export const CODEC_SESSION_COOKIE = 'ekyc_codec_session';

/** How long a browser session lasts: one working day. */
export const CODEC_SESSION_SECONDS = 8 * 60 * 60;

/** Who called the codec endpoint, as log lines name them: never the token, only its id. */
export interface CodecCaller {
  via: 'bearer token' | 'cookie session';
  /** The first 12 hex digits of the token's SHA-256: enough to tell the configured tokens apart, useless to a thief. */
  tokenId: string;
}

/** The printable id of a codec token. */
export function codecTokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

function sessionMac(token: string, body: string): Buffer {
  return createHmac('sha256', token).update(`ekyc-codec-session:${body}`).digest();
}

/**
 * A session cookie value for a token: `<token id>.<expiry in epoch seconds>.<random session id>.<HMAC>`, keyed by the
 * token itself, so removing a token from `CODEC_AUTH_TOKENS` ends its sessions and no other secret has to be
 * configured; the session id makes every sign-in's value its own, so signing one out revokes that one alone.
 */
export function issueCodecSession(token: string, nowMs: number = Date.now()): string {
  const session = randomBytes(16).toString('base64url');
  const body = `${codecTokenId(token)}.${Math.floor(nowMs / 1000) + CODEC_SESSION_SECONDS}.${session}`;
  return `${body}.${sessionMac(token, body).toString('base64url')}`;
}

/** A valid session: who it is, and when it expires (its revocation is kept that long). */
export type CodecSessionCaller = CodecCaller & { expiresAtMs: number };

/** The caller a session cookie value stands for, or undefined when it is malformed, expired or of no current token. */
export function verifyCodecSession(
  tokens: readonly string[],
  value: string,
  nowMs: number = Date.now(),
): CodecSessionCaller | undefined {
  const match = /^([0-9a-f]{12})\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  const [, tokenId = '', expires = '', session = '', mac = ''] = match;
  const expiresAtMs = Number(expires) * 1000;
  if (expiresAtMs <= nowMs) return undefined;
  const given = Buffer.from(mac, 'base64url');
  let valid = false;
  // Every token is tried, so the time taken does not tell which one (if any) the session belongs to.
  for (const token of tokens) {
    const expected = sessionMac(token, `${tokenId}.${expires}.${session}`);
    if (timingSafeEqual(expected, given) && codecTokenId(token) === tokenId) valid = true;
  }
  return valid ? { via: 'cookie session', tokenId, expiresAtMs } : undefined;
}

/** The caller of a bearer token from `tokens` (compared in constant time), or undefined. */
export function bearerCaller(request: FastifyRequest, tokens: readonly string[]): CodecCaller | undefined {
  const token = bearerToken(request);
  if (!token || !keyMatches(tokens, token)) return undefined;
  return { via: 'bearer token', tokenId: codecTokenId(token) };
}
