import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GatewayContext } from '../context';
import { SECURITY } from '../openapi';
import { otherProblems, problemResponses, UNAVAILABLE } from '../response-schemas';
import { webReturnQuerySchema } from '../schemas';

const FINISHED_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verification submitted</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1d2129}</style>
</head>
<body><h1 data-state="submitted">Verification submitted</h1><p>You can close this window.</p></body>
</html>
`;

/** The web flows' browser-facing routes: FaceID's RedirectURL target and the default final page. */
export function registerWebRoutes(server: FastifyInstance, ctx: GatewayContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/web/return',
    {
      schema: {
        operationId: 'completeWebReturn',
        summary: "The web flows' RedirectURL: checks the token, signals the journey, redirects to the final URL",
        description: 'Authenticated by the token itself: it must be the journey’s current BizToken.',
        security: SECURITY.public,
        querystring: webReturnQuerySchema,
        response: {
          303: z.undefined().meta({
            description: "redirect to the backend's final URL",
            headers: { location: { type: 'string', description: 'the final URL' } },
          }),
          ...problemResponses('validation_failed', 'invalid_web_return', ...UNAVAILABLE),
          default: otherProblems,
        },
      },
    },
    async (request, reply) => {
      const { journey, token } = request.query;
      const { finalUrl } = await ctx.ekyc.completeWebReturn(journey, token);
      const target = finalUrl ?? ctx.settings.webFinalUrl ?? `${ctx.publicUrl()}/v1/web/finished`;
      return (
        reply
          .code(303)
          .header('location', target)
          .header('cache-control', 'no-store')
          // The return URL carries the BizToken: the final page must not receive it as a referrer.
          .header('referrer-policy', 'no-referrer')
          .send(undefined)
      );
    },
  );

  app.get(
    '/v1/web/finished',
    {
      schema: {
        operationId: 'getWebFinishedPage',
        summary: 'Default final page of a web verification',
        security: SECURITY.public,
        response: {
          200: { description: 'HTML "Verification submitted"', content: { 'text/html': { schema: z.string() } } },
          ...problemResponses('request_timeout'),
        },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(FINISHED_PAGE),
  );
}
