import type { ObjectStore } from '../store/object-store';
import { ArchiveIdempotencyRecords } from './shared-idempotency';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { EkycClient } from '../client/ekyc-client';
import { createLogger, type Logger, type LogLevelName } from '../logging';
import type { GatewayContext, GatewayRouteSettings } from './context';
import { publicBaseUrl } from './browser-pages';
import { FailedLoginLimiter, TooManyAttemptsError } from './failed-logins';
import { IdempotencyCache } from './idempotency';
import { GatewayLogController } from './request-log';
import { registerOpenApi } from './openapi';
import { logIfInternal, problem, problemFromError, sendProblem } from './problems';
import { registerBackendRoutes } from './routes/backend-routes';
import { registerClientRoutes } from './routes/client-routes';
import { registerOperatorRoutes } from './routes/operator-routes';
import { registerPolicyRoutes } from './routes/policy-routes';
import { registerPolicyBacktestRoutes } from './routes/policy-backtest-routes';
import { registerReviewRoutes } from './routes/review-routes';
import type { ArchiveDataKeys } from '../codec/data-keys';
import type { Database } from '../db/database';
import { ErasureService } from '../erasure/erasure-service';
import type { PolicyService } from '../policy/policy-service';
import { LegalHoldService } from '../retention/legal-hold-service';
import { AuditLog } from '../review/audit-log';
import { ReviewService } from '../review/review-service';
import { JourneyEvidence } from '../evidence/journey-evidence';
import { registerSystemRoutes } from './routes/system-routes';
import { registerWebRoutes } from './routes/web-routes';
import { REQUEST_TIMEOUT_MS, SMALL_BODY_LIMIT, validatorCompiler } from './schemas';

/** A Fastify plugin mounted under a prefix beside the core routes (for example the codec endpoint at `/codec`). */
export interface GatewayPlugin {
  prefix: string;
  plugin: FastifyPluginAsync;
}

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** Temporal client, for the health check. */
  client: Client;
  /** The journeys' typed client; it must have an archive to accept images. */
  ekyc: EkycClient;
  /**
   * The store every gateway shares, for `Idempotency-Key` records, the audit log and legal holds; without it a key holds
   * in this process only.
   */
  archive?: ObjectStore;
  /** The journeys' data keys (the ones the data converter uses): with `archive`, erasure. */
  dataKeys?: ArchiveDataKeys;
  /** The policy and decision database, migrated; absent when the gateway runs without one (`DATABASE_URL` unset). */
  database?: Database;
  settings: GatewayRouteSettings & {
    /** Public base URL; default `http://127.0.0.1:<bound port>`, which suits tests on port 0. */
    publicUrl?: string;
  };
  /** The gateway's logger, from `createLogger`; without one, a logger at `logLevel` on stdout. */
  logger?: Logger;
  /** Level of the default logger; default `silent` (tests). */
  logLevel?: LogLevelName;
  /** Decision policy versions (with a database); without them the policy routes answer 503. */
  policies?: PolicyService;
  /** Extra plugins, registered after the core routes and sharing their problem+json error handling. */
  plugins?: GatewayPlugin[];
  /** How long a client has to send its whole request (default {@link REQUEST_TIMEOUT_MS}; tests shorten it). */
  requestTimeoutMs?: number;
  /** Counts failed API and operator key attempts (default: 10 per 5 minutes per address and kind). */
  failedLogins?: FailedLoginLimiter;
  /**
   * Proxies (addresses or CIDRs) whose `X-Forwarded-For` names the client, so that failed attempts are counted per
   * client and not per load balancer; without them the client is the TCP peer and the header is ignored.
   */
  trustedProxies?: readonly string[];
}

/**
 * Builds the HTTP gateway (not yet listening): backends, operators and client apps each with their own credentials,
 * every body validated, every error an `application/problem+json` with a stable code. The caller listens (tests on
 * port 0) and closes it.
 */
