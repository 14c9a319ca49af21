import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { reviewClaimActorBodySchema, reviewDecisionBodySchema } from '../actor-bodies';
import { operatorOf } from '../auth';
import type { GatewayContext } from '../context';
import {
  journeyStatusSchema,
  jsonResponse,
  problemResponses,
  reviewQueueSchema,
  UNAVAILABLE,
} from '../response-schemas';
import { auditQuerySchema, reviewQueueQuerySchema } from '../schemas';
import { auditFailed } from '../../review/audit-log';
import { operatorAccess, OPERATOR_REFUSALS } from './operator-access';

/**
 * Review routes for operators (operator key): the queue, claims and decisions, which go through the journey itself so
 * they hold across gateways, and the audit log's export. The reviewer is always the key's identity, so the four-eyes
 * rule compares people, not what a body says. Every claim, release and decision is recorded in the audit log when the
 * gateway has a shared store (the review service, which the console uses too).
 */
export function registerReviewRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const { app, onRequest, security, journey } = operatorAccess(server, ctx);
  const refusals = [
    ...OPERATOR_REFUSALS,
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
    async (request) => ctx.review.queue(request.query),
  );

  // Claiming and releasing differ only in what they do: one route each, from one definition.
  const claimRoutes = [
    {
      path: '/v1/journeys/:id/review/claim',
      operationId: 'claimReview',
      summary: 'Take a case in review (or renew the claim): others cannot claim or decide it until it lapses',
      answer: 'the case is held by this reviewer',
      step: ctx.review.claim.bind(ctx.review),
    },
    {
      path: '/v1/journeys/:id/review/release',
      operationId: 'releaseReview',
      summary: 'Give a claimed case back to the queue',
      answer: 'the case is back in the queue',
      step: ctx.review.release.bind(ctx.review),
    },
  ];
  for (const { path, operationId, summary, answer, step } of claimRoutes) {
    app.post(
      path,
      {
        onRequest,
        schema: {
          operationId,
          summary,
          ...journey,
          body: reviewClaimActorBodySchema,
          response: {
            200: jsonResponse(answer, journeyStatusSchema),
            ...problemResponses(...refusals, ...UNAVAILABLE),
          },
        },
      },
      async (request) => {
        const journeyId = request.params.id;
        const reviewer = operatorOf(request, request.body?.reviewer);
        return { journeyId, ...(await step(journeyId, reviewer, auditFailed(request.log))) };
      },
    );
  }

  app.post(
    '/v1/journeys/:id/review',
    {
      onRequest,
      schema: {
        operationId: 'reviewJourney',
        summary: 'Decide a journey in review (refused while another reviewer holds it)',
        ...journey,
        body: reviewDecisionBodySchema,
        response: {
          200: jsonResponse('the decision was taken', journeyStatusSchema),
          ...problemResponses(...refusals, ...UNAVAILABLE),
        },
      },
    },
    async (request) => {
      const journeyId = request.params.id;
      const reviewer = operatorOf(request, request.body.reviewer);
      const status = await ctx.review.decide(journeyId, { ...request.body, reviewer }, auditFailed(request.log));
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
