import { ConfigError } from '../../../src/config-error';
import { gatewayConfig } from '../../../src/config/gateway';
import { workerConfig } from '../../../src/config/worker';
import { DEFAULT_MEDIA_HOSTS } from '../../../src/archive/media-policy';

/** Both processes that read the archive's settings: the gateway (retention) and the worker (sweep, media). */
function both(env: NodeJS.ProcessEnv) {
  return { gateway: gatewayConfig(env), worker: workerConfig(env) };
}

describe('archive and media configuration', () => {
  it('defaults: filesystem archive under DATA_DIR, 30 days, hourly sweep, Tencent hosts, 64 MiB, the emulator as sandbox host', () => {
    const { gateway, worker } = both({ DATA_DIR: '/var/lib/ekyc' });
    expect(gateway.store).toEqual({ url: 'file:///var/lib/ekyc/archive', dataDir: '/var/lib/ekyc' });
    expect(worker.store).toEqual(gateway.store);
    expect(gateway.retention).toEqual({ days: 30, auditDays: 1826 });
    expect(worker.retentionSweep).toEqual({ intervalMinutes: 60, batchSize: 100 });
    expect(worker.media).toEqual({
      allowedHosts: [...DEFAULT_MEDIA_HOSTS],
      sandboxHosts: ['127.0.0.1:9100'],
      trustedHosts: [],
      maxBytes: 64 * 1024 * 1024,
    });
  });

  it('has no sandbox host outside the sandbox, so plain http and internal addresses stay closed', () => {
    const cfg = workerConfig({
      FACEID_SECRET_ID: 'id',
      FACEID_SECRET_KEY: 'key',
      // Outside the sandbox the payload codec's keys are required too.
      CODEC_KEYS: `prod-1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    expect(cfg.media.sandboxHosts).toEqual([]);
  });

  it('reads ARCHIVE_URL, RETENTION_DAYS, the sweep settings, MEDIA_ALLOWED_HOSTS and MEDIA_MAX_BYTES', () => {
    const { gateway, worker } = both({
      RETENTION_SWEEP_INTERVAL_MINUTES: '15',
      RETENTION_SWEEP_BATCH_SIZE: '250',
      ARCHIVE_URL: 's3://ekyc-evidence/prod?endpoint=https://cos.ap-singapore.myqcloud.com&region=ap-singapore',
      RETENTION_DAYS: '7.5',
      MEDIA_ALLOWED_HOSTS: '*.cos.ap-singapore.myqcloud.com, media.example:8443',
      MEDIA_MAX_BYTES: '1048576',
    });
    expect(gateway.retention.days).toBe(7.5);
    expect(worker.retentionSweep).toEqual({ intervalMinutes: 15, batchSize: 250 });
    expect(worker.store.url).toMatch(/^s3:\/\/ekyc-evidence\/prod\?/);
    expect(worker.media.allowedHosts).toEqual(['*.cos.ap-singapore.myqcloud.com', 'media.example:8443']);
    expect(worker.media.maxBytes).toBe(1_048_576);
  });

  it('keeps the audit log at least as long as the media: AUDIT_RETENTION_DAYS below RETENTION_DAYS is refused', () => {
    expect(gatewayConfig({ AUDIT_RETENTION_DAYS: '3650' }).retention.auditDays).toBe(3650);
    expect(() => gatewayConfig({ RETENTION_DAYS: '90', AUDIT_RETENTION_DAYS: '30' })).toThrow(
      /AUDIT_RETENTION_DAYS: must not be shorter than RETENTION_DAYS/,
    );
  });

  it.each([
    [{ ARCHIVE_URL: 's3://AKIDsecret:hunter2@bucket' }, 'ARCHIVE_URL'],
    [{ ARCHIVE_URL: 'ftp://archive.example/' }, 'ARCHIVE_URL'],
    [{ MEDIA_ALLOWED_HOSTS: 'https://media.example/' }, 'MEDIA_ALLOWED_HOSTS'],
    [{ RETENTION_DAYS: '0' }, 'RETENTION_DAYS'],
    [{ MEDIA_MAX_BYTES: 'lots' }, 'MEDIA_MAX_BYTES'],
    [{ RETENTION_SWEEP_INTERVAL_MINUTES: '0' }, 'RETENTION_SWEEP_INTERVAL_MINUTES'],
    [{ RETENTION_SWEEP_BATCH_SIZE: '1.5' }, 'RETENTION_SWEEP_BATCH_SIZE'],
  ])('refuses %p naming %s, never echoing a secret', (env, variable) => {
    expect(() => both(env)).toThrow(ConfigError);
    try {
      both(env);
    } catch (error) {
      expect((error as Error).message).toContain(variable);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
