import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { inspect } from 'node:util';
import {
  EvidenceKeyError,
  parsePublicKeys,
  publicKeyBase64,
  publicKeyFrom,
  SANDBOX_EVIDENCE_SIGNING_KEY,
  signatureMatches,
  signingKeyFromSeed,
} from '../../../src/evidence/bundle-signing';

describe('evidence signing keys', () => {
  const seed = randomBytes(32).toString('base64');
  const key = signingKeyFromSeed('ops-2026', seed);
  const manifest = Buffer.from('{"journeyId":"ekyc:a"}\n');

  it('signs with the Ed25519 key of a Base64 seed; the same seed always makes the same key', () => {
    const signature = key.sign(manifest);
    expect(signature).toHaveLength(64);
    expect(signatureMatches(manifest, signature, key.publicKey)).toBe(true);
    expect(signatureMatches(manifest, signature, signingKeyFromSeed('again', seed).publicKey)).toBe(true);
    expect(signatureMatches(Buffer.from('{"journeyId":"ekyc:b"}\n'), signature, key.publicKey)).toBe(false);
    expect(signatureMatches(manifest, signature.subarray(1), key.publicKey)).toBe(false);
  });

  it('matches the signatures of any Ed25519 implementation over the same seed', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const seedOf = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64');
    const ours = signingKeyFromSeed('k', seedOf);
    expect(ours.sign(manifest)).toEqual(sign(null, manifest, privateKey));
    expect(publicKeyBase64(ours.publicKey)).toBe(publicKeyBase64(publicKey));
  });

  it('refuses a seed that is not 32 bytes of Base64, and never quotes it', () => {
    for (const bad of ['', 'not base64!', randomBytes(31).toString('base64'), randomBytes(64).toString('base64')]) {
      const error = (() => {
        try {
          signingKeyFromSeed('k', bad);
        } catch (caught) {
          return caught as Error;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(EvidenceKeyError);
      expect(error?.message).toBe('must be the Base64 of a 32-byte Ed25519 seed');
    }
    expect(() => signingKeyFromSeed('bad id with spaces', seed)).toThrow('a key id must be 1-64 [A-Za-z0-9._-]');
  });

  it('shows only its key id when printed or serialised', () => {
    const sandbox = signingKeyFromSeed('sandbox-evidence-1', SANDBOX_EVIDENCE_SIGNING_KEY);
    expect(inspect(sandbox)).toBe("EvidenceSigningKey { keyId: 'sandbox-evidence-1' }");
    expect(JSON.stringify({ key })).toBe('{"key":{"keyId":"ops-2026"}}');
  });

  it('reads public keys as PEM or as the Base64 of the raw key', () => {
    const pem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const raw = publicKeyBase64(key.publicKey);
    expect(raw).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    for (const material of [pem, raw, `  ${raw}\n`]) {
      expect(signatureMatches(manifest, key.sign(manifest), publicKeyFrom(material))).toBe(true);
    }
    expect(() => publicKeyFrom('nonsense')).toThrow(EvidenceKeyError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' });
    expect(() => publicKeyFrom(rsa.toString())).toThrow('the public key must be an Ed25519 key');
  });

  it('parses EVIDENCE_PUBLIC_KEYS as key id and key pairs, naming a bad entry by position and id only', () => {
    const older = signingKeyFromSeed('ops-2025', randomBytes(32).toString('base64'));
    const spec = `ops-2026:${publicKeyBase64(key.publicKey)}, ops-2025:${publicKeyBase64(older.publicKey)}`;
    const keys = parsePublicKeys(spec);
    expect([...keys.keys()]).toEqual(['ops-2026', 'ops-2025']);
    expect(signatureMatches(manifest, older.sign(manifest), keys.get('ops-2025') as never)).toBe(true);
    expect(() => parsePublicKeys('no-separator')).toThrow('entry 1 must be <key id>:<public key>');
    expect(() => parsePublicKeys(`a:${publicKeyBase64(key.publicKey)},a:${publicKeyBase64(key.publicKey)}`)).toThrow(
      'key id "a" appears twice',
    );
    expect(() => parsePublicKeys(`a:${publicKeyBase64(key.publicKey)},b:c2VjcmV0LW1hdGVyaWFs`)).toThrow(
      /^key "b" \(entry 2\): expected a PEM public key/,
    );
  });
});
