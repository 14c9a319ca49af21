/**
 * `npm run cluster`: the service on a production-shaped local cluster. PostgreSQL 15 (its own data folder and port),
 * the Temporal server built from its Go module with PostgreSQL persistence and SQL visibility, the Temporal UI server,
 * MinIO as the archive, the FaceID emulator in sandbox mode, two worker processes and two gateways. Takes the settings
 * of `npm start`; a process that dies is started again, as a service manager would; a restart keeps the data; Ctrl-C
 * stops everything. See docs/deployment.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configOrExit } from '../src/config/env';
import { gatewaySettings } from '../src/config/gateway';
import { accessBannerLines, bannerText, faceIdBannerLine, probeHost } from './lib/banner';
import { runStack, stackConfig } from './lib/stack';
import { newClusterSecrets, startClusterServices, type ClusterSecrets } from './cluster/services';
import { startServiceProcesses } from './cluster/service-processes';
import { logFile, temporalPorts } from './cluster/temporal-server';

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
function clusterSecrets(dir: string): ClusterSecrets {
  const file = join(dir, 'secrets.json');
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<ClusterSecrets>) : {};
  // A cluster made before a secret existed gets a fresh one for it; the ones it has stay.
  const secrets = { ...newClusterSecrets(), ...kept };
  if (Object.keys(secrets).length !== Object.keys(kept).length) {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

runStack(async (supervisor) => {
  const settings = clusterSettings();
  const gateway = gatewaySettings(cfg);
  const clusterDir = resolve(cfg.store.dataDir, 'cluster');
  mkdirSync(clusterDir, { recursive: true });
  const {
    address,
    env: shared,
    tls,
    postgres,
    temporal,
    minio,
  } = await startClusterServices(supervisor, {
    dir: clusterDir,
    secrets: clusterSecrets(clusterDir),
    ports: {
      postgres: settings.postgresPort,
      temporal: temporalPorts(cfg.temporal.devServerPort),
      minio: settings.minioPort,
      ui: cfg.temporal.uiPort,
    },
    historyShards: settings.historyShards,
    tls: settings.tls,
    namespace: cfg.temporal.namespace,
    retention: '72h',
    codecEndpoint: `${gateway.publicUrl}/codec`,
    child: (spec) => ({ ...spec, restart: true }),
  });

  // Every process of the service reaches the same cluster and the same archive (`shared`).
  const metricsPorts = Array.from({ length: settings.workers }, (_, index) =>
    worker.metrics.port > 0 ? worker.metrics.port + index : 0,
  );
  const gatewayPorts = Array.from({ length: settings.gateways }, (_, index) => gateway.port + index);
  await startServiceProcesses(supervisor, {
    env: shared,
    ...(cfg.sandbox ? { emulatorPort: emulator.emulator.port } : {}),
    workerMetricsPorts: metricsPorts,
    gatewayHost: gateway.host,
    gatewayPorts,
    child: (spec) => ({ ...spec, restart: true }),
  });

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
      `  PostgreSQL        127.0.0.1:${postgres.port} (databases temporal, temporal_visibility, ekyc)`,
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
