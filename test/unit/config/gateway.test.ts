import { ConfigError } from '../../../src/config-error';
import { gatewayConfig, gatewaySettings } from '../../../src/config/gateway';

describe('gateway configuration', () => {
  it('names the offending variable, never its value', () => {
    expect(() => gatewayConfig({ TEMPORAL_UI_PORT: 'eighty', FACEID_REGION: 'mars-1' })).toThrow(ConfigError);
    try {
      gatewayConfig({ TEMPORAL_UI_PORT: 'eighty', FACEID_REGION: 'mars-1' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('TEMPORAL_UI_PORT');
      expect(message).toContain('FACEID_REGION');
      expect(message).not.toContain('mars-1');
    }
  });

  it('refuses half a credential pair', () => {
    expect(() => gatewayConfig({ FACEID_SECRET_ID: 'only-the-id' })).toThrow(/FACEID_SECRET_ID \/ FACEID_SECRET_KEY/);
  });
});

describe('gatewaySettings in sandbox mode', () => {
  const ownSecrets = {
    GATEWAY_API_KEYS: 'backend-key-0123456789abcdef',
    GATEWAY_OPERATOR_KEYS: 'operator-key-0123456789abcdef',
    CLIENT_SECRET_KEY: 'client-secret-key-0123456789abcdef-0123456789',
    CODEC_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    CODEC_AUTH_TOKENS: 'codec-token-0123456789abcdef',
  };

  it('serves the published sandbox keys on loopback only, naming what to set to listen elsewhere', () => {
    expect(gatewaySettings(gatewayConfig({})).host).toBe('127.0.0.1');
    expect(gatewaySettings(gatewayConfig({ GATEWAY_HOST: 'localhost' })).host).toBe('localhost');
    expect(() => gatewaySettings(gatewayConfig({ GATEWAY_HOST: '0.0.0.0' }))).toThrow(ConfigError);
    expect(() =>
      gatewaySettings(gatewayConfig({ GATEWAY_HOST: '0.0.0.0', ...ownSecrets, CODEC_KEYS: undefined })),
    ).toThrow(
      'GATEWAY_HOST: sandbox mode serves the published sandbox keys, so it binds only to loopback (127.0.0.1); to listen on 0.0.0.0, set your own CODEC_KEYS',
    );
  });

  it('takes trusted proxies as addresses or CIDRs, and names the variable of a malformed one', () => {
    expect(gatewayConfig({}).gateway.trustedProxies).toEqual([]);
    expect(gatewayConfig({ GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,::1' }).gateway.trustedProxies).toEqual([
      '10.0.0.0/8',
      '192.0.2.7',
      '::1',
    ]);
    for (const bad of ['10.0.0.0/33', 'lb.internal', '10.0.0.1/8/1']) {
      expect(() => gatewayConfig({ GATEWAY_TRUSTED_PROXIES: bad })).toThrow(/GATEWAY_TRUSTED_PROXIES/);
    }
  });

  it('listens beyond loopback once every published secret is replaced', () => {
    expect(gatewaySettings(gatewayConfig({ GATEWAY_HOST: '0.0.0.0', ...ownSecrets })).host).toBe('0.0.0.0');
  });
});

describe("the worker's outbound settings", () => {
  it('stop the gateway too when they cannot work, naming the variable', () => {
    const production = {
      FACEID_SECRET_ID: 'id',
      FACEID_SECRET_KEY: 'key',
      CODEC_KEYS: `prod-1:${Buffer.alloc(32, 1).toString('base64')}`,
    };
    expect(() => gatewayConfig({ ...production, OUTBOUND_CA_FILE: '/no/such/ca.pem' })).toThrow(/OUTBOUND_CA_FILE/);
    expect(() => gatewayConfig({ ...production, WEBHOOK_URL: 'https://hooks.example.com/ekyc' })).toThrow(
      /WEBHOOK_SECRETS: required when WEBHOOK_URL is set/,
    );
  });
});
