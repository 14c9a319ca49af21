import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { PendingSignIn } from './console-sessions';

/** A sign-in has this long to come back from the identity provider. */
export const SIGN_IN_SECONDS = 600;

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds a sealed value to its use: a value sealed for anything else under the same key does not open here. */
const PURPOSE = Buffer.from('ekyc-console-sign-in/v1');

/**
 * Sign-ins under way, kept in the browser's sign-in cookie instead of the shared store, so that an unauthenticated
 * `GET /console/login` writes nothing anywhere. The state, nonce and PKCE verifier are sealed with AES-256-GCM under a
 * key derived (HKDF-SHA256) from a secret every gateway shares, so any gateway finishes the sign-in, and the browser
 * can neither read nor forge them. The provider redeems a code once, so a replayed cookie gains nothing.
 */
export class SignInCookies {
  private readonly key: Buffer;

  constructor(sharedSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', sharedSecret, 'ekyc-journeys', 'console sign-in cookie', 32));
  }

  /** A new sign-in and the cookie value that carries it. */
  begin(nowMs = Date.now()): { value: string; pending: PendingSignIn } {
    const pending: PendingSignIn = {
      state: randomBytes(32).toString('base64url'),
      nonce: randomBytes(32).toString('base64url'),
      codeVerifier: randomBytes(32).toString('base64url'),
      expiresAtMs: nowMs + SIGN_IN_SECONDS * 1000,
    };
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(PURPOSE);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(pending), 'utf8'), cipher.final()]);
    return { value: Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url'), pending };
  }

  /** The sign-in a cookie value carries, or undefined when it is malformed, forged, tampered with or expired. */
  open(value: string, nowMs = Date.now()): PendingSignIn | undefined {
    if (!/^[A-Za-z0-9_-]{1,2048}$/.test(value)) return undefined;
    const raw = Buffer.from(value, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
    let pending: unknown;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES)).setAAD(PURPOSE);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      pending = JSON.parse(plain.toString('utf8'));
    } catch {
      return undefined;
    }
    return isPendingSignIn(pending) && pending.expiresAtMs > nowMs ? pending : undefined;
  }
}

function isPendingSignIn(value: unknown): value is PendingSignIn {
  const candidate = value as Partial<PendingSignIn> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.state === 'string' &&
    typeof candidate.nonce === 'string' &&
    typeof candidate.codeVerifier === 'string' &&
    typeof candidate.expiresAtMs === 'number'
  );
}
