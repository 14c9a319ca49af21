/**
 * Gateway process (`npm run gateway`): one Temporal connection, the archive for uploaded images, and the HTTP API on
 * `GATEWAY_HOST:GATEWAY_PORT`; SIGINT / SIGTERM stop accepting, let requests in flight finish, then exit.
 */
import { Client, Connection } from '@temporalio/client';
import { ArchiveCapabilityError, checkConditionalWrites } from '../store/conditional-writes-check';
import { openArchiveStore } from '../store/open-store';
import type { ObjectStore } from '../store/object-store';
import { removeExpiredIdempotencyRecords } from '../gateway/shared-idempotency';
import { dataConverterFor } from '../codec/data-converter';
import { ArchiveDataKeys } from '../codec/data-keys';
import { ConfigError } from '../config-error';
import { configOrExit } from '../config/env';
import { gatewayConfig, gatewaySettings, type GatewayConfig, type GatewaySettings } from '../config/gateway';
import { EkycClient } from '../client/ekyc-client';
import { createLogger, type Logger } from '../logging';
import { DatabaseStartupError, openMigratedDatabase } from '../db/startup';
import { clientConnectionOptions, explainConnectionFailure, resolveTemporalTarget } from '../temporal/connection';
import { checkNamespace } from '../temporal/namespace-check';
import { ArchiveCodecRevocations, removeExpiredCodecRevocations } from '../gateway/codec-revocations';
import { codecRoutes } from '../gateway/codec-routes';
import { createGateway, type GatewayPlugin } from '../gateway/server';
import { consoleRoutes } from '../console/console-routes';
import { removeExpiredConsoleSessions } from '../console/console-sessions';
import { AuditLog } from '../review/audit-log';
import { ReviewService } from '../review/review-service';
import { PolicyService } from '../policy/policy-service';
import { decisionRecordSource } from '../policy/backtest-records';
import type { ConsolePolicies } from '../console/policy-routes';
import { publicKeyBase64 } from '../evidence/bundle-signing';

/**
 * Plugins mounted beside the core routes: the Temporal UI's codec endpoint at `/codec`, and the reviewer console at
 * `/console` when an identity provider is configured (always in sandbox mode), with its Policies pages when the gateway
 * has a database.
 */
function pluginsFor(
  cfg: GatewayConfig,
  { publicUrl, clientSecretKey }: Pick<GatewaySettings, 'publicUrl' | 'clientSecretKey'>,
  archive: ObjectStore,
  dataKeys: ArchiveDataKeys,
  { client, ekyc }: { client: Client; ekyc: EkycClient },
  policies?: ConsolePolicies,
): GatewayPlugin[] {
  const consoleSettings = cfg.console;
  const audit = new AuditLog(archive);
  return [
    ...(consoleSettings
      ? [
          consoleRoutes({
            review: new ReviewService({ journeys: ekyc, client, audit }),
            store: archive,
            signInSecret: clientSecretKey,
            audit,
            // The identity provider and the session lifetimes, as configured.
            oidc: consoleSettings,
            ...consoleSettings,
            publicUrl,
            ...(policies ? { policies } : {}),
          }),
        ]
      : []),
    codecRoutes({
      revocations: new ArchiveCodecRevocations(archive),
      keyRing: cfg.codec.keyRing,
      dataKeys,
      tokens: cfg.codec.authTokens,
      uiOrigins: cfg.codec.uiOrigins,
      namespace: cfg.temporal.namespace,
      endpointUrl: `${publicUrl}/codec`,
    }),
  ];
}

