import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FACEID_REGIONS } from '../../faceid/actions';
import { FLOWS, type Flow } from '../../workflows/types';
import { backtest, BACKTEST_CURSOR_PATTERN, BACKTEST_DEFAULT_LIMIT, BACKTEST_MAX_LIMIT } from '../../policy/backtest';
import { candidateVersion, decisionRecordSource } from '../../policy/backtest-records';
import type { GatewayContext } from '../context';
import { ProblemError } from '../problems';
import { jsonResponse, problemResponses } from '../response-schemas';
import { operatorAccess } from './operator-access';

/** `{version}` as the path carries it; a path that names no version number is an unknown version (404). */
const versionParamsSchema = z.strictObject({ version: z.string() });

const backtestBodySchema = z
  .strictObject({
    from: z.iso.datetime().meta({ description: 'journeys that ended at or after this' }),
    to: z.iso.datetime().meta({ description: 'and before this; at most 366 days after from' }),
    flow: z.enum(FLOWS as [Flow, ...Flow[]]).optional(),
    region: z.enum(FACEID_REGIONS).optional(),
    limit: z.number().int().min(1).max(BACKTEST_MAX_LIMIT).default(BACKTEST_DEFAULT_LIMIT).meta({
      description: 'changed journeys per answer',
    }),
    after: z
      .string()
      .regex(BACKTEST_CURSOR_PATTERN, 'must be the next cursor of a previous answer')
      .optional()
      .meta({ description: 'the `next` of the previous answer' }),
  })
  .refine(({ from, to }) => Date.parse(from) < Date.parse(to), { message: 'must be after from', path: ['to'] });

const counts = z.record(z.string(), z.number().int());
const decided = z.object({ decision: z.string(), reasons: z.array(z.string()) });

const backtestReportSchema = z
  .object({
    candidate: z.object({ version: z.number().int(), sha256: z.string() }),
    period: z.object({
      from: z.string(),
      to: z.string(),
      flow: z.string().optional(),
      region: z.string().optional(),
    }),
    total: z.number().int().meta({ description: 'decision records in the period' }),
    decided: z.number().int().meta({ description: 'records with decision inputs, the only ones a version can change' }),
    outcomes: z.object({
      own: counts.meta({ description: "per outcome, as each journey's own version decided it" }),
      candidate: counts.meta({ description: 'per outcome, as the candidate would have decided' }),
    }),
    transitions: z
      .array(z.object({ from: z.string(), to: z.string(), count: z.number().int() }))
      .meta({ description: 'own → candidate outcome pairs that occurred, unchanged ones included' }),
    reasons: z.object({ added: counts, removed: counts }),
    changed: z.object({
      journeys: z.array(
        z.object({
          journeyId: z.string().nullable().meta({ description: 'null once the journey was erased' }),
          reference: z.string().nullable(),
          endedAt: z.iso.datetime(),
          flow: z.string(),
          region: z.string(),
          ownVersion: z.number().int().nullable(),
          own: decided,
          candidate: decided,
        }),
      ),
      next: z.string().optional().meta({ description: 'the `after` of the next answer; absent on the last' }),
    }),
  })
  .meta({ id: 'PolicyBacktest' });

/**
 * `POST /v1/policies/{version}/backtest` (operator key): what a version, a draft included, would have decided for the
 * journeys that ended in a period, beside what their own versions decided.
 */
export function registerPolicyBacktestRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const { app, onRequest, security } = operatorAccess(server, ctx);

  app.post(
    '/v1/policies/:version/backtest',
    {
      onRequest,
      schema: {
        operationId: 'backtestPolicy',
        summary:
          'Decide the journeys that ended in a period again under a version: outcome counts both ways, transitions, ' +
          'reasons added and removed, and the changed journeys (paged)',
        security,
        params: versionParamsSchema,
        body: backtestBodySchema,
        response: {
          200: jsonResponse('the back-test', backtestReportSchema),
          ...problemResponses(
            'validation_failed',
            'period_too_long',
            'unauthenticated',
            'too_many_attempts',
            'forbidden',
            'policy_not_found',
            'policies_unavailable',
          ),
        },
      },
    },
    async (request) => {
      const database = ctx.database;
      if (!database) throw new ProblemError('policies_unavailable');
      const version = /^[1-9]\d{0,8}$/.test(request.params.version) ? Number(request.params.version) : undefined;
      const candidate = version === undefined ? undefined : await candidateVersion(database, version);
      if (!candidate) throw new ProblemError('policy_not_found');
      const { limit, after, ...period } = request.body;
      return backtest(decisionRecordSource(database), candidate, period, { limit, ...(after ? { after } : {}) });
    },
  );
}
