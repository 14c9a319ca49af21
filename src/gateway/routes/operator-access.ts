import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authHook, requireOperatorKey } from '../auth';
import type { GatewayContext } from '../context';
import { SECURITY } from '../openapi';
import { journeyParamsSchema } from '../schemas';

/** What any operator request about one journey may be refused with, before what its own route adds. */
export const OPERATOR_REFUSALS = [
  'validation_failed',
  'unauthenticated',
  'too_many_attempts',
  'forbidden',
  'actor_mismatch',
  'journey_not_found',
] as const;

/**
 * What every operator route shares: the zod-typed app, the hook that requires an operator key, and the security and
 * `{id}` parameter of a route about one journey (`journey`).
 */
export function operatorAccess(server: FastifyInstance, ctx: GatewayContext) {
  return {
    app: server.withTypeProvider<ZodTypeProvider>(),
    onRequest: authHook((request) => requireOperatorKey(request, ctx.settings, ctx.failedLogins)),
    security: SECURITY.operatorKey,
    journey: { security: SECURITY.operatorKey, params: journeyParamsSchema },
  };
}
