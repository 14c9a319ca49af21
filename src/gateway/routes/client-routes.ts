import type { FastifyInstance } from 'fastify';
import { authHook, requireClientSecret } from '../auth';
import { journeyIdParam, type GatewayContext } from '../context';
import { emptyBodySchema, parseWith } from '../schemas';

/** Routes for client apps, authenticated with their journey's client secret: "user finished" and token renewal. */
export function registerClientRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const onRequest = authHook((request) =>
    requireClientSecret(request, ctx.settings.clientSecretKey, (request.params as { id: string }).id),
  );
  app.post('/v1/journeys/:id/finished', { onRequest }, async (request, reply) => {
    const journeyId = journeyIdParam(request);
    parseWith(emptyBodySchema, request.body);
    await ctx.ekyc.userFinished(journeyId);
    // A hint, not proof: the journey pulls the result from FaceID itself.
    return reply.code(202).send({ journeyId, accepted: true });
  });

  app.post('/v1/journeys/:id/token', { onRequest }, async (request) => {
    const journeyId = journeyIdParam(request);
    parseWith(emptyBodySchema, request.body);
    return ctx.ekyc.renewToken(journeyId);
  });
}
