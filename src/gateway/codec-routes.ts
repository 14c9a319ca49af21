import type { ArchiveDataKeys } from '../codec/data-keys';
import type { Payload } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AesGcmCodec, PayloadDecryptionError, UnknownCodecKeyError } from '../codec/aes-gcm-codec';
import type { KeyRing } from '../codec/key-ring';
import { payloadFromJson, payloadsJsonSchema, payloadToJson } from '../codec/payload-json';
import { bearerToken, keyMatches } from './auth';
import { acceptForms, cookieValue, FORM_BODY_LIMIT, sessionCookie, UNDOCUMENTED } from './browser-pages';
import { FailedLoginLimiter, TooManyAttemptsError } from './failed-logins';
import { InMemoryCodecRevocations, type CodecSessionRevocations } from './codec-revocations';
import {
  bearerCaller,
  CODEC_SESSION_COOKIE,
  CODEC_SESSION_SECONDS,
  codecTokenId,
  issueCodecSession,
  verifyCodecSession,
  type CodecCaller,
} from './codec-session';
import { ProblemError } from './problems';
import { parseWith } from './schemas';
import type { GatewayPlugin } from './server';

/** Options of {@link codecRoutes}. */
export interface CodecRouteOptions {
  keyRing: KeyRing;
  /** The journeys' data keys: their payloads decode here, an erased journey's to a marker saying so. */
  dataKeys?: ArchiveDataKeys;
  /** Bearer tokens that may decode and encode (`CODEC_AUTH_TOKENS`); a sign-in turns one into a browser session. */
  tokens: readonly string[];
  /** Browser origins allowed to call (`CODEC_UI_ORIGIN`): the Temporal UI's. */
  uiOrigins: readonly string[];
  /** The namespace whose payloads this endpoint serves; an `X-Namespace` naming another is refused. */
  namespace: string;
  /** Public URL of the codec endpoint (`<GATEWAY_PUBLIC_URL>/codec`), shown on the sign-in page; https makes the cookie `Secure`. */
  endpointUrl: string;
  /** Signed-out sessions, shared by every gateway (default: this process only). */
  revocations?: CodecSessionRevocations;
  /** Failed token attempts per client address (default: a limiter of this plugin's own). */
  failedLogins?: FailedLoginLimiter;
}

/** Payloads of a whole workflow history page can be large: Temporal's 2 MB payload limit, Base64-inflated, fits. */
const CODEC_BODY_LIMIT = 4 * 1024 * 1024;

const loginBodySchema = z.object({ token: z.string().min(1).max(512) });

