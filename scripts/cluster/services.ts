import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ChildSpec, Supervisor } from '../lib/supervisor';
import { archiveEnv, ensureBucket, minioChild, type MinioSettings } from './minio';
import {
  ekycDatabase,
  initPostgres,
  postgresChild,
  provisionServiceDatabase,
  provisionTemporalDatabases,
  type ClusterPostgresSettings,
} from './postgres';
import {
  applyTemporalSchemas,
  registerNamespace,
  settleSearchAttributeCache,
  temporalServerChild,
  writeTemporalConfig,
  type TemporalPorts,
  type TemporalServerSettings,
} from './temporal-server';
import { ensureClusterTls, tlsClientEnv, type ClusterTls } from './tls';
import { requireClusterTools } from './tools';
import { uiServerChild } from './ui-server';

/** Passwords and keys of a cluster's PostgreSQL and MinIO. */
export interface ClusterSecrets {
  postgresSuperuser: string;
  postgresTemporal: string;
  /** The `ekyc` role's, owner of the policy and decision database. */
  postgresEkyc: string;
  minioAccessKey: string;
  minioSecretKey: string;
}

/** Fresh random secrets for a new cluster. */
export function newClusterSecrets(): ClusterSecrets {
  const token = () => randomBytes(18).toString('base64url');
  return {
    postgresSuperuser: token(),
    postgresTemporal: token(),
    postgresEkyc: token(),
    minioAccessKey: `ekyc-${randomBytes(6).toString('hex')}`,
    minioSecretKey: token(),
  };
}

/** Where the cluster's services keep their data and listen, and how the Temporal frontend is secured. */
export interface ClusterServicesSettings {
  /** Holds `postgres`, `temporal`, `minio`, `ui` and `tls`. */
  dir: string;
  secrets: ClusterSecrets;
  ports: { postgres: number; temporal: TemporalPorts; minio: number; ui: number };
  historyShards: number;
  /** Mutual TLS on the Temporal frontend, as production runs it. */
  tls: boolean;
  namespace: string;
  retention: string;
  /** The gateway's codec endpoint, for the UI server. */
  codecEndpoint: string;
  /** What the caller adds to each child (a restart policy, where its output goes). */
  child?: (spec: ChildSpec) => ChildSpec;
}

/** The services the cluster started, and what every worker and gateway needs to reach them. */
export interface ClusterServices {
  address: string;
  /** TEMPORAL_ADDRESS, the TEMPORAL_TLS_* variables, the archive's URL and credentials, and DATABASE_URL. */
  env: NodeJS.ProcessEnv;
  tls: ClusterTls | undefined;
  postgres: ClusterPostgresSettings;
  temporal: TemporalServerSettings;
  minio: MinioSettings;
}

/**
 * Starts the backing services of `npm run cluster` in order: PostgreSQL with the Temporal databases and the service's
 * own (`ekyc`), the Temporal
 * server (schemas applied, namespace and search attributes registered), MinIO with the archive bucket, and the UI
 * server. The service's own processes (emulator, workers, gateways) are the caller's.
 */
export async function startClusterServices(
  supervisor: Supervisor,
  settings: ClusterServicesSettings,
): Promise<ClusterServices> {
  requireClusterTools();
  const child = settings.child ?? ((spec: ChildSpec) => spec);
  const { dir, secrets, ports } = settings;
  const address = `127.0.0.1:${ports.temporal.frontend}`;

  const postgres: ClusterPostgresSettings = {
    dataDir: join(dir, 'postgres'),
    port: ports.postgres,
    superuserPassword: secrets.postgresSuperuser,
    temporalPassword: secrets.postgresTemporal,
  };
  await initPostgres(postgres);
  await supervisor.start(child(postgresChild(postgres)));
  await provisionTemporalDatabases(postgres);
  const databaseUrl = await provisionServiceDatabase(postgres, ekycDatabase(secrets.postgresEkyc));

  const tls = settings.tls ? ensureClusterTls(join(dir, 'tls')) : undefined;
  const temporal: TemporalServerSettings = {
    rootDir: join(dir, 'temporal'),
    ports: ports.temporal,
    historyShards: settings.historyShards,
    postgres,
    tls,
  };
  await applyTemporalSchemas(temporal);
  writeTemporalConfig(temporal);
  await supervisor.start(child(temporalServerChild(temporal)));
  const registered = await registerNamespace(address, settings.namespace, settings.retention, tls);
  settleSearchAttributeCache(temporal, registered).catch((error: unknown) => {
    process.stderr.write(`[cluster] the search attribute refresh stays forced: ${(error as Error).message}\n`);
  });

  const minio: MinioSettings = {
    dataDir: join(dir, 'minio'),
    port: ports.minio,
    accessKeyId: secrets.minioAccessKey,
    secretAccessKey: secrets.minioSecretKey,
    bucket: 'ekyc-archive',
  };
  await supervisor.start(child(minioChild(minio)));
  await ensureBucket(minio);

  await supervisor.start(
    child(
      uiServerChild({
        rootDir: join(dir, 'ui'),
        port: ports.ui,
        temporalAddress: address,
        namespace: settings.namespace,
        codecEndpoint: settings.codecEndpoint,
        tls,
      }),
    ),
  );
  // With TLS the service's processes connect through Temporal's standard variables, as any client of a cluster would.
  const env = {
    TEMPORAL_ADDRESS: address,
    ...(tls ? tlsClientEnv(tls) : {}),
    ...archiveEnv(minio),
    DATABASE_URL: databaseUrl,
  };
  return { address, env, tls, postgres, temporal, minio };
}
