import { inspect } from 'node:util';

/** One AES-256 key and the id written beside every payload it encrypts. */
export interface CodecKey {
  readonly id: string;
  /** Exactly 32 bytes. */
  readonly key: Buffer;
}

/** What a key id may look like: it travels in payload metadata and in error messages, so it stays short and plain. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** AES-256 takes a 32-byte key. */
const KEY_BYTES = 32;

/**
 * The published sandbox key ring (`CODEC_KEYS` in sandbox mode): the key is the ASCII text
 * "ekyc-journeys sandbox codec key!", so it protects nothing and must never be used outside the sandbox.
 */
export const SANDBOX_CODEC_KEYS = 'sandbox-1:ZWt5Yy1qb3VybmV5cyBzYW5kYm94IGNvZGVjIGtleSE=';

/** A key ring specification is malformed; the message names the entry, never key material. */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}

/**
 * The keys a codec uses: the current key encrypts every new payload, and every key (current included) decrypts, so
 * payloads written before a rotation stay readable for as long as their key stays in the ring. Printing or
 * serialising a ring shows its key ids only.
 */
export class KeyRing {
  readonly current: CodecKey;
  private readonly byId: ReadonlyMap<string, CodecKey>;

  constructor(keys: readonly CodecKey[]) {
    const [current] = keys;
    if (!current) throw new KeyRingError('needs at least one key');
    const byId = new Map<string, CodecKey>();
    for (const key of keys) {
      if (!KEY_ID_PATTERN.test(key.id))
        throw new KeyRingError('a key id must be 1-64 letters, digits, ".", "_" or "-"');
      if (key.key.length !== KEY_BYTES) throw new KeyRingError(`key "${key.id}" must be ${KEY_BYTES} bytes`);
      if (byId.has(key.id)) throw new KeyRingError(`key id "${key.id}" appears twice`);
      byId.set(key.id, { id: key.id, key: Buffer.from(key.key) });
    }
    this.current = byId.get(current.id) as CodecKey;
    this.byId = byId;
  }

  /** Every key id, the current one first. */
  get ids(): string[] {
    return [...this.byId.keys()];
  }

  /** The key of an id, or undefined when the ring does not hold it. */
  find(id: string): CodecKey | undefined {
    return this.byId.get(id);
  }

  toJSON(): { current: string; ids: string[] } {
    return { current: this.current.id, ids: this.ids };
  }

  [inspect.custom](): string {
    return `KeyRing { current: '${this.current.id}', ids: [${this.ids.map((id) => `'${id}'`).join(', ')}] }`;
  }
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Parses a key ring specification (`CODEC_KEYS`): `id:base64,olderId:base64,…`, each key 32 bytes in Base64
 * (`openssl rand -base64 32`), the first entry the current key. Errors point at the entry by position and id only.
 */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new KeyRingError('expected id:base64-key entries separated by commas');
  const keys = entries.map((entry, index): CodecKey => {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    if (!KEY_ID_PATTERN.test(id)) {
      throw new KeyRingError(`entry ${index + 1} must be <key id>:<Base64 key> with a key id of 1-64 [A-Za-z0-9._-]`);
    }
    const material = entry.slice(separator + 1);
    const key = BASE64.test(material) ? Buffer.from(material, 'base64') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) {
      throw new KeyRingError(`key "${id}" (entry ${index + 1}) must be ${KEY_BYTES} bytes in Base64`);
    }
    return { id, key };
  });
  return new KeyRing(keys);
}
