import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authHook, requireOperatorKey } from '../auth';
import type { GatewayContext } from '../context';
import { SECURITY } from '../openapi';
import { ProblemError } from '../problems';
import {
  erasureRecordSchema,
  jsonResponse,
  problemResponses,
  retentionStatusSchema,
  UNAVAILABLE,
} from '../response-schemas';
import { erasureBodySchema, journeyParamsSchema, legalHoldBodySchema } from '../schemas';
import { auditFailed } from './review-routes';

/**
 * Routes for operators, authenticated with an operator key: the legal hold on media, erasure and signed evidence
 * bundles (reviews: `review-routes.ts`).
 */
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

  app.post(
    '/v1/journeys/:id/erase',
    {
      onRequest,
      schema: {
        operationId: 'eraseJourney',
        summary:
          'Erase a journey: stop it if it runs, delete its media and inputs, destroy its data key (its history can no longer be decrypted); outcome and reason codes are kept',
        ...common,
        body: erasureBodySchema,
        response: {
          200: jsonResponse('the journey is erased (again: the same record, nothing changes)', erasureRecordSchema),
          ...problemResponses(
            'validation_failed',
            'unauthenticated',
            'forbidden',
            'journey_not_found',
            'journey_held',
            ...UNAVAILABLE,
          ),
        },
      },
    },
    async (request) => {
      const journeyId = request.params.id;
      const record = await ctx.ekyc.erase(journeyId, request.body);
      await ctx.audit?.appendOrReport(
        {
          role: 'operator',
          actor: record.requestedBy,
          action: 'journey_erased',
          journeyId,
          detail: { reason: record.reason, deleted: String(record.deleted?.count ?? 0) },
        },
        auditFailed(request.log),
      );
      return record;
    },
  );

  app.get(
    '/v1/journeys/:id/evidence',
    {
      onRequest,
      // A HEAD would run the whole export (and its audit entry) to send no body.
      exposeHeadRoute: false,
      schema: {
        operationId: 'exportEvidence',
        summary:
          "An ended journey's signed evidence bundle: media, OCR JSON, result, policy, timeline and audit entries (tar)",
        security: SECURITY.operatorKey,
        params: journeyParamsSchema,
        response: {
          200: {
            description:
              'a tar file; its manifest.json lists every other file with its SHA-256 and size, manifest.sig is the ' +
              'Ed25519 signature of the manifest (verify with `npm run verify-evidence`)',
            content: { 'application/x-tar': { schema: z.unknown().meta({ type: 'string', format: 'binary' }) } },
          },
          ...problemResponses(
            'validation_failed',
            'unauthenticated',
            'forbidden',
            'journey_not_found',
            'journey_running',
            'evidence_not_configured',
            ...UNAVAILABLE,
          ),
        },
      },
    },
    async (request, reply) => {
      const evidence = ctx.evidence;
      if (!evidence) throw new ProblemError('evidence_not_configured');
      const journeyId = request.params.id;
      const prepared = await evidence.prepare(journeyId);
      await evidence.recordExport(journeyId);
      const bundle = evidence.stream(prepared, {
        // A reader that went away ends it too: a warning, not a failure of the gateway.
        onError: (error) =>
          request.log.warn({ error: error.name, message: error.message }, 'evidence bundle cut short'),
        onMd5Mismatch: (paths) =>
          request.log.warn({ files: paths }, 'archived media differs from the MD5 the journey recorded'),
      });
      const filename = `evidence-${journeyId.replace(/[^A-Za-z0-9._-]/g, '_')}.tar`;
      return reply
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(bundle);
    },
  );
}
