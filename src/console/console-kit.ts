import { join } from 'node:path';
import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cookieValue } from '../gateway/browser-pages';
import { csrfMatches, type ConsoleRole, type ConsoleSession, type ConsoleSessions } from './console-sessions';

export const SESSION_COOKIE = 'ekyc_console_session';

/** Every console answer: nothing cached (pages and images carry personal data), no referrer, no framing. */
export const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** Who sees the review queue and cases (personal data): policy admins do not. */
export const CASE_ROLES: readonly ConsoleRole[] = ['reviewer', 'auditor'];

export const journeyIdSchema = z.string().regex(/^ekyc:[A-Za-z0-9._-]{1,100}$/);
export const caseParamsSchema = z.object({ id: journeyIdSchema });
const formSchema = z.object({ csrf: z.string().max(100).optional() });

/** A signed-in request: the cookie value (to revoke it) and the session. */
export interface SignedIn {
  value: string;
  session: ConsoleSession;
}

/** What a state-changing form needs from its sender. */
export type FormRole = ConsoleRole | 'any';

/**
 * What every console page shares: rendering with the console's headers, the signed-in session, and the guard of
 * state-changing forms (session, CSRF token, role).
 */
export class ConsoleKit {
  private readonly eta = new Eta({ views: join(__dirname, 'views'), cache: true });

  constructor(private readonly sessions: ConsoleSessions) {}

  render(reply: FastifyReply, template: string, data: object): FastifyReply {
    return reply.type('text/html; charset=utf-8').headers(PAGE_HEADERS).send(this.eta.render(template, data));
  }

  /** The layout's data for a signed-in user: who, their roles, and the CSRF token of the sign-out form. */
  user(session: ConsoleSession): { user: string; roles: ConsoleRole[]; csrf: string } {
    return { user: session.userId, roles: session.roles, csrf: session.csrf };
  }

  async sessionOf(request: FastifyRequest): Promise<SignedIn | undefined> {
    const value = cookieValue(request, SESSION_COOKIE);
    const session = value ? await this.sessions.find(value) : undefined;
    return value && session ? { value, session } : undefined;
  }

  signInPage(reply: FastifyReply, message?: string): FastifyReply {
    return this.render(reply.code(401), 'sign-in', { title: 'Sign in', message });
  }

  refused(reply: FastifyReply, status: number, title: string, message: string, session?: ConsoleSession): FastifyReply {
    return this.render(reply.code(status), 'refused', { title, message, ...(session ? this.user(session) : {}) });
  }

  /**
   * A page for a signed-in user holding one of `roles` (any signed-in user when none are named); otherwise the sign-in
   * page (401) or a refusal (403).
   */
  async page(
    request: FastifyRequest,
    reply: FastifyReply,
    roles: readonly ConsoleRole[] = [],
  ): Promise<SignedIn | undefined> {
    const current = await this.sessionOf(request);
    if (!current) {
      this.signInPage(reply);
      return undefined;
    }
    if (roles.length > 0 && !roles.some((role) => current.session.roles.includes(role))) {
      request.log.warn({ console: 'role_refused' }, 'console page refused');
      this.refused(reply, 403, 'Refused', PAGE_REFUSALS[roles[0] ?? 'reviewer'], current.session);
      return undefined;
    }
    return current;
  }

  /** A state-changing form: a live session, its CSRF token and the role, else 401 or 403 (and nothing changes). */
  async form(request: FastifyRequest, reply: FastifyReply, role: FormRole): Promise<SignedIn | undefined> {
    const current = await this.sessionOf(request);
    if (!current) {
      this.signInPage(reply, 'Your session has ended. Please sign in again.');
      return undefined;
    }
    const form = formSchema.safeParse(request.body ?? {});
    if (!form.success || !csrfMatches(current.session, form.data.csrf)) {
      request.log.warn({ console: 'csrf_refused' }, 'console form refused');
      this.refused(reply, 403, 'Refused', 'This form has expired. Go back to the queue.', current.session);
      return undefined;
    }
    if (role !== 'any' && !current.session.roles.includes(role)) {
      request.log.warn({ console: 'role_refused' }, 'console form refused');
      this.refused(reply, 403, 'Refused', FORM_REFUSALS[role], current.session);
      return undefined;
    }
    return current;
  }
}

/** Why a page is refused, by the first role it is for. */
const PAGE_REFUSALS: Record<ConsoleRole, string> = {
  reviewer: 'Only reviewers and auditors see cases.',
  auditor: 'Only auditors may do this.',
  'policy-admin': 'Only policy admins see the decision policies.',
};

/** Why a form is refused, by the role it needs. */
const FORM_REFUSALS: Record<ConsoleRole, string> = {
  reviewer: 'Only reviewers may claim, release and decide cases.',
  auditor: 'Only auditors may do this.',
  'policy-admin': 'Only policy admins may write, publish, retire and back-test policies.',
};
