/**
 * Gateway process (`npm run gateway`): one Temporal connection, the archive for uploaded images, and the HTTP API on
 * `GATEWAY_HOST:GATEWAY_PORT`; SIGINT / SIGTERM stop accepting, let requests in flight finish, then exit.
 */
import { Client, Connection } from '@temporalio/client';
import { openArchiveStore } from '../archive/open-store';
import { ConfigError, config, gatewaySettings } from '../config';
import { EkycClient } from '../client/ekyc-client';
import { resolveTemporalTarget } from '../temporal/connection';
import { createGateway, type GatewayPlugin } from './server';

/** Plugins mounted beside the core routes; separately owned endpoints (the UI's codec endpoint) are added here. */
const plugins: GatewayPlugin[] = [];

async function main(): Promise<void> {
  const cfg = config();
  let settings;
  try {
    settings = gatewaySettings(cfg);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  const archive = openArchiveStore(cfg.archive.url, cfg.dataDir);
  const target = resolveTemporalTarget(cfg);
  const connection = await Connection.connect(target.connection);
  const client = new Client({ connection, namespace: target.namespace });
  const ekyc = new EkycClient(client, cfg.temporal.taskQueue, {
    archive,
    clientSecretKey: settings.clientSecretKey,
    retentionDays: cfg.archive.retentionDays,
  });
  const app = createGateway({
    client,
    ekyc,
    settings: { ...settings, sandbox: cfg.sandbox },
    logLevel: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel,
    plugins,
  });
  await app.listen({ host: settings.host, port: settings.port });
  process.stdout.write(`gateway listening on ${settings.publicUrl} (OpenAPI at ${settings.publicUrl}/docs)\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    app
      .close()
      .then(() => connection.close())
      .then(() => archive.close?.())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`gateway: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