async function main(): Promise<void> {
  const cfg = configOrExit(() => gatewayConfig());
  const log = createLogger({ component: 'gateway', level: cfg.logLevel });
  const settings = configOrExit(() => gatewaySettings(cfg));
  const archive = openArchiveStore(cfg.store.url, cfg.store.dataDir);
  await checkConditionalWrites(archive);
  const database = cfg.database
    ? await openMigratedDatabase({ ...cfg.database, applicationName: 'ekyc-gateway' }, log)
    : undefined;
  // Version 1 exists before the first request, so every journey has a version to be pinned to.
  const policies = database
    ? new PolicyService({ database, audit: new AuditLog(archive), fourEyes: cfg.policies.fourEyes })
    : undefined;
  await policies?.ensureFirstVersion();
  const target = resolveTemporalTarget(cfg.temporal);
  const connection = await Connection.connect(clientConnectionOptions(target)).catch((error: unknown) => {
    throw explainConnectionFailure(error, target);
  });
  await checkNamespace(connection, target.namespace, target.connection.address, (reason) =>
    log.warn({ reason }, 'journey search attributes not checked'),
  );
  const dataKeys = new ArchiveDataKeys(archive, cfg.codec.keyRing);
  const client = new Client({
    connection,
    namespace: target.namespace,
    dataConverter: dataConverterFor(cfg.codec.keyRing, {
      acceptUnencrypted: cfg.codec.acceptUnencrypted,
      dataKeys: { vault: dataKeys, erased: 'marker' },
    }),
  });
  const ekyc = new EkycClient(client, cfg.temporal.taskQueue, {
    archive,
    retentionDays: cfg.retention.days,
    defaultRegion: cfg.faceid.region,
    faceIdTimeoutSeconds: cfg.faceid.timeoutSeconds,
  });
  const app = createGateway({
    client,
    ekyc,
    archive,
    dataKeys,
    ...(database ? { database } : {}),
    ...(policies ? { policies } : {}),
    settings: { ...settings, sandbox: cfg.sandbox },
    trustedProxies: settings.trustedProxies,
    logger: log,
    plugins: pluginsFor(
      cfg,
      settings,
      archive,
      dataKeys,
      { client, ekyc },
      // The console's Policies pages: the same service as the JSON routes, back-tests over the same records.
      database && policies ? { service: policies, records: decisionRecordSource(database) } : undefined,
    ),
  });
  await app.listen({ host: settings.host, port: settings.port });
  const cleanUp = keepCleaningGatewayRecords(archive, cfg.retention.auditDays, log);
  // Fastify has logged the address it listens on; the public URL may differ (behind a proxy).
  log.info({ publicUrl: settings.publicUrl }, 'gateway ready');
  // The public key is what verifiers need (EVIDENCE_PUBLIC_KEYS takes `<key id>:<this>`); the private key stays here.
  const signingKey = settings.evidenceSigningKey;
  if (signingKey) {
    log.info({ keyId: signingKey.keyId, publicKey: publicKeyBase64(signingKey.publicKey) }, 'evidence bundles signed');
  } else log.info('evidence bundles off: no EVIDENCE_SIGNING_KEY');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(cleanUp);
    app
      .close()
      .then(() => connection.close())
      .then(() => database?.close())
      .then(() => archive.close?.())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'gateway shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ArchiveCapabilityError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  if (error instanceof DatabaseStartupError) {
    process.stderr.write(`The gateway cannot use its database: ${error.message}\n`);
    process.exit(1);
  }
  createLogger({ component: 'gateway', level: 'error' }).error({ err: error }, 'gateway failed to start');
  process.exit(1);
});

/**
 * Removes expired `Idempotency-Key` records, codec session revocations, console sessions and audit days past the audit's
 * retention now and every hour (every gateway does;
 * deleting twice is harmless).
 */
function keepCleaningGatewayRecords(archive: ObjectStore, auditRetentionDays: number, log: Logger): NodeJS.Timeout {
  const run = (): void => {
    Promise.all([
      removeExpiredIdempotencyRecords(archive),
      removeExpiredCodecRevocations(archive),
      removeExpiredConsoleSessions(archive),
      new AuditLog(archive).removeExpired(auditRetentionDays),
    ]).then(
      ([records, revocations, consoleSessions, auditEntries]) => {
        if (records + revocations + consoleSessions + auditEntries > 0) {
          log.info({ records, revocations, consoleSessions, auditEntries }, 'expired gateway records removed');
        }
      },
      (error: unknown) => log.warn({ err: error }, 'removing expired gateway records failed; next try in an hour'),
    );
  };
  run();
  const timer = setInterval(run, 3600_000);
  timer.unref();
  return timer;
}
