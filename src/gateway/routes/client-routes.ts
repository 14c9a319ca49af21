import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authHook, requireClientSecret } from '../auth';
import type { GatewayContext } from '../context';
import { SECURITY } from '../openapi';
import { acceptedSchema, issuedTokenSchema, jsonResponse, problemResponses, UNAVAILABLE } from '../response-schemas';
import { emptyBodySchema, journeyParamsSchema } from '../schemas';

/** Routes for client apps, authenticated with their journey's client secret: "user finished" and token renewal. */
export function registerClientRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const onRequest = authHook((request) =>
    requireClientSecret(request, ctx.settings.clientSecretKey, (request.params as { id: string }).id),
  );
  const common = { security: SECURITY.clientSecret, params: journeyParamsSchema, body: emptyBodySchema };
  const refusals = [
    'validation_failed',
    'unauthenticated',
    'forbidden',
    'journey_not_found',
    'journey_closed',
  ] as const;

  app.post(
    '/v1/journeys/:id/finished',
    {
      onRequest,
      schema: {
        operationId: 'reportUserFinished',
        summary: 'Client app: the user finished (a hint; the journey pulls the result itself)',
        ...common,
        response: { 202: jsonResponse('signalled', acceptedSchema), ...problemResponses(...refusals, ...UNAVAILABLE) },
      },
    },
    async (request, reply) => {
      const journeyId = request.params.id;
      await ctx.ekyc.userFinished(journeyId);
      // A hint, not proof: the journey pulls the result from FaceID itself.
      return reply.code(202).send({ journeyId, accepted: true });
    },
  );

  app.post(
    '/v1/journeys/:id/token',
    {
      onRequest,
      schema: {
        operationId: 'renewToken',
        summary: 'Client app: a fresh token while the user has not finished',
        ...common,
        response: {
          200: jsonResponse('the new token', issuedTokenSchema),
          ...problemResponses(
            ...refusals,
            'journey_not_awaiting_user',
            'no_renewals_left',
            'journey_not_ready',
            ...UNAVAILABLE,
          ),
        },
      },
    },
    async (request) => ctx.ekyc.renewToken(request.params.id),
  );
}
