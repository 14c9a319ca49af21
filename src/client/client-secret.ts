import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The per-journey secret a client app presents to the gateway: `base64url(HMAC-SHA256(key, journeyId))`. Stateless,
 * so it is never stored in history and any gateway instance with the same key can check it.
 */
export function clientSecretFor(key: string, journeyId: string): string {
  return createHmac('sha256', key).update(journeyId).digest('base64url');
}

/** Whether `candidate` is the client secret of `journeyId`, compared in constant time. */
export function clientSecretMatches(key: string, journeyId: string, candidate: string): boolean {
  const expected = Buffer.from(clientSecretFor(key, journeyId));
  const given = Buffer.from(candidate);
  // Lengths are public (every secret has the same length); only equal-length buffers are compared.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
