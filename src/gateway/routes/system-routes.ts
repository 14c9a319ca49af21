import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context';
import { buildOpenApiDocument } from '../openapi';
import { problem, sendProblem } from '../problems';

/** How long the health check waits for Temporal before calling it unreachable. */
const HEALTH_TIMEOUT_MS = 3_000;

/** Unauthenticated routes: health (Temporal reachable) and the OpenAPI document. */
export function registerSystemRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      await ctx.client.connection.withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () =>
        ctx.client.workflowService.getSystemInfo({}),
      );
      return { status: 'ok', temporal: 'reachable' };
    } catch {
      return sendProblem(reply, problem('temporal_unavailable'));
    }
  });

  const document = buildOpenApiDocument();
  app.get('/docs', (_request, reply) => reply.send(document));
}
