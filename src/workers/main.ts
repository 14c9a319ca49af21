/**
 * Worker process: connects to Temporal once, builds the FaceID client and the archive from configuration, runs
 * the main, FaceID and media workers, and shuts them down gracefully on SIGINT / SIGTERM (the SDK installs those
 * handlers and lets running activities finish within the grace time).
 */
import { NativeConnection } from '@temporalio/worker';
import { openArchiveStore } from '../archive/open-store';
import { dataConverterFor } from '../codec/data-converter';
import { config } from '../config';
import { FaceIdClient } from '../faceid/client';
import { createLogger } from '../logging';
import { resolveTemporalTarget } from '../temporal/connection';
import { createJourneyWorkers, runWorkers } from './journey-workers';
import { installRuntime } from './runtime-logger';

async function main(): Promise<void> {
  const cfg = config();
  const log = createLogger({ component: 'worker', level: cfg.logLevel });
  const metricsBindAddress = cfg.metrics.port > 0 ? `${cfg.metrics.host}:${cfg.metrics.port}` : undefined;
  installRuntime({ logger: log, ...(metricsBindAddress ? { metricsBindAddress } : {}) });
  const target = resolveTemporalTarget(cfg);
  // Opened first: a bad ARCHIVE_URL or half a credential pair stops the worker before it connects anywhere.
  const archive = openArchiveStore(cfg.archive.url, cfg.dataDir);
  const connection = await NativeConnection.connect(target.connection);
  try {
    const faceid = new FaceIdClient({
      secretId: cfg.faceid.secretId,
      secretKey: cfg.faceid.secretKey,
      endpoint: cfg.faceid.endpoint,
      protocol: cfg.faceid.protocol,
      timeoutSeconds: cfg.faceid.timeoutSeconds,
    });
    const workers = await createJourneyWorkers({
      connection,
      namespace: target.namespace,
      taskQueue: cfg.temporal.taskQueue,
      deps: { faceid, archive, media: cfg.media, webhook: cfg.webhook },
      workflows: { workflowsPath: require.resolve('../workflows') },
      rateLimits: cfg.faceid.rateLimits,
      defaultRateLimit: cfg.faceid.defaultRateLimit,
      maxCachedWorkflows: cfg.worker.maxCachedWorkflows,
      dataConverter: dataConverterFor(cfg.codec.keyRing),
    });
    log.info(
      {
        taskQueues: workers.length,
        temporal: target.connection.address,
        namespace: target.namespace,
        ...(metricsBindAddress ? { metrics: `http://${metricsBindAddress}/metrics` } : {}),
      },
      'worker ready',
    );
    await runWorkers(workers);
    log.info('worker stopped');
  } finally {
    await archive.close?.();
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    createLogger({ component: 'worker', level: 'error' }).error({ err: error }, 'worker failed');
    process.exit(1);
  },
);
