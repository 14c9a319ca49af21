import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { EKYC_SEARCH_ATTRIBUTES, searchAttributeTypeName } from '../../src/workflows/search-attributes';
import type { ChildSpec } from '../lib/supervisor';
import { waitForTemporal } from '../lib/wait';
import { hasTemporalSchema, TEMPORAL_DB_USER, type ClusterPostgresSettings } from './postgres';
import type { TLSConfig } from '@temporalio/client';
import { tlsCliArgs, tlsConnectionOption, type ClusterTls } from './tls';
import { ClusterSetupError, CLUSTER_TOOLS, run, temporalSchemaDir } from './tools';

/** The gRPC (and frontend HTTP) port of each Temporal service, and each one's membership (ringpop) port. */
export interface TemporalPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** At most 32767: the cluster membership table stores them as `smallint`. */
  membership: { frontend: number; history: number; matching: number; worker: number };
}

/**
 * The ports `npm run cluster` uses, derived from the frontend's (`TEMPORAL_DEV_PORT`, 7233 by default) as in
 * Temporal's sample configs: HTTP +10, history +1, matching +2, worker +6, membership 300 below each gRPC port.
 */
export function temporalPorts(frontend: number): TemporalPorts {
  const ports = { frontend, history: frontend + 1, matching: frontend + 2, worker: frontend + 6 };
  return {
    ...ports,
    frontendHttp: frontend + 10,
    membership: {
      frontend: ports.frontend - 300,
      history: ports.history - 300,
      matching: ports.matching - 300,
      worker: ports.worker - 300,
    },
  };
}

/** What the Temporal server of the cluster needs. */
export interface TemporalServerSettings {
  rootDir: string;
  ports: TemporalPorts;
  /** History shards: fixed for the life of the database (docs/deployment.md, "Sizing"). */
  historyShards: number;
  postgres: ClusterPostgresSettings;
  /** Mutual TLS on the frontend (every client presents a certificate of the cluster's CA); plaintext without. */
  tls?: ClusterTls | undefined;
}

/** Creates or migrates the persistence and SQL visibility schemas with `temporal-sql-tool`; repeating it is harmless. */
export async function applyTemporalSchemas(settings: TemporalServerSettings): Promise<void> {
  const schemas = temporalSchemaDir();
  const { postgres } = settings;
  for (const [database, folder] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const connection = [
      '--plugin',
      'postgres12',
      '--endpoint',
      '127.0.0.1',
      '--port',
      String(postgres.port),
      '--user',
      TEMPORAL_DB_USER,
      '--password',
      postgres.temporalPassword,
      '--database',
      database,
    ];
    if (!(await hasTemporalSchema(postgres, database))) {
      await run(`temporal-sql-tool setup-schema (${database})`, CLUSTER_TOOLS.sqlTool, [
        ...connection,
        'setup-schema',
        '-v',
        '0.0',
      ]);
    }
    await run(`temporal-sql-tool update-schema (${database})`, CLUSTER_TOOLS.sqlTool, [
      ...connection,
      'update-schema',
      '--schema-dir',
      join(schemas, folder, 'versioned'),
    ]);
  }
}

/** Where the server writes its log: its start-up is noisy (shards and task queues settle), so not to the terminal. */
export function logFile(settings: TemporalServerSettings): string {
  return join(settings.rootDir, 'temporal.log');
}

