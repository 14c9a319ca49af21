import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientSecretFor } from '../../client/client-secret';
import type { StartedJourney, StartJourneyOptions } from '../../client/ekyc-client';
import { authHook, bearerToken, requireApiKey } from '../auth';
import type { GatewayContext } from '../context';
import { SECURITY } from '../openapi';
import { ProblemError } from '../problems';
import {
  acceptedSchema,
  journeyListSchema,
  journeyResultSchema,
  journeyStatusSchema,
  jsonResponse,
  problemResponses,
  startedJourneySchema,
  UNAVAILABLE,
} from '../response-schemas';
import {
  emptyBodySchema,
  journeyParamsSchema,
  listQuerySchema,
  START_BODY_LIMIT,
  startHeadersSchema,
  startJourneyBodySchema,
} from '../schemas';
import { prepareStart } from '../start-input';

/** What a start answers, before the client secret is added. */
type StartAnswer = Omit<StartedJourney, 'clientSecret'>;

/** Routes for backends, authenticated with an API key: start, status, result, cancel, list. */
export function registerBackendRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  // Authenticated before the body is read: an unknown caller never gets a 12 MiB body parsed.
  const onRequest = authHook((request) => requireApiKey(request, ctx.settings.apiKeys, ctx.failedLogins));
  const security = SECURITY.apiKey;
  // Every backend route may refuse its caller: no or a wrong key, too many wrong keys from this address.
  const refusedCaller = ['unauthenticated', 'too_many_attempts'] as const;

  app.post(
    '/v1/journeys',
    {
      bodyLimit: START_BODY_LIMIT,
      onRequest,
      schema: {
        operationId: 'startJourney',
        summary: 'Start a journey (idempotent by reference) and get its token',
        security,
        headers: startHeadersSchema,
        body: startJourneyBodySchema,
        response: {
          201: jsonResponse('the journey (new, or the running one for this reference)', startedJourneySchema),
          ...problemResponses(
            'validation_failed',
            'malformed_body',
            'invalid_idempotency_key',
            ...refusedCaller,
            'journey_closed',
            'idempotency_key_in_flight',
            'request_timeout',
            'body_too_large',
            'unsupported_media_type',
            'idempotency_key_reused',
            'token_issue_failed',
            'journey_not_ready',
            'policies_unavailable',
            ...UNAVAILABLE,
          ),
        },
      },
    },
    async (request, reply) => {
      const apiKey = bearerToken(request) ?? '';
      const prepared = prepareStart(request.body, ctx);
      const answer = await ctx.idempotency.run(request.headers['idempotency-key'], apiKey, request.body, async () => {
        const started = await ctx.ekyc.startJourney(prepared.start, {
          ...(prepared.webFinalUrl ? { webFinalUrl: prepared.webFinalUrl } : {}),
          ...(await policiesForNewJourney(ctx)),
        });
        const { journeyId, token, verificationUrl, expiresAt } = started;
        const body: StartAnswer = { journeyId, token, ...(verificationUrl ? { verificationUrl } : {}), expiresAt };
        return { status: 201, body };
      });
      if (answer.replayed) void reply.header('idempotent-replayed', 'true');
      // The client secret is derived here only (the gateway's client has no key), never stored with a replayable
      // answer (the records are shared by every gateway).
      const started = answer.body as StartAnswer;
      return reply
        .code(201)
        .send({ ...started, clientSecret: clientSecretFor(ctx.settings.clientSecretKey, started.journeyId) });
    },
  );

  app.get(
    '/v1/journeys',
    {
      onRequest,
      schema: {
        operationId: 'listJourneys',
        summary: 'List journeys by stage, outcome or flow (visibility; eventually consistent)',
        security,
        querystring: listQuerySchema,
        response: {
          200: jsonResponse('running journeys first, then the most recently closed', journeyListSchema),
          ...problemResponses('validation_failed', ...refusedCaller, ...UNAVAILABLE),
        },
      },
    },
    async (request) => ({ journeys: await ctx.ekyc.list(request.query) }),
  );

  app.get(
    '/v1/journeys/:id',
    {
      onRequest,
      schema: {
        operationId: 'getJourneyStatus',
        summary: 'Status: stage, token expiry, attempts, outcome and reasons',
        security,
        params: journeyParamsSchema,
        response: {
          200: jsonResponse('status', journeyStatusSchema),
          ...problemResponses(...refusedCaller, 'journey_not_found', 'journey_erased', ...UNAVAILABLE),
        },
      },
    },
    async (request) => {
      const journeyId = request.params.id;
      return { journeyId, ...(await ctx.ekyc.status(journeyId)) };
    },
  );

  app.get(
    '/v1/journeys/:id/result',
    {
      onRequest,
      schema: {
        operationId: 'getJourneyResult',
        summary: 'Result: outcome, reasons, document fields, archive references',
        security,
        params: journeyParamsSchema,
        response: {
          200: jsonResponse('the final result', journeyResultSchema),
          ...problemResponses(
            ...refusedCaller,
            'journey_not_found',
            'journey_running',
            'journey_aborted',
            'journey_erased',
            ...UNAVAILABLE,
          ),
        },
      },
    },
    async (request) => {
      const journeyId = request.params.id;
      return { journeyId, ...(await ctx.ekyc.result(journeyId, { wait: false })) };
    },
  );

  app.post(
    '/v1/journeys/:id/cancel',
    {
      onRequest,
      schema: {
        operationId: 'cancelJourney',
        summary: 'Cancel while the journey waits for the user',
        security,
        params: journeyParamsSchema,
        body: emptyBodySchema,
        response: {
          202: jsonResponse('signalled', acceptedSchema),
          ...problemResponses(
            'validation_failed',
            ...refusedCaller,
            'journey_not_found',
            'journey_closed',
            ...UNAVAILABLE,
          ),
        },
      },
    },
    async (request, reply) => {
      const journeyId = request.params.id;
      await ctx.ekyc.cancel(journeyId);
      // Accepted, not done: a journey already processing the user's result finishes with its own outcome.
      return reply.code(202).send({ journeyId, accepted: true });
    },
  );
}

/**
 * The versions a new journey is pinned to. With a database configured a start never goes ahead unpinned: a lookup that
 * fails answers 503 and the caller retries. Asked inside the idempotent run, so a replayed start pins nothing anew.
 */
async function policiesForNewJourney(
  ctx: GatewayContext,
): Promise<Pick<StartJourneyOptions, 'pinnedPolicy' | 'shadowPolicy'>> {
  if (!ctx.policies) return {};
  const versions = await ctx.policies.forNewJourney().catch(() => {
    throw new ProblemError('policies_unavailable');
  });
  return { pinnedPolicy: versions.current, ...(versions.shadow ? { shadowPolicy: versions.shadow } : {}) };
}
