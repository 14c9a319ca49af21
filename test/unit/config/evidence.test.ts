import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../../src/config-error';
import { evidenceVerifierKeys } from '../../../src/config/evidence';
import { gatewayConfig, gatewaySettings } from '../../../src/config/gateway';
import {
  publicKeyBase64,
  SANDBOX_EVIDENCE_KEY_ID,
  SANDBOX_EVIDENCE_SIGNING_KEY,
  signatureMatches,
  signingKeyFromSeed,
} from '../../../src/evidence/bundle-signing';

const production = {
  FACEID_SECRET_ID: 'id',
  FACEID_SECRET_KEY: 'key',
  CODEC_KEYS: `prod-1:${Buffer.alloc(32, 1).toString('base64')}`,
};
const seed = randomBytes(32).toString('base64');

function message(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('evidence signing configuration', () => {
  it('signs with the published sandbox key in sandbox mode, and with none outside until one is set', () => {
    expect(gatewayConfig({}).gateway.evidenceSigningKey?.keyId).toBe(SANDBOX_EVIDENCE_KEY_ID);
    expect(gatewayConfig(production).gateway.evidenceSigningKey).toBeUndefined();
    const own = gatewayConfig({ ...production, EVIDENCE_SIGNING_KEY: seed, EVIDENCE_SIGNING_KEY_ID: 'ops-2026' });
    const key = own.gateway.evidenceSigningKey;
    expect(key?.keyId).toBe('ops-2026');
    const bytes = Buffer.from('manifest');
    expect(signatureMatches(bytes, key?.sign(bytes) ?? Buffer.alloc(0), signingKeyFromSeed('x', seed).publicKey)).toBe(
      true,
    );
  });

  it('hands the key to the gateway settings', () => {
    const settings = gatewaySettings(
      gatewayConfig({ EVIDENCE_SIGNING_KEY: seed, EVIDENCE_SIGNING_KEY_ID: 'ops-2026' }),
    );
    expect(settings.evidenceSigningKey?.keyId).toBe('ops-2026');
  });

  it('needs the key and its id together, a 32-byte seed and a plain id, and never echoes the key', () => {
    expect(message(() => gatewayConfig({ ...production, EVIDENCE_SIGNING_KEY: seed }))).toContain(
      'EVIDENCE_SIGNING_KEY / EVIDENCE_SIGNING_KEY_ID: set both',
    );
    expect(message(() => gatewayConfig({ EVIDENCE_SIGNING_KEY_ID: 'ops-2026' }))).toContain('set both');
    const short = randomBytes(16).toString('base64');
    const shortMessage = message(() => gatewayConfig({ EVIDENCE_SIGNING_KEY: short, EVIDENCE_SIGNING_KEY_ID: 'k' }));
    expect(shortMessage).toBe(
      'Invalid configuration:\n  EVIDENCE_SIGNING_KEY: must be the Base64 of a 32-byte Ed25519 seed',
    );
    expect(shortMessage).not.toContain(short);
    expect(message(() => gatewayConfig({ EVIDENCE_SIGNING_KEY: seed, EVIDENCE_SIGNING_KEY_ID: 'ops 2026' }))).toContain(
      'EVIDENCE_SIGNING_KEY_ID: 1-64 letters',
    );
  });

  it('refuses the published sandbox key outside sandbox mode', () => {
    const env = { ...production, EVIDENCE_SIGNING_KEY: SANDBOX_EVIDENCE_SIGNING_KEY, EVIDENCE_SIGNING_KEY_ID: 'ops' };
    expect(message(() => gatewayConfig(env))).toContain(
      'EVIDENCE_SIGNING_KEY: the published sandbox key signs nothing outside sandbox mode',
    );
  });
});

describe('evidenceVerifierKeys', () => {
  const key = signingKeyFromSeed('ops-2026', seed);

  it('trusts EVIDENCE_PUBLIC_KEYS by key id, in any mode', () => {
    const spec = `ops-2026:${publicKeyBase64(key.publicKey)}`;
    for (const env of [{ EVIDENCE_PUBLIC_KEYS: spec }, { ...production, EVIDENCE_PUBLIC_KEYS: spec }]) {
      const { keys, sandboxKeyOnly } = evidenceVerifierKeys(env);
      expect({ ids: [...keys.keys()], sandboxKeyOnly }).toEqual({ ids: ['ops-2026'], sandboxKeyOnly: false });
    }
  });

  it('falls back to the sandbox key in sandbox mode only', () => {
    const sandbox = evidenceVerifierKeys({});
    expect({ ids: [...sandbox.keys.keys()], sandboxKeyOnly: sandbox.sandboxKeyOnly }).toEqual({
      ids: [SANDBOX_EVIDENCE_KEY_ID],
      sandboxKeyOnly: true,
    });
    expect(evidenceVerifierKeys(production).keys.size).toBe(0);
  });

  it('names a malformed entry by position and id', () => {
    expect(message(() => evidenceVerifierKeys({ EVIDENCE_PUBLIC_KEYS: 'ops-2026:not-a-key' }))).toBe(
      'Invalid configuration:\n  EVIDENCE_PUBLIC_KEYS: key "ops-2026" (entry 1): expected a PEM public key or the Base64 of a 32-byte Ed25519 public key',
    );
  });
});
