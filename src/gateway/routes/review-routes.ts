import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { reviewClaimActorBodySchema, reviewDecisionBodySchema } from '../actor-bodies';
import { authHook, operatorOf, requireOperatorKey } from '../auth';
import type { GatewayContext } from '../context';
import { SECURITY } from '../openapi';
import {
  journeyStatusSchema,
  jsonResponse,
  problemResponses,
  reviewQueueSchema,
  UNAVAILABLE,
} from '../response-schemas';
import { auditQuerySchema, journeyParamsSchema, reviewQueueQuerySchema } from '../schemas';

/**
 * Review routes for operators (operator key): the queue, claims and decisions, which go through the journey itself so
 * they hold across gateways, and the audit log's export. The reviewer is always the key's identity, so the four-eyes
 * rule compares people, not what a body says. Every claim, release and decision is recorded in the audit log when the
 * gateway has a shared store.
 */
export function registerReviewRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const onRequest = authHook((request) => requireOperatorKey(request, ctx.settings, ctx.failedLogins));
  const security = SECURITY.operatorKey;
  const common = { security, params: journeyParamsSchema };
  const refusals = [
    'validation_failed',
    'unauthenticated',
    'too_many_attempts',
    'forbidden',
    'actor_mismatch',
    'journey_not_found',
    'journey_closed',
    'journey_not_in_review',
    'review_claimed',
    'second_reviewer_needed',
    'journey_not_ready',
    'invalid_review',
  ] as const;

  app.get(
    '/v1/review-queue',
    {
      onRequest,
      schema: {
        operationId: 'listReviewQueue',
        summary: 'Journeys waiting for a reviewer, soonest deadline first (visibility; eventually consistent)',
        security,
        querystring: reviewQueueQuerySchema,
        response: {
          200: jsonResponse('a page of the queue', reviewQueueSchema),
          ...problemResponses('validation_failed', 'unauthenticated', 'too_many_attempts', 'forbidden', ...UNAVAILABLE),
        },
      },
    },
    async (request) => ctx.ekyc.reviewQueue(request.query),
  );

  app.post(
    '/v1/journeys/:id/review/claim',
    {
      onRequest,
      schema: {
        operationId: 'claimReview',
        summary: 'Take a case in review (or renew the claim): others cannot claim or decide it until it lapses',
        ...common,
        body: reviewClaimActorBodySchema,
        response: {
          200: jsonResponse('the case is held by this reviewer', journeyStatusSchema),
          ...problemResponses(...refusals, ...UNAVAILABLE),
        },
      },
    },
    async (request) => {
      const journeyId = request.params.id;
      const reviewer = operatorOf(request, request.body?.reviewer);
      const status = await ctx.ekyc.claimReview(journeyId, { reviewer });
      await ctx.audit?.appendOrReport(
        { role: 'reviewer', actor: reviewer, action: 'review_claimed', journeyId },
        auditFailed(request.log),
      );
      return { journeyId, ...status };
    },
  );

  app.post(
    '/v1/journeys/:id/review/release',
    {
      onRequest,
      schema: {
        operationId: 'releaseReview',
        summary: 'Give a claimed case back to the queue',
        ...common,
        body: reviewClaimActorBodySchema,
        response: {
          200: jsonResponse('the case is back in the queue', journeyStatusSchema),
          ...problemResponses(...refusals, ...UNAVAILABLE),
        },
      },
    },
    async (request) => {
      const journeyId = request.params.id;
      const reviewer = operatorOf(request, request.body?.reviewer);
      const status = await ctx.ekyc.releaseReview(journeyId, { reviewer });
      await ctx.audit?.appendOrReport(
        { role: 'reviewer', actor: reviewer, action: 'review_released', journeyId },
        auditFailed(request.log),
      );
      return { journeyId, ...status };
    },
  );

  app.post(
    '/v1/journeys/:id/review',
    {
      onRequest,
      schema: {
        operationId: 'reviewJourney',
        summary: 'Decide a journey in review (refused while another reviewer holds it)',
        ...common,
        body: reviewDecisionBodySchema,
        response: {
          200: jsonResponse('the decision was taken', journeyStatusSchema),
          ...problemResponses(...refusals, ...UNAVAILABLE),
        },
      },
    },
    async (request) => {
      const journeyId = request.params.id;
      const { decision, reasonCode } = request.body;
      const reviewer = operatorOf(request, request.body.reviewer);
      const status = await ctx.ekyc.review(journeyId, { ...request.body, reviewer });
      // Under the four-eyes rule a first rejection is not the decision yet: the log says so.
      const pending = status.review?.decision === undefined;
      const detail = { decision, ...(reasonCode ? { reasonCode } : {}), ...(pending ? { step: 'first_of_two' } : {}) };
      await ctx.audit?.appendOrReport(
        { role: 'reviewer', actor: reviewer, action: 'review_decided', journeyId, detail },
        auditFailed(request.log),
      );
      return { journeyId, ...status };
    },
  );

  app.get(
    '/v1/audit',
    {
      onRequest,
      schema: {
        operationId: 'exportAuditLog',
        summary: "The reviewers' audit log for a period (at most 31 days), as JSON Lines, oldest first",
        security,
        querystring: auditQuerySchema,
        response: {
          200: {
            description: 'one audit entry per line',
            content: { 'application/x-ndjson': { schema: z.string() } },
          },
          ...problemResponses('validation_failed', 'unauthenticated', 'too_many_attempts', 'forbidden', ...UNAVAILABLE),
        },
      },
    },
    async (request, reply) => {
      if (!ctx.audit) throw new Error('this gateway has no shared store for the audit log');
      const lines: string[] = [];
      for await (const line of ctx.audit.exportLines(new Date(request.query.from), new Date(request.query.to))) {
        lines.push(line);
      }
      await ctx.audit?.appendOrReport(
        { role: 'reviewer', actor: operatorOf(request), action: 'audit_exported' },
        auditFailed(request.log),
      );
      return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(lines.join(''));
    },
  );
}

/** Where a failed audit write goes: the gateway's error log (the action itself already happened). */
export function auditFailed(log: FastifyBaseLogger): (error: unknown) => void {
  return (error) => log.error({ err: error }, 'audit entry not written');
}
