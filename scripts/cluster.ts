/**
 * `npm run cluster`: the service on a production-shaped local cluster. PostgreSQL 15 (its own data folder and port),
 * the Temporal server built from its Go module with PostgreSQL persistence and SQL visibility, the Temporal UI server,
 * MinIO as the archive, the FaceID emulator in sandbox mode, two worker processes and two gateways. Takes the settings
 * of `npm start`; a process that dies is started again, as a service manager would; a restart keeps the data; Ctrl-C
 * stops everything. See docs/deployment.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configOrExit } from '../src/config/env';
import { gatewaySettings } from '../src/config/gateway';
import { WORKER_READY_MESSAGE } from '../src/workers/readiness';
import { accessBannerLines, bannerText, faceIdBannerLine, probeHost } from './lib/banner';
import { runStack, serviceChild, stackConfig } from './lib/stack';
import { waitForHttp, waitForPort } from './lib/wait';
import { archiveEnv, ensureBucket, minioChild, type MinioSettings } from './cluster/minio';
import { initPostgres, postgresChild, provisionTemporalDatabases, type PostgresSettings } from './cluster/postgres';
import {
  applyTemporalSchemas,
  logFile,
  registerNamespace,
  temporalPorts,
  temporalServerChild,
  writeTemporalConfig,
} from './cluster/temporal-server';
import { ensureClusterTls, tlsClientEnv } from './cluster/tls';
import { requireClusterTools } from './cluster/tools';
import { uiServerChild } from './cluster/ui-server';

const { gateway: cfg, worker, emulator } = configOrExit(() => stackConfig());
const intSetting = (name: string, fallback: number, min: number, max: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Invalid configuration:\n  ${name}: expected a whole number from ${min} to ${max}`);
  }
  return value;
};
/** The cluster's own settings (besides those of `npm start`); docs/deployment.md lists them. */
function clusterSettings() {
  return {
    postgresPort: intSetting('CLUSTER_POSTGRES_PORT', 5433, 1, 65535),
    minioPort: intSetting('CLUSTER_MINIO_PORT', 9300, 1, 65535),
    workers: intSetting('CLUSTER_WORKERS', 2, 1, 8),
    gateways: intSetting('CLUSTER_GATEWAYS', 2, 1, 8),
    historyShards: intSetting('CLUSTER_HISTORY_SHARDS', 4, 1, 16384),
    // Mutual TLS on the Temporal frontend, as production runs it; CLUSTER_TLS=false for plaintext.
    tls: (process.env.CLUSTER_TLS?.trim() || 'true') !== 'false',
  };
}

/** Passwords and keys of the local cluster, made once and kept beside its data (git-ignored, owner-only). */
interface ClusterSecrets {
  postgresSuperuser: string;
  postgresTemporal: string;
  minioAccessKey: string;
  minioSecretKey: string;
}