const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1d2129}
label,input,button{display:block;margin:.5rem 0}input{width:100%;padding:.4rem}code{background:#f2f3f5;padding:0 .2rem}</style>
</head>
<body>${body}</body>
</html>
`;
}

function htmlPage(reply: FastifyReply, html: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').headers(PAGE_HEADERS).send(html);
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function loginPage(problem?: string): string {
  return page(
    'Codec sign-in',
    `<h1>Sign in to decode journeys</h1>
<p>Enter a codec token (<code>CODEC_AUTH_TOKENS</code>). This browser then keeps a session for ${CODEC_SESSION_SECONDS / 3600} hours, which the Temporal UI uses to decode payloads.</p>
${problem ? `<p role="alert" data-state="refused">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="login">
<label for="token">Codec token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

function signedInPage(endpointUrl: string, uiOrigin: string | undefined): string {
  const endpoint = escapeHtml(endpointUrl);
  return page(
    'Codec session started',
    `<h1 data-state="signed-in">Signed in</h1>
<p>This browser may decode journeys for the next ${CODEC_SESSION_SECONDS / 3600} hours. In the Temporal UI, once per browser:</p>
<ol>
<li>open the Codec Server settings (the icon at the top right of the UI);</li>
<li>choose “Use my browser setting and ignore Cluster-level setting”;</li>
<li>enter <code>${endpoint}</code> as the endpoint and turn on “Include cross-origin credentials”;</li>
<li>Apply.</li>
</ol>
${uiOrigin ? `<p><a href="${escapeHtml(uiOrigin)}/">Open the Temporal UI</a></p>` : ''}
<form method="post" action="logout"><button type="submit">Sign out</button></form>`,
  );
}

function asProblem(error: unknown): unknown {
  if (error instanceof UnknownCodecKeyError || error instanceof PayloadDecryptionError) {
    return new ProblemError('undecodable_payload', error.message);
  }
  return error;
}

/**
 * The codec endpoint for the Temporal UI, following Temporal's codec server protocol: `POST <prefix>/decode` and
 * `<prefix>/encode` take and return `{ payloads: [...] }` in proto3 JSON. Callers authenticate with a bearer token
 * from `CODEC_AUTH_TOKENS` or with the session cookie `POST <prefix>/login` sets; browsers may call only from the UI's
 * origins (CORS with credentials, preflight answered for those origins alone). Every decode and encode is logged with
 * the caller's token id, the namespace and the payload count, never the payloads.
 */
export function codecRoutes(options: CodecRouteOptions): GatewayPlugin {
  const codec = new AesGcmCodec(
    options.keyRing,
    'pass',
    options.dataKeys ? { vault: options.dataKeys, erased: 'marker' } : undefined,
  );
  const origins = new Set(options.uiOrigins);
  const secureCookie = options.endpointUrl.startsWith('https:');
  const callers = new WeakMap<FastifyRequest, CodecCaller>();
  const revocations = options.revocations ?? new InMemoryCodecRevocations();
  const failedLogins = options.failedLogins ?? new FailedLoginLimiter();
  const ownOrigin = new URL(options.endpointUrl).origin;

  /**
   * Whether a sign-in form was sent from this endpoint's own page: another site's form could otherwise sign the
   * browser in with the attacker's token (login CSRF). Under the page's `Referrer-Policy: no-referrer` browsers send
   * `Origin: null` with the form, so then `Sec-Fetch-Site`, which no page can set, must say same-origin.
   */
  const fromOwnPage = (request: FastifyRequest): boolean => {
    const origin = request.headers.origin;
    if (origin === ownOrigin) return true;
    return (origin === undefined || origin === 'null') && request.headers['sec-fetch-site'] === 'same-origin';
  };

  /** The session a cookie value stands for, unless it was signed out on any gateway. */
  const liveSession = async (value: string) => {
    const session = verifyCodecSession(options.tokens, value);
    if (!session || (await revocations.isRevoked(value, session.expiresAtMs))) return undefined;
    return session;
  };

  const allowedOrigin = (request: FastifyRequest): string | undefined => {
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    if (!origins.has(origin)) throw new ProblemError('forbidden', 'this origin may not call the codec endpoint');
    return origin;
  };
  const allowCredentialedCors = (reply: FastifyReply, origin: string): void => {
    reply
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-credentials', 'true')
      .header('vary', 'Origin');
  };

  /** CORS, then the caller: a bearer token, or (from an allowed browser origin only) a session cookie. */
  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = allowedOrigin(request);
    if (origin) allowCredentialedCors(reply, origin);
    failedLogins.refuseIfBlocked(request.ip, 'codec');
    const session = cookieValue(request, CODEC_SESSION_COOKIE);
    const caller =
      bearerCaller(request, options.tokens) ?? (origin && session ? await liveSession(session) : undefined);
    if (!caller) {
      if (bearerToken(request) !== undefined) failedLogins.recordFailure(request.ip, 'codec');
      throw new ProblemError('unauthenticated', 'send Authorization: Bearer <codec token>, or sign in at /codec/login');
    }
    const namespace = request.headers['x-namespace'];
    if (typeof namespace === 'string' && namespace !== '' && namespace !== options.namespace) {
      throw new ProblemError('forbidden', `this codec endpoint serves namespace ${options.namespace}`);
    }
    callers.set(request, caller);
  };

  const preflight = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const origin = allowedOrigin(request);
    if (!origin) throw new ProblemError('forbidden', 'a preflight needs the Origin of the Temporal UI');
    allowCredentialedCors(reply, origin);
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'authorization, authorization-extras, content-type, x-namespace')
      .header('access-control-max-age', '600')
      .send();
  };

  const transform =
    (operation: 'decode' | 'encode', run: (payloads: Payload[]) => Promise<Payload[]>) =>
    async (request: FastifyRequest): Promise<{ payloads: ReturnType<typeof payloadToJson>[] }> => {
      const { payloads } = parseWith(payloadsJsonSchema, request.body);
      const caller = callers.get(request) as CodecCaller;
      const namespace = request.headers['x-namespace'] || null;
      let outcome = 'failed';
      try {
        const result = await run(payloads.map(payloadFromJson)).catch((error: unknown) => {
          throw asProblem(error);
        });
        outcome = 'ok';
        return { payloads: result.map(payloadToJson) };
      } finally {
        // The audit line: who, which namespace, how many payloads (pino adds the time); never their content.
        request.log.info(
          { codec: operation, via: caller.via, tokenId: caller.tokenId, namespace, payloads: payloads.length, outcome },
          `codec ${operation}`,
        );
      }
    };

  const plugin = (app: FastifyInstance): Promise<void> => {
    const cookie = (value: string, maxAgeSeconds: number): string =>
      sessionCookie(CODEC_SESSION_COOKIE, value, maxAgeSeconds, app.prefix || '/', secureCookie);
    acceptForms(app);

    for (const operation of ['decode', 'encode'] as const) {
      app.options(`/${operation}`, { schema: UNDOCUMENTED }, preflight);
      app.post(
        `/${operation}`,
        { onRequest: guard, bodyLimit: CODEC_BODY_LIMIT, schema: UNDOCUMENTED },
        transform(operation, (payloads) => codec[operation](payloads)),
      );
    }

    app.get('/login', { schema: UNDOCUMENTED }, async (_request, reply) => htmlPage(reply, loginPage()));
    app.post('/login', { bodyLimit: FORM_BODY_LIMIT, schema: UNDOCUMENTED }, async (request, reply) => {
      const fromForm = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ?? false;
      const refusePage = (status: number, message: string): FastifyReply =>
        htmlPage(reply.code(status), loginPage(message));
      if (fromForm && !fromOwnPage(request)) {
        request.log.warn({ codec: 'login_cross_site' }, 'codec sign-in refused');
        return refusePage(403, 'Sign in from this page.');
      }
      try {
        failedLogins.refuseIfBlocked(request.ip, 'codec');
      } catch (error) {
        if (!fromForm || !(error instanceof TooManyAttemptsError)) throw error;
        reply.header('retry-after', String(error.retryAfterSeconds));
        return refusePage(429, 'Too many failed attempts: try again later.');
      }
      const { token } = parseWith(loginBodySchema, request.body);
      if (!keyMatches(options.tokens, token)) {
        failedLogins.recordFailure(request.ip, 'codec');
        if (!fromForm) throw new ProblemError('unauthenticated', 'not a codec token');
        return refusePage(401, 'That is not a codec token.');
      }
      request.log.info({ codec: 'login', tokenId: codecTokenId(token) }, 'codec session started');
      reply.header('set-cookie', cookie(issueCodecSession(token), CODEC_SESSION_SECONDS));
      if (!fromForm) return reply.code(204).send();
      return htmlPage(reply, signedInPage(options.endpointUrl, options.uiOrigins[0]));
    });
    app.post('/logout', { schema: UNDOCUMENTED }, async (request, reply) => {
      // Revoked where every gateway looks, not only cleared in this browser: a copied cookie stops working too.
      const value = cookieValue(request, CODEC_SESSION_COOKIE);
      const session = value ? verifyCodecSession(options.tokens, value) : undefined;
      if (value && session) {
        await revocations.revoke(value, session.expiresAtMs);
        request.log.info({ codec: 'logout', tokenId: session.tokenId }, 'codec session revoked');
      }
      return htmlPage(
        reply.header('set-cookie', cookie('', 0)),
        page('Signed out', '<h1 data-state="signed-out">Signed out</h1>'),
      );
    });
    return Promise.resolve();
  };

  return { prefix: '/codec', plugin };
}
