/**
 * Worker process: connects to Temporal once, builds the FaceID client and the archive from configuration, runs
 * the main, FaceID and media workers, and shuts them down gracefully on SIGINT / SIGTERM (the SDK installs those
 * handlers and lets running activities finish within the grace time).
 */
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ArchiveCapabilityError, checkConditionalWrites } from '../store/conditional-writes-check';
import { openArchiveStore } from '../store/open-store';
import { dataConverterFor } from '../codec/data-converter';
import { ArchiveDataKeys } from '../codec/data-keys';
import { journeyExists } from '../client/journey-exists';
import { ConfigError } from '../config-error';
import { configOrExit } from '../config/env';
import { workerConfig, type WorkerConfig } from '../config/worker';
import type { FaceIdAction } from '../faceid/actions';
import { FaceIdClient } from '../faceid/client';
import { probeEndpoint } from '../egress/startup-check';
import { describeProxy } from '../egress/proxy-settings';
import { createLogger, type Logger } from '../logging';
import { DatabaseStartupError, openMigratedDatabase } from '../db/startup';
import { explainConnectionFailure, resolveTemporalTarget } from '../temporal/connection';
import { checkNamespace } from '../temporal/namespace-check';
import { isLocalCall, startQuotaPacer } from '../quota';
import { createJourneyWorkers, quotaOf, runWorkers } from '../workers/journey-workers';
import { ensureRetentionSchedule } from '../workers/retention-schedule';
import { announceReady } from '../workers/readiness';
import { installRuntime } from '../workers/runtime-logger';
import { journeyWorkflowCode } from '../workers/workflow-bundle';

/** Unfinished archive writes older than this are a crash's remains, not a download in progress. */
const LEFTOVER_AGE_MS = 3600_000;