function clusterSecrets(dir: string): ClusterSecrets {
  const file = join(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ClusterSecrets;
  const token = () => randomBytes(18).toString('base64url');
  const secrets: ClusterSecrets = {
    postgresSuperuser: token(),
    postgresTemporal: token(),
    minioAccessKey: `ekyc-${randomBytes(6).toString('hex')}`,
    minioSecretKey: token(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

runStack(async (supervisor) => {
  const settings = clusterSettings();
  requireClusterTools();
  const gateway = gatewaySettings(cfg);
  const clusterDir = resolve(cfg.store.dataDir, 'cluster');
  mkdirSync(clusterDir, { recursive: true });
  const secrets = clusterSecrets(clusterDir);
  const address = `127.0.0.1:${cfg.temporal.devServerPort}`;

  const postgres: PostgresSettings = {
    dataDir: join(clusterDir, 'postgres'),
    port: settings.postgresPort,
    superuserPassword: secrets.postgresSuperuser,
    temporalPassword: secrets.postgresTemporal,
  };
  await initPostgres(postgres);
  await supervisor.start({ ...postgresChild(postgres), restart: true });
  await provisionTemporalDatabases(postgres);

  const tls = settings.tls ? ensureClusterTls(join(clusterDir, 'tls')) : undefined;
  const temporal = {
    rootDir: join(clusterDir, 'temporal'),
    ports: temporalPorts(cfg.temporal.devServerPort),
    historyShards: settings.historyShards,
    postgres,
    tls,
  };
  await applyTemporalSchemas(temporal);
  writeTemporalConfig(temporal);
  await supervisor.start({ ...temporalServerChild(temporal), restart: true });
  await registerNamespace(address, cfg.temporal.namespace, '72h', tls);

  const minio: MinioSettings = {
    dataDir: join(clusterDir, 'minio'),
    port: settings.minioPort,
    accessKeyId: secrets.minioAccessKey,
    secretAccessKey: secrets.minioSecretKey,
    bucket: 'ekyc-archive',
  };
  await supervisor.start({ ...minioChild(minio), restart: true });
  await ensureBucket(minio);

  await supervisor.start({
    restart: true,
    ...uiServerChild({
      rootDir: join(clusterDir, 'ui'),
      port: cfg.temporal.uiPort,
      temporalAddress: address,
      namespace: cfg.temporal.namespace,
      codecEndpoint: `${gateway.publicUrl}/codec`,
      tls,
    }),
  });

  if (cfg.sandbox) {
    await supervisor.start({
      ...serviceChild('src/bin/emulator.ts', 'emulator'),
      restart: true,
      ready: () => waitForPort('127.0.0.1', emulator.emulator.port),
    });
  }
  // Every process of the service reaches the same cluster and the same archive.
  // With TLS they connect through Temporal's standard variables (TEMPORAL_TLS_*), as any client of a cluster would.
  const shared: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: address,
    ...(tls ? tlsClientEnv(tls) : {}),
    ...archiveEnv(minio),
  };
  const metricsPorts = Array.from({ length: settings.workers }, (_, index) =>
    worker.metrics.port > 0 ? worker.metrics.port + index : 0,
  );
  for (const [index, metricsPort] of metricsPorts.entries()) {
    await supervisor.start({
      ...serviceChild('src/bin/worker.ts', `worker-${index + 1}`, { ...shared, METRICS_PORT: String(metricsPort) }),
      readyMessage: WORKER_READY_MESSAGE,
      restart: true,
    });
  }
  const gatewayPorts = Array.from({ length: settings.gateways }, (_, index) => gateway.port + index);
  for (const [index, port] of gatewayPorts.entries()) {
    await supervisor.start({
      ...serviceChild('src/bin/gateway.ts', `gateway-${index + 1}`, { ...shared, GATEWAY_PORT: String(port) }),
      ready: () => waitForHttp(`http://${probeHost(gateway.host)}:${port}/healthz`),
      restart: true,
    });
  }

  process.stdout.write(
    bannerText([
      '',
      `ekyc-journeys is running on a local cluster (${settings.workers} workers, ${settings.gateways} gateways)`,
      `  Temporal gRPC     ${address} (namespace ${cfg.temporal.namespace}; PostgreSQL persistence and visibility${tls ? '; mutual TLS' : ''})`,
      ...(tls
        ? [
            `  Temporal client   TEMPORAL_TLS_CLIENT_CERT_PATH=${tls.clientCert}`,
            `                    TEMPORAL_TLS_CLIENT_KEY_PATH=${tls.clientKey}`,
            `                    TEMPORAL_TLS_SERVER_CA_CERT_PATH=${tls.caCert} TEMPORAL_TLS_SERVER_NAME=${tls.serverName}`,
          ]
        : []),
      `  Temporal Web UI   http://127.0.0.1:${cfg.temporal.uiPort}`,
      `  Temporal log      ${logFile(temporal)}`,
      `  PostgreSQL        127.0.0.1:${postgres.port} (databases temporal, temporal_visibility)`,
      `  Archive (MinIO)   http://127.0.0.1:${minio.port} (bucket ${minio.bucket})`,
      faceIdBannerLine(emulator),
      ...gatewayPorts.map(
        (port, index) =>
          `  Gateway ${index + 1} (HTTP)  http://${probeHost(gateway.host)}:${port}${index === 0 ? `  (OpenAPI: ${gateway.publicUrl}/docs)` : ''}`,
      ),
      ...metricsPorts
        .filter((port) => port > 0)
        .map(
          (port, index) => `  Worker ${index + 1} metrics  http://${probeHost(worker.metrics.host)}:${port}/metrics`,
        ),
      `  Cluster secrets   ${join(clusterDir, 'secrets.json')} (generated once, owner-only)`,
      ...accessBannerLines(cfg, gateway, worker.webhook.url),
    ]),
  );
});
