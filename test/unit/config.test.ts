import { ConfigError, gatewaySettings, parseConfig } from '../../src/config';
import { SANDBOX_SECRET_ID } from '../../src/faceid/sandbox-endpoint';

describe('configuration', () => {
  it('runs in sandbox mode against the local emulator when no FaceID credentials are set', () => {
    const cfg = parseConfig({});
    expect(cfg.sandbox).toBe(true);
    expect(cfg.faceid).toMatchObject({ secretId: SANDBOX_SECRET_ID, endpoint: '127.0.0.1:9100', protocol: 'http://' });
    expect(cfg.temporal).toMatchObject({ address: undefined, namespace: 'default', devServerPort: 7233, uiPort: 8233 });
    expect(cfg.dataDir).toBe('.data');
  });

  it('uses Tencent Cloud over https when credentials are set', () => {
    const cfg = parseConfig({
      FACEID_SECRET_ID: 'id',
      FACEID_SECRET_KEY: 'key',
      FACEID_REGION: 'ap-jakarta',
      // Outside the sandbox the payload codec's keys are required too.
      CODEC_KEYS: `prod-1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    expect(cfg.sandbox).toBe(false);
    expect(cfg.faceid).toMatchObject({
      endpoint: 'faceid.intl.tencentcloudapi.com',
      protocol: 'https://',
      region: 'ap-jakarta',
    });
  });

  it('names the offending variable, never its value', () => {
    expect(() => parseConfig({ TEMPORAL_UI_PORT: 'eighty', FACEID_REGION: 'mars-1' })).toThrow(ConfigError);
    try {
      parseConfig({ TEMPORAL_UI_PORT: 'eighty', FACEID_REGION: 'mars-1' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('TEMPORAL_UI_PORT');
      expect(message).toContain('FACEID_REGION');
      expect(message).not.toContain('mars-1');
    }
  });

  it('refuses half a credential pair', () => {
    expect(() => parseConfig({ FACEID_SECRET_ID: 'only-the-id' })).toThrow(/FACEID_SECRET_ID \/ FACEID_SECRET_KEY/);
  });

  it('reads per-action rate limits and refuses unknown actions', () => {
    expect(
      parseConfig({ FACEID_RATE_LIMITS: 'GetFaceIdResultIntl=5,ApplyLivenessToken=10' }).faceid.rateLimits,
    ).toEqual({
      GetFaceIdResultIntl: 5,
      ApplyLivenessToken: 10,
    });
    expect(() => parseConfig({ FACEID_RATE_LIMITS: 'NoSuchAction=5' })).toThrow(/FACEID_RATE_LIMITS/);
  });

  it('serves worker metrics on 127.0.0.1:9464 by default; METRICS_PORT=0 turns them off', () => {
    expect(parseConfig({}).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseConfig({ METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ host: '0.0.0.0', port: 0 });
    expect(() => parseConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
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
    expect(gatewaySettings(parseConfig({})).host).toBe('127.0.0.1');
    expect(gatewaySettings(parseConfig({ GATEWAY_HOST: 'localhost' })).host).toBe('localhost');
    expect(() => gatewaySettings(parseConfig({ GATEWAY_HOST: '0.0.0.0' }))).toThrow(ConfigError);
    expect(() =>
      gatewaySettings(parseConfig({ GATEWAY_HOST: '0.0.0.0', ...ownSecrets, CODEC_KEYS: undefined })),
    ).toThrow(
      'GATEWAY_HOST: sandbox mode serves the published sandbox keys, so it binds only to loopback (127.0.0.1); to listen on 0.0.0.0, set your own CODEC_KEYS',
    );
  });

  it('takes trusted proxies as addresses or CIDRs, and names the variable of a malformed one', () => {
    expect(parseConfig({}).gateway.trustedProxies).toEqual([]);
    expect(parseConfig({ GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,::1' }).gateway.trustedProxies).toEqual([
      '10.0.0.0/8',
      '192.0.2.7',
      '::1',
    ]);
    for (const bad of ['10.0.0.0/33', 'lb.internal', '10.0.0.1/8/1']) {
      expect(() => parseConfig({ GATEWAY_TRUSTED_PROXIES: bad })).toThrow(/GATEWAY_TRUSTED_PROXIES/);
    }
  });

  it('listens beyond loopback once every published secret is replaced', () => {
    expect(gatewaySettings(parseConfig({ GATEWAY_HOST: '0.0.0.0', ...ownSecrets })).host).toBe('0.0.0.0');
  });
});

describe('egress and rehearsal settings', () => {
  const production = {
    FACEID_SECRET_ID: 'id',
    FACEID_SECRET_KEY: 'key',
    CODEC_KEYS: `prod-1:${Buffer.alloc(32, 1).toString('base64')}`,
  };
  const message = (env: NodeJS.ProcessEnv): string => {
    try {
      parseConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('reads the proxy variables and keeps the credentials out of errors', () => {
    const cfg = parseConfig({ ...production, https_proxy: 'http://u:p@proxy.internal:3128', NO_PROXY: '.internal' });
    expect(cfg.egress.proxy.https?.host).toBe('proxy.internal:3128');
    expect(message({ ...production, HTTPS_PROXY: 'ftp://u:hunter22@proxy:21' })).toContain('HTTPS_PROXY');
    expect(message({ ...production, HTTPS_PROXY: 'ftp://u:hunter22@proxy:21' })).not.toContain('hunter22');
  });

  it('needs OUTBOUND_CA_FILE to be a readable PEM file of certificates', () => {
    expect(message({ ...production, OUTBOUND_CA_FILE: '/no/such/ca.pem' })).toContain('OUTBOUND_CA_FILE');
    expect(message({ ...production, OUTBOUND_CA_FILE: __filename })).toContain('holds no PEM certificate');
    expect(parseConfig(production).egress.extraCa).toBeUndefined();
  });

  it('takes trusted media hosts one by one, never as a wildcard', () => {
    expect(
      parseConfig({ ...production, MEDIA_TRUSTED_HOSTS: 'mirror.bank.internal, 10.1.2.3:8443' }).media.trustedHosts,
    ).toEqual(['mirror.bank.internal', '10.1.2.3:8443']);
    expect(message({ ...production, MEDIA_TRUSTED_HOSTS: '*.internal' })).toContain('MEDIA_TRUSTED_HOSTS');
    expect(parseConfig(production).media.trustedHosts).toEqual([]);
  });

  it('needs both emulator TLS files or neither', () => {
    expect(message({ EMULATOR_TLS_CERT_FILE: '/tmp/cert.pem' })).toContain(
      'EMULATOR_TLS_CERT_FILE / EMULATOR_TLS_KEY_FILE',
    );
    expect(parseConfig({}).emulator.tls).toBeUndefined();
  });

  it('takes TEMPORAL_GRPC_PROXY as an http proxy with a port', () => {
    expect(parseConfig({ TEMPORAL_GRPC_PROXY: 'proxy.internal:3128' }).temporal.grpcProxy?.host).toBe(
      'proxy.internal:3128',
    );
    expect(message({ TEMPORAL_GRPC_PROXY: 'https://proxy.internal:3128' })).toContain('TEMPORAL_GRPC_PROXY');
    expect(message({ TEMPORAL_GRPC_PROXY: 'proxy.internal' })).toContain('TEMPORAL_GRPC_PROXY');
  });
});