async function main(): Promise<void> {
  const cfg = configOrExit(() => workerConfig());
  const log = createLogger({ component: 'worker', level: cfg.logLevel });
  const metricsBindAddress = cfg.metrics.port > 0 ? `${cfg.metrics.host}:${cfg.metrics.port}` : undefined;
  installRuntime({ logger: log, ...(metricsBindAddress ? { metricsBindAddress } : {}) });
  const target = resolveTemporalTarget(cfg.temporal);
  // Opened first: a bad ARCHIVE_URL or half a credential pair stops the worker before it connects anywhere.
  const archive = openArchiveStore(cfg.store.url, cfg.store.dataDir);
  await checkConditionalWrites(archive);
  // Before connecting too: a WORKFLOW_BUNDLE that names nothing is a setting to fix, and building one takes seconds.
  const workflowBundle = await journeyWorkflowCode(cfg.worker.workflowBundle);
  await checkEgress(cfg, log);
  // Migrated before the worker takes work; a worker starting beside a gateway waits on the same migration lock.
  const database = cfg.database
    ? await openMigratedDatabase({ ...cfg.database, applicationName: 'ekyc-worker' }, log)
    : undefined;
  if (cfg.codec.acceptUnencrypted) {
    log.warn('CODEC_ACCEPT_UNENCRYPTED: messages sent without the codec key are read as sent, not refused');
  }
  const connection = await NativeConnection.connect(target.connection).catch((error: unknown) => {
    throw explainConnectionFailure(error, target);
  });
  await checkNamespace(connection, target.namespace, target.connection.address, (reason) =>
    log.warn({ reason }, 'journey search attributes not checked'),
  );
  const limits = { rateLimits: cfg.faceid.rateLimits, defaultRateLimit: cfg.faceid.defaultRateLimit };
  // Every worker process on the task queue shares the quota through leases in the archive, the store they all reach.
  const quota = await startQuotaPacer({
    store: archive,
    group: cfg.temporal.taskQueue,
    quotaFor: (action) => quotaOf(action as FaceIdAction, limits),
    onError: (error) => log.warn({ err: error }, 'quota lease renewal failed; FaceID calls paused until it succeeds'),
  });
  // Each journey's payloads under its own data key, kept in the archive every process reaches (erasure destroys it).
  const dataConverter = dataConverterFor(cfg.codec.keyRing, {
    acceptUnencrypted: cfg.codec.acceptUnencrypted,
    dataKeys: { vault: new ArchiveDataKeys(archive, cfg.codec.keyRing), erased: 'fail' },
  });
  // For the retention schedule and the sweep's question whether a journey exists.
  const client = new Client({ connection, namespace: target.namespace, dataConverter });
  try {
    const faceid = new FaceIdClient({
      secretId: cfg.faceid.secretId,
      secretKey: cfg.faceid.secretKey,
      endpoint: cfg.faceid.endpoint,
      protocol: cfg.faceid.protocol,
      timeoutSeconds: cfg.faceid.timeoutSeconds,
      beforeSend: (action) => quota.pacer.acquire(action, { local: isLocalCall() }),
      egress: cfg.egress,
    });
    const workers = await createJourneyWorkers({
      connection,
      namespace: target.namespace,
      taskQueue: cfg.temporal.taskQueue,
      deps: {
        faceid,
        archive,
        media: cfg.media,
        webhook: cfg.webhook,
        egress: cfg.egress,
        journeyExists: (reference) => journeyExists(client, reference),
        ...(database ? { database } : {}),
      },
      workflowBundle,
      ...limits,
      pacer: quota.pacer,
      maxCachedWorkflows: cfg.worker.maxCachedWorkflows,
      dataConverter,
      deployment: cfg.worker.deployment,
    });
    log.info(
      {
        taskQueues: workers.length,
        temporal: target.connection.address,
        namespace: target.namespace,
        quotaMember: quota.membership.memberId,
        ...(cfg.worker.deployment ? { deployment: cfg.worker.deployment } : {}),
        ...(metricsBindAddress ? { metrics: `http://${metricsBindAddress}/metrics` } : {}),
      },
      'worker ready',
    );
    announceReady();
    // What a crash left mid-write (in this or an earlier process) goes in the background; recent writes are spared.
    void (archive.removeLeftovers?.('', LEFTOVER_AGE_MS) ?? Promise.resolve(0)).then(
      (removed) => removed > 0 && log.info({ removed }, 'removed leftovers of unfinished archive writes'),
      (error: unknown) => log.warn({ err: error }, 'removing leftovers of unfinished archive writes failed'),
    );
    // The retention sweep's schedule, created or updated by every worker at start-up (idempotent).
    await ensureRetentionSchedule(client, { taskQueue: cfg.temporal.taskQueue, ...cfg.retentionSweep });
    // Slots granted and given up per action (a late wake-up, a change of the group): why a quota is not filled.
    const quotaLog = setInterval(() => log.debug({ slots: quota.pacer.stats() }, 'quota pacer'), 60_000);
    quotaLog.unref();
    await runWorkers(workers);
    log.info({ slots: quota.pacer.stats() }, 'worker stopped');
    await faceid.close();
  } finally {
    await quota.close();
    await database?.close();
    await archive.close?.();
    await connection.close();
  }
}

/**
 * Reaches the FaceID endpoint once before taking work: a certificate it does not trust or a proxy that refuses the
 * tunnel is a setting to fix and stops the worker; an endpoint that is merely down is logged and retried by the calls.
 */
async function checkEgress(cfg: WorkerConfig, log: Logger): Promise<void> {
  const { https, http } = cfg.egress.proxy;
  if (https || http) {
    // Only scheme, host and port: the credentials in the URL stay out of the log.
    log.info(
      { https: https && describeProxy(https), http: http && describeProxy(http) },
      'outbound traffic through a proxy',
    );
  }
  if (cfg.media.trustedHosts.length > 0) {
    log.warn(
      { hosts: cfg.media.trustedHosts },
      'MEDIA_TRUSTED_HOSTS: media from these hosts skips the private-address checks',
    );
  }
  const endpoint = new URL(`${cfg.faceid.protocol}${cfg.faceid.endpoint}`);
  const probe = await probeEndpoint(cfg.egress, endpoint);
  if (!probe.reachable) log.warn({ endpoint: endpoint.host, code: probe.code }, 'FaceID endpoint not reachable yet');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // A setting to fix (a Temporal the worker cannot reach as configured, an archive that cannot share state) is
    // told as such, naming the setting, without a stack trace.
    if (error instanceof ConfigError || error instanceof ArchiveCapabilityError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    if (error instanceof DatabaseStartupError) {
      process.stderr.write(`The worker cannot use its database: ${error.message}\n`);
      process.exit(1);
    }
    createLogger({ component: 'worker', level: 'error' }).error({ err: error }, 'worker failed');
    process.exit(1);
  },
);
