import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { ConfigError } from '../../../src/config-error';
import { gatewayConfig } from '../../../src/config/gateway';
import { KeyRingError, parseKeyRing, SANDBOX_CODEC_KEYS } from '../../../src/codec';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const tencent = { FACEID_SECRET_ID: 'id', FACEID_SECRET_KEY: 'key' };

describe('parseKeyRing', () => {
  it('takes the first entry as the current key and keeps the older ones for decoding', () => {
    const ring = parseKeyRing(`new-2:${keyA}, old-1:${keyB}`);
    expect(ring.current.id).toBe('new-2');
    expect(ring.current.key).toEqual(Buffer.from(keyA, 'base64'));
    expect(ring.ids).toEqual(['new-2', 'old-1']);
    expect(ring.find('old-1')?.key).toEqual(Buffer.from(keyB, 'base64'));
    expect(ring.find('other')).toBeUndefined();
  });

  it('refuses malformed entries without echoing key material', () => {
    const cases = [
      `${keyA}`,
      `:${keyA}`,
      `bad id:${keyA}`,
      `short:${randomBytes(16).toString('base64')}`,
      `a:${keyA},a:${keyB}`,
    ];
    for (const spec of cases) {
      const error = (() => {
        try {
          parseKeyRing(spec);
        } catch (caught) {
          return caught as Error;
        }
        throw new Error(`accepted ${spec}`);
      })();
      expect(error).toBeInstanceOf(KeyRingError);
      expect(error.message).not.toContain(keyA.slice(0, 12));
      expect(error.message).not.toContain(keyB.slice(0, 12));
    }
  });

  it('shows key ids only when printed or serialised', () => {
    const ring = parseKeyRing(`k1:${keyA}`);
    expect(inspect(ring)).toBe("KeyRing { current: 'k1', ids: ['k1'] }");
    expect(JSON.stringify({ ring })).toBe('{"ring":{"current":"k1","ids":["k1"]}}');
  });
});

describe('codec configuration', () => {
  it('defaults to the published sandbox key ring, token and UI origins in sandbox mode', () => {
    const cfg = gatewayConfig({ TEMPORAL_UI_PORT: '8300' });
    expect(cfg.codec.keyRing.ids).toEqual(parseKeyRing(SANDBOX_CODEC_KEYS).ids);
    expect(cfg.codec.authTokens).toEqual(['sandbox-codec-token']);
    expect(cfg.codec.uiOrigins).toEqual(['http://127.0.0.1:8300', 'http://localhost:8300']);
  });

  it('requires CODEC_KEYS outside sandbox mode, and CODEC_AUTH_TOKENS for the gateway', () => {
    expect(() => gatewayConfig(tencent)).toThrow(/CODEC_KEYS: required outside sandbox mode/);
    const cfg = gatewayConfig({ ...tencent, CODEC_KEYS: `prod-1:${keyA}` });
    expect(cfg.codec.keyRing.current.id).toBe('prod-1');
    expect(cfg.codec.authTokens).toEqual([]);
  });

  it('names CODEC_KEYS on a bad key ring and never echoes the key', () => {
    const spec = `prod-1:${keyA.slice(0, 30)}`;
    expect(() => gatewayConfig({ CODEC_KEYS: spec })).toThrow(ConfigError);
    try {
      gatewayConfig({ CODEC_KEYS: spec });
    } catch (error) {
      expect((error as Error).message).toMatch(/^Invalid configuration:\n {2}CODEC_KEYS: /);
      expect((error as Error).message).not.toContain(keyA.slice(0, 30));
    }
  });

  it('reads CODEC_AUTH_TOKENS and CODEC_UI_ORIGIN, refusing short tokens and anything but origins', () => {
    const cfg = gatewayConfig({
      CODEC_AUTH_TOKENS: 'operator-token-000001,operator-token-000002',
      CODEC_UI_ORIGIN: 'https://temporal.example.com, http://127.0.0.1:8233/',
    });
    expect(cfg.codec.authTokens).toEqual(['operator-token-000001', 'operator-token-000002']);
    expect(cfg.codec.uiOrigins).toEqual(['https://temporal.example.com', 'http://127.0.0.1:8233']);
    expect(() => gatewayConfig({ CODEC_AUTH_TOKENS: 'short' })).toThrow(/CODEC_AUTH_TOKENS/);
    expect(() => gatewayConfig({ CODEC_AUTH_TOKENS: 'short' })).not.toThrow(/short/);
    expect(() => gatewayConfig({ CODEC_UI_ORIGIN: 'https://temporal.example.com/namespaces' })).toThrow(
      /CODEC_UI_ORIGIN/,
    );
    expect(() => gatewayConfig({ CODEC_UI_ORIGIN: 'ftp://temporal.example.com' })).toThrow(/CODEC_UI_ORIGIN/);
  });
});
