import type { FastifyInstance } from 'fastify';
import { operatorOf } from '../auth';
import type { GatewayContext } from '../context';
import {
  policyDraftBodySchema,
  policyListSchema,
  policyParamsSchema,
  policyPublishBodySchema,
  policyStepSchema,
  policyVersionSchema,
} from '../policy-schemas';
import { ProblemError, type ProblemCode } from '../problems';
import { jsonResponse, problemResponses } from '../response-schemas';
import type { PolicyService } from '../../policy/policy-service';
import { auditFailed } from '../../review/audit-log';
import { operatorAccess } from './operator-access';

/** What every policy route may be refused with. */
const POLICY_REFUSALS: ProblemCode[] = ['unauthenticated', 'too_many_attempts', 'forbidden', 'policies_unavailable'];
/** What a publication or retirement may be refused with beyond that. */
const STEP_REFUSALS: ProblemCode[] = [
  'validation_failed',
  'policy_not_found',
  'policy_already_current',
  'policy_already_shadow',
  'policy_already_published',
  'policy_retired',
  'current_cannot_retire',
  'same_identity',
  'policy_request_differs',
];

/**
 * Decision policy versions for operators (operator key): drafts, the list, one version, the current one, publication
 * and retirement, each acting as the key's identity and recorded in the audit log by the policy service. Without a
 * database every route answers 503 `policies_unavailable`.
 */
export function registerPolicyRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const { app, onRequest, security } = operatorAccess(server, ctx);
  const service = (): PolicyService => {
    if (!ctx.policies) {
      throw new ProblemError('policies_unavailable', 'policy versions live in the database: set DATABASE_URL');
    }
    return ctx.policies;
  };

  app.post(
    '/v1/policies',
    {
      onRequest,
      schema: {
        operationId: 'createPolicyDraft',
        summary: 'Write a draft policy version (the same document as an existing draft answers that draft)',
        security,
        body: policyDraftBodySchema,
        response: {
          200: jsonResponse('a draft with this very document already exists', policyVersionSchema),
          201: jsonResponse('the draft was written', policyVersionSchema),
          ...problemResponses('invalid_policy', ...POLICY_REFUSALS),
        },
      },
    },
    async (request, reply) => {
      const { document, note } = request.body;
      const drafted = await service().createDraft(document, operatorOf(request), note, auditFailed(request.log));
      return reply.code(drafted.created ? 201 : 200).send(drafted.version);
    },
  );

  app.get(
    '/v1/policies',
    {
      onRequest,
      schema: {
        operationId: 'listPolicies',
        summary: 'Every policy version, newest first',
        security,
        response: { 200: jsonResponse('the versions', policyListSchema), ...problemResponses(...POLICY_REFUSALS) },
      },
    },
    async () => ({ versions: await service().list() }),
  );

  app.get(
    '/v1/policies/current',
    {
      onRequest,
      schema: {
        operationId: 'getCurrentPolicy',
        summary: 'The version new journeys are pinned to',
        security,
        response: {
          200: jsonResponse('the current version', policyVersionSchema),
          ...problemResponses(...POLICY_REFUSALS),
        },
      },
    },
    async () => service().current(),
  );

  app.get(
    '/v1/policies/:version',
    {
      onRequest,
      schema: {
        operationId: 'getPolicy',
        summary: 'One policy version',
        security,
        params: policyParamsSchema,
        response: {
          200: jsonResponse('the version', policyVersionSchema),
          ...problemResponses('policy_not_found', ...POLICY_REFUSALS),
        },
      },
    },
    async (request) => service().get(Number(request.params.version)),
  );

  app.post(
    '/v1/policies/:version/publish',
    {
      onRequest,
      schema: {
        operationId: 'publishPolicy',
        summary:
          'Publish a version as current (the current one before stays published) or as the shadow; a shadow version ' +
          'is promoted to current. Under four-eyes the first call waits for a second, different identity (202).',
        security,
        params: policyParamsSchema,
        body: policyPublishBodySchema,
        response: {
          200: jsonResponse('published', policyStepSchema),
          202: jsonResponse('recorded; waiting for a second, different identity', policyStepSchema),
          ...problemResponses(...STEP_REFUSALS, ...POLICY_REFUSALS),
        },
      },
    },
    async (request, reply) => {
      const version = Number(request.params.version);
      const shadow = request.body?.shadow === true;
      const step = await service().publish(version, operatorOf(request), { shadow }, auditFailed(request.log));
      return reply.code(step.status === 'awaiting_approval' ? 202 : 200).send(step);
    },
  );

  app.post(
    '/v1/policies/:version/retire',
    {
      onRequest,
      schema: {
        operationId: 'retirePolicy',
        summary:
          'Retire a version for good (never the current one: publish another first). Under four-eyes the first call ' +
          'waits for a second, different identity (202).',
        security,
        params: policyParamsSchema,
        response: {
          200: jsonResponse('retired', policyStepSchema),
          202: jsonResponse('recorded; waiting for a second, different identity', policyStepSchema),
          ...problemResponses(...STEP_REFUSALS, ...POLICY_REFUSALS),
        },
      },
    },
    async (request, reply) => {
      const step = await service().retire(
        Number(request.params.version),
        operatorOf(request),
        auditFailed(request.log),
      );
      return reply.code(step.status === 'awaiting_approval' ? 202 : 200).send(step);
    },
  );
}
