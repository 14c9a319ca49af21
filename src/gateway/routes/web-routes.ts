import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context';
import { parseWith, webReturnQuerySchema } from '../schemas';

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
export function registerWebRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.get('/v1/web/return', async (request, reply) => {
    const { journey, token } = parseWith(webReturnQuerySchema, request.query);
    const { finalUrl } = await ctx.ekyc.completeWebReturn(journey, token);
    const target = finalUrl ?? ctx.settings.webFinalUrl ?? `${ctx.publicUrl()}/v1/web/finished`;
    return (
      reply
        .code(303)
        .header('location', target)
        .header('cache-control', 'no-store')
        // The return URL carries the BizToken: the final page must not receive it as a referrer.
        .header('referrer-policy', 'no-referrer')
        .send()
    );
  });

  app.get('/v1/web/finished', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(FINISHED_PAGE),
  );
}
