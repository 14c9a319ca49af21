import type { FastifyInstance } from 'fastify';
import { clientSecretFor } from '../../client/client-secret';
import { authHook, bearerToken, requireApiKey } from '../auth';
import { journeyIdParam, type GatewayContext } from '../context';
import { emptyBodySchema, listQuerySchema, parseWith, START_BODY_LIMIT, startJourneyBodySchema } from '../schemas';
import { prepareStart } from '../start-input';

/** What a start answers, before the client secret is added. */
interface StartedJourney {
  journeyId: string;
  token: string;
  verificationUrl?: string;
  expiresAt: string;
}

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
      const body: StartedJourney = { journeyId, token, ...(verificationUrl ? { verificationUrl } : {}), expiresAt };
      return { status: 201, body };
    });
    if (answer.replayed) void reply.header('idempotent-replayed', 'true');
    // The client secret is derived, never stored with a replayable answer (the records are shared by every gateway).
    const started = answer.body as StartedJourney;
    return reply
      .code(answer.status)
      .send({ ...started, clientSecret: clientSecretFor(ctx.settings.clientSecretKey, started.journeyId) });
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
