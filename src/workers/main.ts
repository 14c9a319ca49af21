/**
 * Worker process: connects to Temporal once, builds the FaceID client and the archive from configuration, runs
 * the main, FaceID and media workers, and shuts them down gracefully on SIGINT / SIGTERM (the SDK installs those
 * handlers and lets running activities finish within the grace time).
 */
import { NativeConnection } from '@temporalio/worker';
import { openArchiveStore } from '../archive/open-store';
import { config } from '../config';
import { FaceIdClient } from '../faceid/client';
import { resolveTemporalTarget } from '../temporal/connection';
import { createJourneyWorkers, runWorkers } from './journey-workers';
import { installRuntime } from './runtime-logger';

async function main(): Promise<void> {
  const cfg = config();
  installRuntime(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
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
    });
    console.log(`worker ready: ${workers.length} task queues on ${target.connection.address} (${target.namespace})`);
    await runWorkers(workers);
  } finally {
    await archive.close?.();
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('worker failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
