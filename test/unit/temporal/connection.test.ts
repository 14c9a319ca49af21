import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/config-error';
import { workerConfig } from '../../../src/config/worker';
import {
  clientConnectionOptions,
  explainConnectionFailure,
  resolveTemporalTarget,
} from '../../../src/temporal/connection';

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
  return resolveTemporalTarget(workerConfig(env).temporal, env);
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

  it('names TEMPORAL_CONFIG_FILE for a profile file it cannot read or parse, without quoting the file', () => {
    const broken = join(dir, 'broken.toml');
    writeFileSync(broken, '[profile.cluster]\napi_key = "secret-in-the-file"\nnot toml at all [\n');
    const message = (env: Record<string, string>) => {
      try {
        target(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    const unparsable = message({ TEMPORAL_PROFILE: 'cluster', TEMPORAL_CONFIG_FILE: broken });
    expect(unparsable).toContain(`TEMPORAL_CONFIG_FILE: ${broken} is not a valid profile file`);
    expect(unparsable).not.toContain('secret-in-the-file');
    expect(message({ TEMPORAL_PROFILE: 'cluster', TEMPORAL_CONFIG_FILE: dir })).toContain(
      `TEMPORAL_CONFIG_FILE: cannot read ${dir} (EISDIR)`,
    );
    expect(message({ TEMPORAL_PROFILE: 'nope', TEMPORAL_CONFIG_FILE: configFile })).toContain(
      `TEMPORAL_PROFILE: profile "nope" is not in ${configFile}`,
    );
  });

  it('stops with a message naming the setting for a profile that is missing or has no address', () => {
    expect(() => target({ TEMPORAL_PROFILE: 'nope', TEMPORAL_CONFIG_FILE: configFile })).toThrow(ConfigError);
    expect(() => target({ TEMPORAL_PROFILE: 'nope', TEMPORAL_CONFIG_FILE: configFile })).toThrow(/TEMPORAL_PROFILE/);
    expect(() => target({ TEMPORAL_PROFILE: 'noaddress', TEMPORAL_CONFIG_FILE: configFile })).toThrow(
      /TEMPORAL_PROFILE: profile "noaddress" sets no address/,
    );
  });
});

describe('proxies for Temporal', () => {
  it("ignores the egress proxy variables, and switches off the gRPC library's own reading of them", () => {
    const resolved = target({ TEMPORAL_ADDRESS: 'temporal.internal:7233', https_proxy: 'http://egress:3128' });
    expect(resolved.connection.proxy).toBeUndefined();
    expect(clientConnectionOptions(resolved).channelArgs).toEqual({ 'grpc.enable_http_proxy': 0 });
  });

  it('tunnels through TEMPORAL_GRPC_PROXY, with its credentials, when set', () => {
    const saved = { grpc_proxy: process.env.grpc_proxy, no_grpc_proxy: process.env.no_grpc_proxy };
    try {
      const resolved = target({
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_GRPC_PROXY: 'http://user:p%40ss@grpc-proxy.internal:3128',
      });
      expect(resolved.connection.proxy).toEqual({
        type: 'http-connect',
        targetHost: 'grpc-proxy.internal:3128',
        basicAuth: { username: 'user', password: 'p@ss' },
      });
      expect(clientConnectionOptions(resolved).channelArgs).toBeUndefined();
      expect(process.env.grpc_proxy).toBe('http://user:p%40ss@grpc-proxy.internal:3128');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('explainConnectionFailure', () => {
  const target = (tls: boolean) => ({
    connection: { address: 'temporal.internal:7233', ...(tls ? { tls: {} } : {}) },
    namespace: 'default',
    embedded: false,
  });
  const timeout = new Error(
    'Failed to call GetSystemInfo: code: \'The operation was cancelled\', message: "Timeout expired"',
  );

  it('names both suspects when a plain connection times out: the address, or a server that requires TLS', () => {
    const explained = explainConnectionFailure(timeout, target(false));
    expect(explained.message).toContain('TEMPORAL_ADDRESS / TEMPORAL_TLS:');
    expect(explained.message).toContain('requires TLS');
  });

  it('names the address alone when TLS is already on, and a refused connection as nothing answering', () => {
    expect(explainConnectionFailure(timeout, target(true)).message).toContain('TEMPORAL_ADDRESS: cannot reach');
    expect(explainConnectionFailure(new Error('connect ECONNREFUSED'), target(false)).message).toContain(
      'TEMPORAL_ADDRESS: nothing answers at temporal.internal:7233',
    );
  });
});
