import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GatewayContext } from '../context';
import { openApiDocument, SECURITY } from '../openapi';
import { problem, sendProblem } from '../problems';
import { healthSchema, jsonResponse, problemResponses } from '../response-schemas';

/** How long the health check waits for Temporal before calling it unreachable. */
const HEALTH_TIMEOUT_MS = 3_000;

/** Unauthenticated routes: health (Temporal reachable) and the OpenAPI document. */
export function registerSystemRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        summary: 'Health: Temporal reachable',
        security: SECURITY.public,
        response: {
          200: jsonResponse('healthy', healthSchema),
          ...problemResponses('request_timeout', 'temporal_unavailable'),
        },
      },
    },
    async (_request, reply) => {
      try {
        await ctx.client.connection.withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () =>
          ctx.client.workflowService.getSystemInfo({}),
        );
        return { status: 'ok', temporal: 'reachable' } as const;
      } catch {
        return sendProblem(reply, problem('temporal_unavailable'));
      }
    },
  );

  // Built once, on the first request: the gateway is ready by then and every route is registered.
  let document: Record<string, unknown> | undefined;
  app.get(
    '/docs',
    {
      schema: {
        operationId: 'getOpenApiDocument',
        summary: 'This document',
        security: SECURITY.public,
        response: {
          200: jsonResponse('OpenAPI 3.1 JSON', z.record(z.string(), z.unknown())),
          ...problemResponses('request_timeout'),
        },
      },
    },
    () => {
      document ??= openApiDocument(server, ctx.publicUrl());
      return Promise.resolve(document);
    },
  );
}
