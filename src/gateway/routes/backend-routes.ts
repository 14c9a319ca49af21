import type { FastifyInstance } from 'fastify';
import { clientSecretFor } from '../../client/client-secret';
import { authHook, bearerToken, requireApiKey } from '../auth';
import { journeyIdParam, type GatewayContext } from '../context';
import { emptyBodySchema, listQuerySchema, parseWith, START_BODY_LIMIT, startJourneyBodySchema } from '../schemas';
import { prepareStart } from '../start-input';

/** Routes for backends, authenticated with an API key: start, status, result, cancel, list. */
export function registerBackendRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  // Authenticated before the body is read: an unknown caller never gets a 12 MiB body parsed.
  const onRequest = authHook((request) => requireApiKey(request, ctx.settings.apiKeys));
  app.post('/v1/journeys', { bodyLimit: START_BODY_LIMIT, onRequest }, async (request, reply) => {
    const apiKey = bearerToken(request) ?? '';
    const body = parseWith(startJourneyBodySchema, request.body);
    const prepared = prepareStart(body, ctx);
    const answer = await ctx.idempotency.run(request.headers['idempotency-key'], apiKey, request.body, async () => {
      const started = await ctx.ekyc.startJourney(
        prepared.input,
        prepared.webFinalUrl ? { webFinalUrl: prepared.webFinalUrl } : {},
      );
      const { journeyId, token, verificationUrl, expiresAt } = started;
      return {
        status: 201,
        body: {
          journeyId,
          token,
          ...(verificationUrl ? { verificationUrl } : {}),
          expiresAt,
          clientSecret: clientSecretFor(ctx.settings.clientSecretKey, journeyId),
        },
      };
    });
    if (answer.replayed) void reply.header('idempotent-replayed', 'true');
    return reply.code(answer.status).send(answer.body);
  });

  app.get('/v1/journeys', { onRequest }, async (request) => {
    const filter = parseWith(listQuerySchema, request.query);
    return { journeys: await ctx.ekyc.list(filter) };
  });

  app.get('/v1/journeys/:id', { onRequest }, async (request) => {
    const journeyId = journeyIdParam(request);
    return { journeyId, ...(await ctx.ekyc.status(journeyId)) };
  });

  app.get('/v1/journeys/:id/result', { onRequest }, async (request) => {
    const journeyId = journeyIdParam(request);
    return { journeyId, ...(await ctx.ekyc.result(journeyId, { wait: false })) };
  });

  app.post('/v1/journeys/:id/cancel', { onRequest }, async (request, reply) => {
    const journeyId = journeyIdParam(request);
    parseWith(emptyBodySchema, request.body);
    await ctx.ekyc.cancel(journeyId);
    // Accepted, not done: a journey already processing the user's result finishes with its own outcome.
    return reply.code(202).send({ journeyId, accepted: true });
  });
}