export function createGateway(options: GatewayOptions): FastifyInstance {
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    loggerInstance: options.logger ?? createLogger({ component: 'gateway', level: options.logLevel ?? 'silent' }),
    // One line per request with the route pattern, never the URL, headers or body.
    logController: new GatewayLogController(),
    bodyLimit: SMALL_BODY_LIMIT,
    // A journey id is `ekyc:` and up to 100 characters, more once URL-encoded; the router's default limit is 100.
    routerOptions: { maxParamLength: 256 },
    // A client gets this long to send its whole request (headers and body): a slow one cannot hold a connection open.
    requestTimeout: requestTimeoutMs,
    // Node enforces that timeout when it checks its connections, every 30 s by default, so a slow client could hold
    // one for twice as long: check every second (or sooner for a shorter timeout).
    http: { connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(requestTimeoutMs / 2))) },
    return503OnClosing: true,
    trustProxy: options.trustedProxies?.length ? [...options.trustedProxies] : false,
    // Errors Fastify raises before routing (a malformed URL) are problems too.
    frameworkErrors: (error, _request, reply) => {
      void sendProblem(reply, problemFromError(error));
    },
  }) as unknown as FastifyInstance;

  const publicUrl = (): string => publicBaseUrl(app, options.settings.publicUrl);
  const audit = options.archive ? new AuditLog(options.archive) : undefined;
  const signingKey = options.settings.evidenceSigningKey;
  const { archive, client, dataKeys, ekyc } = options;
  const ctx: GatewayContext = {
    ...(audit ? { audit } : {}),
    review: new ReviewService({ journeys: ekyc, client, audit }),
    ...(archive ? { holds: new LegalHoldService({ journeys: ekyc, store: archive, audit }) } : {}),
    ...(archive && dataKeys
      ? { erasure: new ErasureService({ client, store: archive, dataKeys, audit, checks: ekyc.erasures }) }
      : {}),
    ...(options.archive && audit && signingKey
      ? { evidence: new JourneyEvidence({ client: options.client, archive: options.archive, audit, signingKey }) }
      : {}),
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.database ? { database: options.database } : {}),
    client: options.client,
    ekyc: options.ekyc,
    settings: options.settings,
    failedLogins: options.failedLogins ?? new FailedLoginLimiter(),
    idempotency: new IdempotencyCache(
      options.archive
        ? {
            shared: new ArchiveIdempotencyRecords(options.archive, options.settings.clientSecretKey),
            // A record left unfinished only makes a retry wait out the claim (60 s) and start by reference.
            onRecordError: (error, step) =>
              app.log.warn({ err: error, step }, 'idempotency record not updated; a retry of the key will wait'),
          }
        : {},
    ),
    publicUrl,
  };

  // Only JSON bodies: a text/plain body would otherwise reach the handlers as a string.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error, request, reply) => {
    const body = problemFromError(error);
    logIfInternal(request.log, error, body);
    if (error instanceof TooManyAttemptsError) reply.header('retry-after', String(error.retryAfterSeconds));
    return sendProblem(reply, body);
  });
  // Node enforces the request timeout only until the headers are in: a body trickled in slowly is cut off here, from
  // the same budget, with a 408 and the connection closed.
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    if (raw.complete) return done();
    const timer = setTimeout(() => {
      if (raw.complete || reply.sent) return;
      void sendProblem(reply.header('connection', 'close'), problem('request_timeout'));
    }, requestTimeoutMs);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    raw.once('end', clear);
    raw.once('close', clear);
    done();
  });
  app.setNotFoundHandler((_request, reply) => sendProblem(reply, problem('route_not_found')));
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  // Requests are validated by the routes' zod schemas (failures become `validation_failed` problems naming each
  // field); answers are sent as they are, their schemas only document them.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // The document generator first, so that it sees every route registered after it.
  registerOpenApi(app);
  void app.register((routes, _options, done) => {
    registerSystemRoutes(routes, ctx);
    registerBackendRoutes(routes, ctx);
    registerOperatorRoutes(routes, ctx);
    registerPolicyBacktestRoutes(routes, ctx);
    registerReviewRoutes(routes, ctx);
    registerPolicyRoutes(routes, ctx);
    registerClientRoutes(routes, ctx);
    registerWebRoutes(routes, ctx);
    done();
  });
  // Registration point for separately owned endpoints (the codec endpoint for the Temporal UI lives in its own file).
  for (const { prefix, plugin } of options.plugins ?? []) void app.register(plugin, { prefix });

  return app;
}
