import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';

/** What a signing key id may look like: it is written into every manifest and named in the verifier's output. */
export const EVIDENCE_KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The published sandbox signing key (`EVIDENCE_SIGNING_KEY` in sandbox mode): the seed is the ASCII text
 * "ekyc-journeys sandbox evidence!!", so a bundle it signed proves nothing; never use it outside the sandbox.
 */
export const SANDBOX_EVIDENCE_SIGNING_KEY = 'ZWt5Yy1qb3VybmV5cyBzYW5kYm94IGV2aWRlbmNlISE=';
/** The key id of {@link SANDBOX_EVIDENCE_SIGNING_KEY}. */
export const SANDBOX_EVIDENCE_KEY_ID = 'sandbox-evidence-1';

/** Ed25519 takes a 32-byte seed as its private key, and has a 32-byte public key. */
const KEY_BYTES = 32;
/** DER prefix of a PKCS#8 Ed25519 private key (RFC 8410) before its 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A key is malformed; the message says what is wrong with it, never its material. */
export class EvidenceKeyError extends Error {
  override readonly name = 'EvidenceKeyError';
}

/** The private key that signs evidence manifests, with the id written beside each signature. */
export class EvidenceSigningKey {
  constructor(
    readonly keyId: string,
    private readonly privateKey: KeyObject,
  ) {
    if (!EVIDENCE_KEY_ID_PATTERN.test(keyId)) throw new EvidenceKeyError('a key id must be 1-64 [A-Za-z0-9._-]');
    if (privateKey.asymmetricKeyType !== 'ed25519' || privateKey.type !== 'private') {
      throw new EvidenceKeyError('the signing key must be an Ed25519 private key');
    }
  }

  /** The detached Ed25519 signature of `bytes`. */
  sign(bytes: Buffer): Buffer {
    return sign(null, bytes, this.privateKey);
  }

  /** The matching public key, for verifiers. */
  get publicKey(): KeyObject {
    return createPublicKey(this.privateKey);
  }

  toJSON(): { keyId: string } {
    return { keyId: this.keyId };
  }

  [inspect.custom](): string {
    return `EvidenceSigningKey { keyId: '${this.keyId}' }`;
  }
}

/** The signing key of a Base64 Ed25519 seed (`openssl rand -base64 32`), as `EVIDENCE_SIGNING_KEY` holds it. */
export function signingKeyFromSeed(keyId: string, seedBase64: string): EvidenceSigningKey {
  const seed = BASE64.test(seedBase64.trim()) ? Buffer.from(seedBase64.trim(), 'base64') : Buffer.alloc(0);
  if (seed.length !== KEY_BYTES) throw new EvidenceKeyError(`must be the Base64 of a ${KEY_BYTES}-byte Ed25519 seed`);
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return new EvidenceSigningKey(keyId, key);
}

/**
 * A public key from a PEM (`-----BEGIN PUBLIC KEY-----`, as `openssl pkey -pubout` writes it) or the Base64 of the raw
 * 32-byte Ed25519 public key (as the gateway logs it at start-up).
 */
export function publicKeyFrom(material: string): KeyObject {
  const text = material.trim();
  let key: KeyObject;
  try {
    if (text.startsWith('-----BEGIN')) key = createPublicKey(text);
    else {
      const raw = BASE64.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
      if (raw.length !== KEY_BYTES) throw new EvidenceKeyError('not a key');
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    }
  } catch {
    throw new EvidenceKeyError(`expected a PEM public key or the Base64 of a ${KEY_BYTES}-byte Ed25519 public key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new EvidenceKeyError('the public key must be an Ed25519 key');
  return key;
}

/** The Base64 of a raw Ed25519 public key: the short form {@link publicKeyFrom} and `EVIDENCE_PUBLIC_KEYS` take. */
export function publicKeyBase64(key: KeyObject): string {
  const { x } = key.export({ format: 'jwk' });
  return Buffer.from(x ?? '', 'base64url').toString('base64');
}

/**
 * Parses `EVIDENCE_PUBLIC_KEYS`: `<key id>:<PEM or Base64>` entries separated by commas, so that bundles signed
 * before and after a rotation all verify. Errors name the entry by position and id only.
 */
export function parsePublicKeys(spec: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    if (!EVIDENCE_KEY_ID_PATTERN.test(id)) {
      throw new EvidenceKeyError(
        `entry ${index + 1} must be <key id>:<public key> with a key id of 1-64 [A-Za-z0-9._-]`,
      );
    }
    if (keys.has(id)) throw new EvidenceKeyError(`key id "${id}" appears twice`);
    try {
      keys.set(id, publicKeyFrom(entry.slice(separator + 1)));
    } catch (error) {
      throw new EvidenceKeyError(`key "${id}" (entry ${index + 1}): ${(error as Error).message}`);
    }
  });
  return keys;
}

/** Whether `signature` is the Ed25519 signature of `bytes` under `publicKey`. */
export function signatureMatches(bytes: Buffer, signature: Buffer, publicKey: KeyObject): boolean {
  return signature.length === 64 && verify(null, bytes, publicKey, signature);
}
