import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { erasureActorBodySchema, legalHoldActorBodySchema } from '../actor-bodies';
import { operatorOf } from '../auth';
import type { GatewayContext } from '../context';
import { ProblemError } from '../problems';
import {
  erasureRecordSchema,
  jsonResponse,
  problemResponses,
  retentionStatusSchema,
  UNAVAILABLE,
} from '../response-schemas';
import { auditFailed } from '../../review/audit-log';
import { operatorAccess, OPERATOR_REFUSALS } from './operator-access';

/**
 * Routes for operators, authenticated with an operator key: the legal hold on media, erasure and signed evidence
 * bundles (reviews: `review-routes.ts`). Each acts as the key's identity and is recorded in the audit log.
 */
export function registerOperatorRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const { app, onRequest, journey } = operatorAccess(server, ctx);

  app.post(
    '/v1/journeys/:id/legal-hold',
    {
      onRequest,
      schema: {
        operationId: 'setLegalHold',
        summary: "Set or release the legal hold on an ended journey's media (kept past the retention period)",
        ...journey,
        body: legalHoldActorBodySchema,
        response: {
          200: jsonResponse('the hold was set or released', retentionStatusSchema),
          ...problemResponses(
            ...OPERATOR_REFUSALS,
            'journey_closed',
            'journey_running',
            'journey_erased',
            'media_deleted',
            'invalid_legal_hold',
            ...UNAVAILABLE,
          ),
        },
      },
    },
    async (request) => {
      const hold = { ...request.body, operator: operatorOf(request, request.body.operator) };
      return sharedStore(ctx.holds).set(request.params.id, hold, auditFailed(request.log));
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
        ...journey,
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
            'too_many_attempts',
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
      await evidence.recordExport(journeyId, operatorOf(request));
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

  app.post(
    '/v1/journeys/:id/erase',
    {
      onRequest,
      schema: {
        operationId: 'eraseJourney',
        summary:
          'Erase a journey: stop it if it runs, delete its media and inputs, destroy its data key (its history can no longer be decrypted); outcome and reason codes are kept',
        ...journey,
        body: erasureActorBodySchema,
        response: {
          200: jsonResponse('the journey is erased (again: the same record, nothing changes)', erasureRecordSchema),
          ...problemResponses(...OPERATOR_REFUSALS, 'journey_held', ...UNAVAILABLE),
        },
      },
    },
    async (request) => {
      const erasure = { ...request.body, requestedBy: operatorOf(request, request.body.requestedBy) };
      return sharedStore(ctx.erasure).erase(request.params.id, erasure, auditFailed(request.log));
    },
  );
}

/** A service that needs the store every gateway shares (and, for erasure, the data keys); without them a bug (500). */
function sharedStore<S>(service: S | undefined): S {
  if (!service) throw new Error('this gateway has no shared store (and data keys) for legal holds and erasure');
  return service;
}
