import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header that carries a webhook's timestamp and signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-ekyc-signature';

/** Header that carries the delivery attempt (1 for the first try), so a backend can tell retries apart. */
export const WEBHOOK_ATTEMPT_HEADER = 'x-ekyc-attempt';

/** Default tolerance between a signature's timestamp and the receiver's clock: five minutes, as replay protection. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/** Why {@link verifyWebhook} refused a delivery; never includes a secret or the expected signature. */
export type WebhookRejection = 'malformed_header' | 'stale_timestamp' | 'signature_mismatch' | 'no_secrets';

/** What {@link verifyWebhook} concludes. */
export type WebhookVerification = { valid: true; timestamp: number } | { valid: false; reason: WebhookRejection };

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The `X-Ekyc-Signature` header as received. */
  header: string | string[] | undefined;
  /** The raw request body, byte for byte as received (parse JSON only after verifying). */
  body: string | Buffer;
  /** Every secret currently accepted: during a rotation, the new one and the old one. */
  secrets: readonly string[];
  /** How far the timestamp may be from `now` (default 300 s). */
  toleranceSeconds?: number;
  /** The receiver's clock in epoch milliseconds (default `Date.now()`); tests pin it. */
  now?: number;
}

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The `X-Ekyc-Signature` value for a body: HMAC-SHA256 over `"<timestamp>.<raw body>"` with `secret`. */
export function signWebhook(body: string | Buffer, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

function parseHeader(header: string): { timestamp: number; signatures: Buffer[] } | undefined {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) return undefined;
    const name = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (name === 't') {
      if (!/^\d{1,12}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (name === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Unknown schemes are skipped, so a future `v2` next to `v1` does not break today's receivers.
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

/**
 * Checks a webhook delivery before a backend trusts its body: the header must be well formed, its timestamp within
 * the tolerance, and one of its `v1` signatures must match one of `secrets` (compared in constant time).
 */
export function verifyWebhook(options: VerifyWebhookOptions): WebhookVerification {
  const secrets = options.secrets.filter((secret) => secret.length > 0);
  if (secrets.length === 0) return { valid: false, reason: 'no_secrets' };
  const header = Array.isArray(options.header) ? options.header[0] : options.header;
  const parsed = header ? parseHeader(header) : undefined;
  if (!parsed) return { valid: false, reason: 'malformed_header' };
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) return { valid: false, reason: 'stale_timestamp' };
  let matched = false;
  // Every pair is compared, so the time taken does not reveal which secret or signature matched.
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, parsed.timestamp, options.body), 'hex');
    for (const candidate of parsed.signatures) {
      if (timingSafeEqual(expected, candidate)) matched = true;
    }
  }
  return matched ? { valid: true, timestamp: parsed.timestamp } : { valid: false, reason: 'signature_mismatch' };
}
