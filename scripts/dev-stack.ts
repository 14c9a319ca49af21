/**
 * `npm start`: the whole service on one machine. Starts the embedded Temporal dev server (unless TEMPORAL_ADDRESS
 * points elsewhere), PostgreSQL for policies and decision records (unless DATABASE_URL points elsewhere), the FaceID
 * emulator and the reviewer console's OpenID Connect provider in sandbox mode, the worker
 * and the HTTP gateway; prints where everything is; Ctrl-C or SIGTERM stops every child and exits 0.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { configOrExit } from '../src/config/env';
import { gatewaySettings } from '../src/config/gateway';
import { WORKER_READY_MESSAGE } from '../src/workers/readiness';
import { resolveTemporalTarget } from '../src/temporal/connection';
import { accessBannerLines, bannerText, consoleBannerLines, faceIdBannerLine, probeHost } from './lib/banner';
import { devServerChild, runStack, serviceChild, stackConfig } from './lib/stack';
import { waitForHttp, waitForPort } from './lib/wait';
import { devPostgresPort, startDevPostgres } from './lib/dev-postgres';
import { describeDatabaseUrl } from '../src/db/database-url';

const { gateway: cfg, worker, emulator } = configOrExit(() => stackConfig());
const target = resolveTemporalTarget(cfg.temporal);

runStack(async (supervisor) => {
  mkdirSync(resolve(cfg.store.dataDir), { recursive: true });
  // Checked before anything starts: outside the sandbox the gateway refuses to run without its keys.
  const gateway = gatewaySettings(cfg);

  if (target.embedded)
    await supervisor.start(
      devServerChild(cfg.temporal, cfg.store.dataDir, target.connection.address, gateway.publicUrl),
    );
  // The policy and decision database: the gateway and the worker migrate it themselves when they start.
  const databaseUrl = cfg.database?.url ?? (await startDevPostgres(supervisor, cfg.store.dataDir, devPostgresPort()));
  const serviceEnv = { DATABASE_URL: databaseUrl };
  if (cfg.sandbox) {
    await supervisor.start({
      ...serviceChild('src/bin/emulator.ts', 'emulator'),
      ready: () => waitForPort('127.0.0.1', emulator.emulator.port),
    });
  }
  // The reviewer console's sign-in, unless CONSOLE_OIDC_ISSUER names a provider of your own.
  const sandboxIssuer = cfg.console ? `http://127.0.0.1:${cfg.console.sandboxPort}` : undefined;
  if (cfg.sandbox && cfg.console?.issuer === sandboxIssuer) {
    await supervisor.start({
      ...serviceChild('scripts/sandbox-oidc.ts', 'sandbox-oidc'),
      ready: () => waitForHttp(`${sandboxIssuer}/.well-known/openid-configuration`),
    });
  }
  // The worker logs JSON lines; this one says every task queue is polled.
  await supervisor.start({
    ...serviceChild('src/bin/worker.ts', 'worker', serviceEnv),
    readyMessage: WORKER_READY_MESSAGE,
  });
  const gatewayProbe = `http://${probeHost(gateway.host)}:${gateway.port}/healthz`;
  await supervisor.start({
    ...serviceChild('src/bin/gateway.ts', 'gateway', serviceEnv),
    ready: () => waitForHttp(gatewayProbe),
  });

  process.stdout.write(
    bannerText([
      '',
      'ekyc-journeys is running',
      `  Temporal gRPC     ${target.connection.address} (namespace ${target.namespace})`,
      target.embedded ? `  Temporal Web UI   http://127.0.0.1:${cfg.temporal.uiPort}` : undefined,
      `  PostgreSQL        ${describeDatabaseUrl(databaseUrl)}${cfg.database ? '' : ` (data in ${cfg.store.dataDir}/postgres)`}`,
      faceIdBannerLine(emulator),
      `  Gateway (HTTP)    ${gateway.publicUrl}  (OpenAPI: ${gateway.publicUrl}/docs)`,
      worker.metrics.port > 0
        ? `  Worker metrics    http://${probeHost(worker.metrics.host)}:${worker.metrics.port}/metrics`
        : undefined,
      ...consoleBannerLines(cfg, gateway),
      ...accessBannerLines(cfg, gateway, worker.webhook.url),
    ]),
  );
});
