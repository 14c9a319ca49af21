import type { FastifyInstance } from 'fastify';
import { authHook, requireOperatorKey } from '../auth';
import { journeyIdParam, type GatewayContext } from '../context';
import { legalHoldBodySchema, parseWith, reviewBodySchema } from '../schemas';

/** Routes for operators, authenticated with an operator key: the review decision and the legal hold on media. */
export function registerOperatorRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const onRequest = authHook((request) => requireOperatorKey(request, ctx.settings.operatorKeys, ctx.settings.apiKeys));
  app.post('/v1/journeys/:id/review', { onRequest }, async (request) => {
    const journeyId = journeyIdParam(request);
    const review = parseWith(reviewBodySchema, request.body);
    return { journeyId, ...(await ctx.ekyc.review(journeyId, review)) };
  });
  app.post('/v1/journeys/:id/legal-hold', { onRequest }, async (request) => {
    const journeyId = journeyIdParam(request);
    const hold = parseWith(legalHoldBodySchema, request.body);
    return ctx.ekyc.setLegalHold(journeyId, hold);
  });
}
