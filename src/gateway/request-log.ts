import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** What a request log line says: method, route pattern, status and duration. */
function requestFields(request: FastifyRequest, reply: FastifyReply) {
  return {
    method: request.method,
    route: request.routeOptions.url ?? 'unmatched',
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime),
  };
}

/**
 * Fastify's request log, reduced to one line per request written when the answer is sent: method, route pattern
 * (`/v1/journeys/:id/finished`), status and duration. Never the URL itself (web-flow query strings hold tokens),
 * headers (credentials) or bodies (images, personal data); errors go through the logger's error serializer.
 */
export class GatewayLogController extends LogController {
  override incomingRequest(): void {
    // The completion line says everything this one would.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) request.log.error({ ...requestFields(request, reply), err: error }, 'request failed');
    else request.log.info(requestFields(request, reply), 'request completed');
  }

  override routeNotFound(): void {
    // Fastify's line would carry the raw URL; the completion line records it as route `unmatched`.
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    request.log.error({ ...requestFields(request, reply), err: error }, 'request error');
  }

  override writeHeadError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    request.log.warn({ ...requestFields(request, reply), err: error }, 'writing the response head failed');
  }
}
