import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MEDIA_HOSTS, DEFAULT_MEDIA_MAX_BYTES, parseHostList, parseHostPattern } from '../archive/media-policy';
import { codecEnv, codecSettings } from './codec';
import { logLevel, optionalText, parsedAs, port, readEnv } from './env';
import { faceidEnv, faceidSettings, sandboxMode } from './faceid';
import { egressSettings, outboundEnv, webhookSettings } from './outbound';
import { storeEnv, storeSettings } from './store';
import { databaseEnv, databaseSettings } from './database';
import { temporalEnv, temporalSettings } from './temporal';

/** A worker deployment name: Temporal joins it to the build id with a dot, so it holds none. */
const deploymentName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'letters, digits, "_" and "-", up to 100');
/** A build id, e.g. a release tag `1.4.2` or a commit hash. */
const buildId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" and "-", up to 100');

/** The worker process's variables: its own and the shared FaceID, Temporal, store and codec ones. */
const workerEnv = z.object({
  LOG_LEVEL: logLevel,
  ...faceidEnv.shape,
  ...temporalEnv.shape,
  ...storeEnv.shape,
  ...databaseEnv.shape,
  ...codecEnv.shape,
  ...outboundEnv.shape,
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(150),
  // A workflow bundle built by `npm run build:workflows`; unset, the worker builds one at start-up.
  WORKFLOW_BUNDLE: optionalText,
  // Worker versioning: a build id turns it on (docs/deployment.md); the deployment name groups the service's versions.
  WORKER_BUILD_ID: optionalText.pipe(buildId.optional()),
  WORKER_DEPLOYMENT_NAME: z.string().trim().pipe(deploymentName).default('ekyc-journeys'),
  // The worker's Prometheus endpoint (SDK and journey metrics); 0 turns it off.
  METRICS_PORT: port.default(9464),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  // The retention sweep's schedule: every this many minutes (1 minute to 1 day), this many journeys per batch.
  RETENTION_SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  RETENTION_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  MEDIA_ALLOWED_HOSTS: optionalText,
  // Hosts exempt from the private-address checks: an internal mirror of Tencent's media, or the rehearsal's emulator.
  MEDIA_TRUSTED_HOSTS: optionalText,
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 ** 3)
    .default(DEFAULT_MEDIA_MAX_BYTES),
});

type WorkerEnv = z.infer<typeof workerEnv>;

/** The worker's schema; the proxy variables, in either spelling, are read from the environment itself. */
const workerSchema = (env: NodeJS.ProcessEnv) =>
  workerEnv.transform((e) => {
    const sandbox = sandboxMode(e);
    const webhook = webhookSettings(e, sandbox);
    const temporal = temporalSettings(e);
    const faceid = faceidSettings(e, sandbox);
    return {
      sandbox,
      logLevel: e.LOG_LEVEL,
      temporal,
      faceid,
      egress: egressSettings(e, env),
      worker: {
        maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
        /** A prebuilt workflow bundle to run; without it the worker builds one at start-up. */
        ...(e.WORKFLOW_BUNDLE ? { workflowBundle: resolve(e.WORKFLOW_BUNDLE) } : {}),
        ...(e.WORKER_BUILD_ID ? { deployment: { name: e.WORKER_DEPLOYMENT_NAME, buildId: e.WORKER_BUILD_ID } } : {}),
      },
      /** Where the worker serves `/metrics`; `port` 0 means no endpoint. */
      metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT },
      store: storeSettings(e),
      /** The policy and decision database (`DATABASE_URL`), or undefined without one. */
      database: databaseSettings(e),
      /** How often the retention sweep runs and how many journeys it takes per batch. */
      retentionSweep: { intervalMinutes: e.RETENTION_SWEEP_INTERVAL_MINUTES, batchSize: e.RETENTION_SWEEP_BATCH_SIZE },
      media: parseMedia(e, sandbox, faceid.endpoint),
      webhook,
      codec: codecSettings(e, sandbox),
    };
  });

/** The worker process's validated configuration. */
export type WorkerConfig = z.infer<ReturnType<typeof workerSchema>>;

/** Validates an environment (default `process.env`) into the worker's {@link WorkerConfig}. */
export function workerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return readEnv(workerSchema(env), env);
}

/**
 * The media download guard: allowlisted hosts, the sandbox emulator's `host:port` (sandbox only), hosts exempt from
 * the private-address checks (`MEDIA_TRUSTED_HOSTS`), size cap.
 */
function parseMedia(e: WorkerEnv, sandbox: boolean, endpoint: string) {
  return {
    allowedHosts: e.MEDIA_ALLOWED_HOSTS
      ? parsedAs('MEDIA_ALLOWED_HOSTS', () => parseHostList(e.MEDIA_ALLOWED_HOSTS as string))
      : [...DEFAULT_MEDIA_HOSTS],
    // The emulator serves its media from the FaceID endpoint itself, over plain http on loopback.
    sandboxHosts: sandbox ? parsedAs('FACEID_ENDPOINT', () => [parseHostPattern(endpoint)]) : [],
    trustedHosts: e.MEDIA_TRUSTED_HOSTS
      ? parsedAs('MEDIA_TRUSTED_HOSTS', () => {
          const hosts = parseHostList(e.MEDIA_TRUSTED_HOSTS as string);
          if (hosts.some((host) => host.startsWith('*.'))) throw new Error('names hosts one by one, no *.suffix');
          return hosts;
        })
      : [],
    maxBytes: e.MEDIA_MAX_BYTES,
  };
}
