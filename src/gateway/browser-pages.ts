import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Browser pages (the codec sign-in, the console), not the gateway's JSON API: left out of the OpenAPI document. */
export const UNDOCUMENTED = { hide: true };

/** Largest body of a browser form: a token, a CSRF token, a note. */
export const FORM_BODY_LIMIT = 4 * 1024;

/** Parses the HTML forms browsers post (`application/x-www-form-urlencoded`) into a plain object. */
export function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
}

/** A cookie's value from the request's `Cookie` header. */
export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/** A `Set-Cookie` value the page's scripts cannot read; `Secure` when the gateway is reached over https. */
export function sessionCookie(name: string, value: string, maxAgeSeconds: number, path: string, secure: boolean) {
  // Lax: sent with the Temporal UI's fetch from another port of the same host (same site), never with another site's.
  return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The gateway's public base URL (no trailing slash): the configured one, or the loopback port it is bound to. */
export function publicBaseUrl(app: FastifyInstance, configured: string | undefined): string {
  if (configured) return configured.replace(/\/+$/, '');
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}
