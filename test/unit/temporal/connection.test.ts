import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../../../src/config';
import { resolveTemporalTarget } from '../../../src/temporal/connection';

let dir: string;
let configFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ekyc-envconfig-'));
  configFile = join(dir, 'temporal.toml');
  writeFileSync(
    configFile,
    [
      '[profile.cluster]',
      'address = "temporal.internal:7233"',
      'namespace = "ekyc-prod"',
      '[profile.cluster.tls]',
      'server_name = "temporal.internal"',
      '[profile.noaddress]',
      'namespace = "ekyc-prod"',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function target(env: Record<string, string>) {
  return resolveTemporalTarget(parseConfig(env), env);
}

describe('resolveTemporalTarget', () => {
  it('uses the embedded dev server when neither TEMPORAL_ADDRESS nor TEMPORAL_PROFILE is set', () => {
    expect(target({ TEMPORAL_DEV_PORT: '7300' })).toEqual({
      connection: { address: '127.0.0.1:7300' },
      namespace: 'default',
      embedded: true,
    });
  });

  it('connects with a profile alone: its address, namespace and TLS', () => {
    const resolved = target({ TEMPORAL_PROFILE: 'cluster', TEMPORAL_CONFIG_FILE: configFile });
    expect(resolved).toMatchObject({
      embedded: false,
      namespace: 'ekyc-prod',
      connection: { address: 'temporal.internal:7233', tls: { serverNameOverride: 'temporal.internal' } },
    });
  });

  it('lets TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE override the profile', () => {
    const resolved = target({
      TEMPORAL_PROFILE: 'cluster',
      TEMPORAL_CONFIG_FILE: configFile,
      TEMPORAL_ADDRESS: 'other:7233',
      TEMPORAL_NAMESPACE: 'ekyc-test',
    });
    expect(resolved).toMatchObject({ namespace: 'ekyc-test', connection: { address: 'other:7233' } });
  });

  it('stops with a message naming the setting for a profile that is missing or has no address', () => {
    expect(() => target({ TEMPORAL_PROFILE: 'nope', TEMPORAL_CONFIG_FILE: configFile })).toThrow(ConfigError);
    expect(() => target({ TEMPORAL_PROFILE: 'nope', TEMPORAL_CONFIG_FILE: configFile })).toThrow(/TEMPORAL_PROFILE/);
    expect(() => target({ TEMPORAL_PROFILE: 'noaddress', TEMPORAL_CONFIG_FILE: configFile })).toThrow(
      /TEMPORAL_PROFILE: profile "noaddress" sets no address/,
    );
  });
});
