import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { GatewayContext } from '../context';
import { ProblemError } from '../problems';
import { jsonResponse, problemResponses } from '../response-schemas';
import { cursorOf, cursorText, DecisionRecords, RECORD_CURSOR_PATTERN } from '../../records/decision-records';
import { operatorAccess } from './operator-access';

const DAY_MS = 86_400_000;
/** The longest period one listing covers, as a back-test's. */
const MAX_PERIOD_DAYS = 366;
/** The period listed when the caller names none. */
const DEFAULT_PERIOD_DAYS = 30;

const timestamp = z.iso.datetime({ offset: true });

/** `GET /v1/policies/shadow/disagreements` query: a period (at most 366 days; the last 30 by default) and a page. */
const disagreementsQuerySchema = z
  .strictObject({
    from: timestamp
      .optional()
      .meta({ description: 'journeys that ended at or after this (default: 30 days before to)' }),
    to: timestamp.optional().meta({ description: 'journeys that ended before this (default: now)' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: z
      .string()
      .regex(RECORD_CURSOR_PATTERN, 'must be the next cursor of a previous page')
      .optional()
      .meta({ description: 'the `next` of the previous page' }),
  })
  .refine(({ from, to }) => !from || !to || Date.parse(from) < Date.parse(to), {
    message: 'must be before to',
    path: ['from'],
  })
  .refine(({ from, to }) => !from || !to || Date.parse(to) - Date.parse(from) <= MAX_PERIOD_DAYS * DAY_MS, {
    message: `the period is at most ${MAX_PERIOD_DAYS} days`,
    path: ['to'],
  });

const decisionSchema = z.string().meta({ description: 'approved, rejected or review (expired or failed: no verdict)' });

/** A page of the journeys whose shadow version decided otherwise than their pinned one. */
const disagreementsSchema = z
  .object({
    disagreements: z.array(
      z.object({
        journeyId: z.string().nullable().meta({ description: 'null once the journey was erased' }),
        flow: z.string(),
        region: z.string(),
        policyVersion: z.number().int().nullable(),
        policyDecision: decisionSchema,
        shadowVersion: z.number().int(),
        shadowDecision: decisionSchema,
        reasons: z.array(z.string()).meta({ description: "the pinned version's reasons, then the review's" }),
        shadowReasons: z.array(z.string()),
        endedAt: z.iso.datetime(),
      }),
    ),
    next: z.string().optional().meta({ description: 'the `after` of the next page; absent on the last' }),
  })
  .meta({ id: 'ShadowDisagreements' });

/**
 * The shadow version's disagreements (operator key): live journeys a shadow version would have decided otherwise than
 * the version they were pinned to, oldest first, from the decision records.
 */
export function registerPolicyShadowRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const { app, onRequest, security } = operatorAccess(server, ctx);
  app.get(
    '/v1/policies/shadow/disagreements',
    {
      onRequest,
      schema: {
        operationId: 'listShadowDisagreements',
        summary: 'Journeys the shadow policy version decided otherwise than their own version, in the order they ended',
        security,
        querystring: disagreementsQuerySchema,
        response: {
          200: jsonResponse('a page of disagreements', disagreementsSchema),
          ...problemResponses(
            'validation_failed',
            'unauthenticated',
            'too_many_attempts',
            'forbidden',
            'decision_records_not_configured',
            'decision_records_unavailable',
          ),
        },
      },
    },
    async (request) => {
      if (!ctx.database) throw new ProblemError('decision_records_not_configured');
      const records = new DecisionRecords(ctx.database);
      const { from, to, limit, after } = request.query;
      const toMs = to ? Date.parse(to) : Date.now();
      const fromMs = from ? Date.parse(from) : toMs - DEFAULT_PERIOD_DAYS * DAY_MS;
      const page = await readPage(records, {
        period: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
        after,
        limit,
      });
      return {
        disagreements: page.records.map((record) => ({
          journeyId: record.journeyId,
          flow: record.flow,
          region: record.region,
          policyVersion: record.policyVersion,
          policyDecision: record.policyDecision ?? '',
          shadowVersion: record.shadowVersion ?? 0,
          shadowDecision: record.shadowDecision ?? '',
          reasons: record.reasons,
          shadowReasons: record.shadowReasons ?? [],
          endedAt: record.endedAt,
        })),
        ...(page.next ? { next: cursorText(page.next) } : {}),
      };
    },
  );
}

/** One page of disagreements; a database that cannot answer is a 503 the caller retries. */
function readPage(
  records: DecisionRecords,
  { period, after, limit }: { period: { from: string; to: string }; after: string | undefined; limit: number },
) {
  return records.shadowDisagreements(period, after ? cursorOf(after) : undefined, limit).catch(() => {
    throw new ProblemError('decision_records_unavailable');
  });
}
