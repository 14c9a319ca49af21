import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SealingKey } from '../gateway/sealing-key';
import type { PendingSignIn } from './console-sessions';

/** A sign-in has this long to come back from the identity provider. */
export const SIGN_IN_SECONDS = 600;
/** A sealed sign-in is about 250 characters; anything much longer is not one. */
const MAX_VALUE_LENGTH = 2048;

const pendingSignInSchema = z.object({
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  expiresAtMs: z.number(),
}) satisfies z.ZodType<PendingSignIn>;

/**
 * Sign-ins under way, kept in the browser's sign-in cookie instead of the shared store, so that an unauthenticated
 * `GET /console/login` writes nothing anywhere. The state, nonce and PKCE verifier are sealed (AES-256-GCM,
 * {@link SealingKey}) under a key derived from a secret every gateway shares, so any gateway finishes the sign-in, and
 * the browser can neither read nor forge them. The provider redeems a code once, so a replayed cookie gains nothing.
 */
export class SignInCookies {
  private readonly key: SealingKey;

  constructor(sharedSecret: string) {
    this.key = new SealingKey(sharedSecret, 'console sign-in cookie');
  }

  /** A new sign-in and the cookie value that carries it. */
  begin(nowMs = Date.now()): { value: string; pending: PendingSignIn } {
    const pending: PendingSignIn = {
      state: randomBytes(32).toString('base64url'),
      nonce: randomBytes(32).toString('base64url'),
      codeVerifier: randomBytes(32).toString('base64url'),
      expiresAtMs: nowMs + SIGN_IN_SECONDS * 1000,
    };
    return { value: this.key.seal(JSON.stringify(pending)), pending };
  }

  /** The sign-in a cookie value carries, or undefined when it is malformed, forged, tampered with or expired. */
  open(value: string, nowMs = Date.now()): PendingSignIn | undefined {
    const plain = value.length <= MAX_VALUE_LENGTH ? this.key.open(value) : undefined;
    if (plain === undefined) return undefined;
    const pending = pendingSignInSchema.safeParse(JSON.parse(plain));
    return pending.success && pending.data.expiresAtMs > nowMs ? pending.data : undefined;
  }
}
