import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authHook, requireOperatorKey } from '../auth';
import type { GatewayContext } from '../context';
import { SECURITY } from '../openapi';
import { jsonResponse, problemResponses, retentionStatusSchema, UNAVAILABLE } from '../response-schemas';
import { journeyParamsSchema, legalHoldBodySchema } from '../schemas';

/** Routes for operators, authenticated with an operator key: the legal hold on media (reviews: `review-routes.ts`). */
export function registerOperatorRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const onRequest = authHook((request) => requireOperatorKey(request, ctx.settings.operatorKeys, ctx.settings.apiKeys));
  const common = { security: SECURITY.operatorKey, params: journeyParamsSchema };
  const refusals = [
    'validation_failed',
    'unauthenticated',
    'forbidden',
    'journey_not_found',
    'journey_closed',
  ] as const;

  app.post(
    '/v1/journeys/:id/legal-hold',
    {
      onRequest,
      schema: {
        operationId: 'setLegalHold',
        summary: "Set or release the legal hold on an ended journey's media (kept past the retention period)",
        ...common,
        body: legalHoldBodySchema,
        response: {
          200: jsonResponse('the hold was set or released', retentionStatusSchema),
          ...problemResponses(...refusals, 'journey_running', 'media_deleted', 'invalid_legal_hold', ...UNAVAILABLE),
        },
      },
    },
    async (request) => ctx.ekyc.setLegalHold(request.params.id, request.body),
  );
}
