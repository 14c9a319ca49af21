import { createHash, timingSafeEqual } from 'node:crypto';
import { KEY_ID_PATTERN } from '../codec/key-ring';

/** One operator credential: the identity the journey and the audit log record, and the bearer key that proves it. */
export interface OperatorKey {
  readonly id: string;
  readonly key: string;
}

/** An operator key needs this many characters, as every other gateway key. */
const MIN_KEY_LENGTH = 16;

/** A `GATEWAY_OPERATOR_KEYS` entry is malformed; the message never quotes the entry. */
export class OperatorKeyError extends Error {
  override readonly name = 'OperatorKeyError';
}

/**
 * The identity of a key configured without one: `key-` and the first 12 hex digits of its SHA-256, which tells the
 * keys apart in the audit log and gives away nothing of the key.
 */
export function derivedOperatorId(key: string): string {
  return `key-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/**
 * One `GATEWAY_OPERATOR_KEYS` entry: `id:key`, split at the first `:` (identities follow the key-id pattern, so they
 * hold none), or a bare key, which keeps working under {@link derivedOperatorId}.
 */
export function parseOperatorKey(entry: string): OperatorKey {
  const separator = entry.indexOf(':');
  const id = separator < 0 ? undefined : entry.slice(0, separator);
  const key = separator < 0 ? entry : entry.slice(separator + 1);
  if (id !== undefined && !KEY_ID_PATTERN.test(id)) {
    throw new OperatorKeyError('an identity must be 1-64 letters, digits, ".", "_" or "-" before the first ":"');
  }
  if (key.length < MIN_KEY_LENGTH) {
    throw new OperatorKeyError(`every key needs at least ${MIN_KEY_LENGTH} characters`);
  }
  return { id: id ?? derivedOperatorId(key), key };
}

/** A value's SHA-256, so that keys of any length compare as buffers of one length. */
export function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The identity whose key `candidate` is, or undefined. Every key is compared, as hashes of equal length, so the time
 * taken reveals neither which key matched nor how much of it.
 */
export function operatorOfKey(keys: readonly OperatorKey[], candidate: string): string | undefined {
  const given = digest(candidate);
  let matched: string | undefined;
  for (const { id, key } of keys) if (timingSafeEqual(digest(key), given)) matched ??= id;
  return matched;
}
