import { ConfigError } from '../../../src/config-error';
import { workerConfig } from '../../../src/config/worker';
import { SANDBOX_SECRET_ID } from '../../../src/faceid/sandbox-endpoint';

const production = {
  FACEID_SECRET_ID: 'id',
  FACEID_SECRET_KEY: 'key',
  CODEC_KEYS: `prod-1:${Buffer.alloc(32, 1).toString('base64')}`,
};

function message(env: NodeJS.ProcessEnv): string {
  try {
    workerConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('worker configuration', () => {
  it('runs in sandbox mode against the local emulator when no FaceID credentials are set', () => {
    const cfg = workerConfig({});
    expect(cfg.sandbox).toBe(true);
    expect(cfg.faceid).toMatchObject({ secretId: SANDBOX_SECRET_ID, endpoint: '127.0.0.1:9100', protocol: 'http://' });
    expect(cfg.temporal).toMatchObject({ address: undefined, namespace: 'default', devServerPort: 7233, uiPort: 8233 });
    expect(cfg.store.dataDir).toBe('.data');
  });

  it('uses Tencent Cloud over https when credentials are set', () => {
    // Outside the sandbox the payload codec's keys are required too.
    const cfg = workerConfig({ ...production, FACEID_REGION: 'ap-jakarta' });
    expect(cfg.sandbox).toBe(false);
    expect(cfg.faceid).toMatchObject({
      endpoint: 'faceid.intl.tencentcloudapi.com',
      protocol: 'https://',
      region: 'ap-jakarta',
    });
  });

  it('names the offending variable, never its value', () => {
    const text = message({ TEMPORAL_UI_PORT: 'eighty', FACEID_REGION: 'mars-1' });
    expect(text).toContain('TEMPORAL_UI_PORT');
    expect(text).toContain('FACEID_REGION');
    expect(text).not.toContain('mars-1');
  });

  it('refuses half a credential pair', () => {
    expect(message({ FACEID_SECRET_ID: 'only-the-id' })).toContain('FACEID_SECRET_ID / FACEID_SECRET_KEY');
  });

  it('reads per-action rate limits and refuses unknown actions', () => {
    expect(
      workerConfig({ FACEID_RATE_LIMITS: 'GetFaceIdResultIntl=5,ApplyLivenessToken=10' }).faceid.rateLimits,
    ).toEqual({
      GetFaceIdResultIntl: 5,
      ApplyLivenessToken: 10,
    });
    expect(message({ FACEID_RATE_LIMITS: 'NoSuchAction=5' })).toContain('FACEID_RATE_LIMITS');
  });

  it('serves worker metrics on 127.0.0.1:9464 by default; METRICS_PORT=0 turns them off', () => {
    expect(workerConfig({}).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(workerConfig({ METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ host: '0.0.0.0', port: 0 });
    expect(message({ METRICS_PORT: '70000' })).toContain('METRICS_PORT');
  });
});

describe('egress settings', () => {
  it('reads the proxy variables and keeps the credentials out of errors', () => {
    const cfg = workerConfig({ ...production, https_proxy: 'http://u:p@proxy.internal:3128', NO_PROXY: '.internal' });
    expect(cfg.egress.proxy.https?.host).toBe('proxy.internal:3128');
    expect(message({ ...production, HTTPS_PROXY: 'ftp://u:hunter22@proxy:21' })).toContain('HTTPS_PROXY');
    expect(message({ ...production, HTTPS_PROXY: 'ftp://u:hunter22@proxy:21' })).not.toContain('hunter22');
  });

  it('needs OUTBOUND_CA_FILE to be a readable PEM file of certificates', () => {
    expect(message({ ...production, OUTBOUND_CA_FILE: '/no/such/ca.pem' })).toContain('OUTBOUND_CA_FILE');
    expect(message({ ...production, OUTBOUND_CA_FILE: __filename })).toContain('holds no PEM certificate');
    expect(workerConfig(production).egress.extraCa).toBeUndefined();
  });

  it('takes trusted media hosts one by one, never as a wildcard', () => {
    expect(
      workerConfig({ ...production, MEDIA_TRUSTED_HOSTS: 'mirror.bank.internal, 10.1.2.3:8443' }).media.trustedHosts,
    ).toEqual(['mirror.bank.internal', '10.1.2.3:8443']);
    expect(message({ ...production, MEDIA_TRUSTED_HOSTS: '*.internal' })).toContain('MEDIA_TRUSTED_HOSTS');
    expect(workerConfig(production).media.trustedHosts).toEqual([]);
  });

  it('takes TEMPORAL_GRPC_PROXY as an http proxy with a port', () => {
    expect(workerConfig({ TEMPORAL_GRPC_PROXY: 'proxy.internal:3128' }).temporal.grpcProxy?.host).toBe(
      'proxy.internal:3128',
    );
    expect(message({ TEMPORAL_GRPC_PROXY: 'https://proxy.internal:3128' })).toContain('TEMPORAL_GRPC_PROXY');
    expect(message({ TEMPORAL_GRPC_PROXY: 'proxy.internal' })).toContain('TEMPORAL_GRPC_PROXY');
  });
});