/** Writes the server's static config (`<root>/config/development.yaml`) and its dynamic config file. */
export function writeTemporalConfig(settings: TemporalServerSettings): void {
  const { ports } = settings;
  const configDir = join(settings.rootDir, 'config');
  mkdirSync(configDir, { recursive: true });
  const dynamicConfig = join(configDir, 'dynamicconfig.yaml');
  const store = (name: string, database: string, maxConns: number) => `    ${name}:
      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "127.0.0.1:${settings.postgres.port}"
        connectProtocol: "tcp"
        user: "${TEMPORAL_DB_USER}"
        password: "${settings.postgres.temporalPassword}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (name: keyof TemporalPorts['membership'], extra = '') => `  ${name}:
    rpc:
      grpcPort: ${ports[name]}
      membershipPort: ${ports.membership[name]}
      bindOnLocalHost: true${extra}`;
  const yaml = `# Written by \`npm run cluster\` on every start; edit scripts/cluster/temporal-server.ts instead.
log:
  stdout: false
  level: warn
  outputFile: "${logFile(settings)}"
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${settings.historyShards}
  datastores:
${store('postgres-default', 'temporal', 20)}
${store('postgres-visibility', 'temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
${settings.tls ? frontendTlsYaml(settings.tls) : ''}services:
${service('frontend', `\n      httpPort: ${ports.frontendHttp}`)}
${service('history')}
${service('matching')}
${service('worker')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${dynamicConfig}"
  pollInterval: "10s"
`;
  writeFileSync(join(configDir, 'development.yaml'), yaml, { mode: 0o600 });
  writeDynamicConfig(settings, { forceSearchAttributeRefresh: true });
}

/** How long the server's search attribute caches live (`cacheRefreshInterval` in go.temporal.io/server v1.29.1). */
const SEARCH_ATTRIBUTE_CACHE_MS = 60_000;
/** How often the server reads its dynamic config file (`pollInterval` above). */
const DYNAMIC_CONFIG_POLL_MS = 10_000;

/**
 * The server's dynamic config. Forcing a search attribute refresh on every read makes attributes registered after
 * start-up valid at once, but costs a database read (under a lock) for every workflow start and upsert, so it is on
 * only until the registered attributes are in every cache.
 */
function writeDynamicConfig(settings: TemporalServerSettings, options: { forceSearchAttributeRefresh: boolean }): void {
  writeFileSync(
    join(settings.rootDir, 'config', 'dynamicconfig.yaml'),
    `# Written by \`npm run cluster\` (scripts/cluster/temporal-server.ts).
${
  options.forceSearchAttributeRefresh
    ? `# Search attributes registered by the cluster script are visible at once; switched off once they are cached.
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
`
    : '{}\n'
}`,
  );
}

/**
 * Ends the forced search attribute refresh: at once when start-up registered no attribute (every cache loads the
 * stored ones), otherwise once any cache read before the registration has expired. Resolves when the file is written;
 * the server applies it at its next poll of the file.
 */
export async function settleSearchAttributeCache(
  settings: TemporalServerSettings,
  registered: readonly string[],
): Promise<void> {
  // Not ref'd: a process that ends before (a bench run) leaves the forced refresh on; the next start writes it anew.
  if (registered.length > 0) await delay(SEARCH_ATTRIBUTE_CACHE_MS + DYNAMIC_CONFIG_POLL_MS, undefined, { ref: false });
  writeDynamicConfig(settings, { forceSearchAttributeRefresh: false });
}

/**
 * Mutual TLS on the frontend: it requires a client certificate of the cluster's CA. The server's own worker service
 * (system workflows such as schedules) is a client of the frontend too, so it presents the client certificate.
 * Traffic between the services stays on loopback in plaintext.
 */
function frontendTlsYaml(tls: ClusterTls): string {
  const client = `        serverName: "${tls.serverName}"
        rootCaFiles:
          - "${tls.caCert}"`;
  return `  tls:
    frontend:
      server:
        certFile: "${tls.serverCert}"
        keyFile: "${tls.serverKey}"
        requireClientAuth: true
        clientCaFiles:
          - "${tls.caCert}"
      client:
${client}
    systemWorker:
      certFile: "${tls.clientCert}"
      keyFile: "${tls.clientKey}"
      client:
${client}
`;
}

/** How the scripts' own clients (health checks, the CLI) reach the frontend: plain, or with the cluster's client pair. */
function frontendClientTls(tls: ClusterTls | undefined): TLSConfig | undefined {
  return tls ? tlsConnectionOption(tls) : undefined;
}

/** The Temporal server (frontend, history, matching and worker services in one process) as a supervised child. */
export function temporalServerChild(settings: TemporalServerSettings): ChildSpec {
  return {
    name: 'temporal',
    command: CLUSTER_TOOLS.temporalServer,
    args: ['--root', settings.rootDir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
    ready: () =>
      waitForTemporal(`127.0.0.1:${settings.ports.frontend}`, 120_000, frontendClientTls(settings.tls)).catch(
        (error: unknown) => {
          throw new ClusterSetupError(`${(error as Error).message}; its log is ${logFile(settings)}`);
        },
      ),
  };
}

/**
 * Registers the namespace (with its retention) and the journey search attributes, unless they exist; answers the
 * attributes it registered.
 */
export async function registerNamespace(
  address: string,
  namespace: string,
  retention: string,
  tls?: ClusterTls,
): Promise<string[]> {
  const connection = ['--address', address, ...(tls ? tlsCliArgs(tls) : [])];
  const cli = (what: string, args: string[]) => run(what, CLUSTER_TOOLS.temporalCli, [...args, ...connection]);
  const described = await cli('describe namespace', [
    'operator',
    'namespace',
    'describe',
    '--namespace',
    namespace,
  ]).then(
    () => true,
    () => false,
  );
  if (!described) {
    await cli(`create namespace ${namespace}`, [
      'operator',
      'namespace',
      'create',
      '--namespace',
      namespace,
      '--retention',
      retention,
    ]);
  }
  // Namespace caches refresh every few seconds: wait until the frontend serves the new namespace.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const listed = await cli('list search attributes', [
        'operator',
        'search-attribute',
        'list',
        '--namespace',
        namespace,
        '--output',
        'json',
      ]);
      const existing = searchAttributeNames(JSON.parse(listed) as unknown);
      const registered: string[] = [];
      for (const key of EKYC_SEARCH_ATTRIBUTES) {
        if (existing.has(key.name)) continue;
        await cli(`create search attribute ${key.name}`, [
          'operator',
          'search-attribute',
          'create',
          '--namespace',
          namespace,
          '--name',
          key.name,
          '--type',
          searchAttributeTypeName(key),
        ]);
        registered.push(key.name);
      }
      return registered;
    } catch (error) {
      if (Date.now() > deadline) throw new ClusterSetupError(`namespace ${namespace}: ${(error as Error).message}`);
      await new Promise((wait) => setTimeout(wait, 1_000));
    }
  }
}

/** Names in `temporal operator search-attribute list --output json`: the API's maps of custom and system attributes. */
function searchAttributeNames(listed: unknown): Set<string> {
  const names = new Set<string>();
  if (listed && typeof listed === 'object') {
    for (const group of ['customAttributes', 'systemAttributes'] as const) {
      const attributes = (listed as Record<string, unknown>)[group];
      if (attributes && typeof attributes === 'object') for (const name of Object.keys(attributes)) names.add(name);
    }
  }
  return names;
}
