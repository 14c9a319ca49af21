import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ObjectStore } from '../store/object-store';
import { reviewQueueFilterSchema } from '../review/review-queue';
import { FACEID_REGIONS } from '../faceid/actions';
import {
  acceptForms,
  cookieValue,
  FORM_BODY_LIMIT,
  publicBaseUrl,
  sessionCookie,
  UNDOCUMENTED,
} from '../gateway/browser-pages';
import { logIfInternal, problemFromError, type Problem } from '../gateway/problems';
import type { GatewayPlugin } from '../gateway/server';
import { auditFailed, type AuditLog } from '../review/audit-log';
import type { ReviewService } from '../review/review-service';
import { FLOWS } from '../workflows/types';
import { registerAuditExport } from './audit-export-routes';
import { registerCaseRoutes } from './case-routes';
import { CASE_ROLES, caseParamsSchema, ConsoleKit, journeyIdSchema, PAGE_HEADERS, SESSION_COOKIE } from './console-kit';
import { ConsoleSessions, type ConsoleSession } from './console-sessions';
import { OidcSignIn, type ConsoleOidcSettings } from './oidc-sign-in';
import { registerPolicyRoutes, type ConsolePolicies } from './policy-routes';
import { SIGN_IN_SECONDS, SignInCookies } from './sign-in-cookie';
import { timeLeft } from './time-left';

/** Options of {@link consoleRoutes}. */
export interface ConsoleRouteOptions {
  /** Review: the queue, the case view, claims, releases and decisions (the JSON API's review service, with `audit`). */
  review: Pick<ReviewService, 'queue' | 'caseOf' | 'claim' | 'release' | 'decide'>;
  /** The store every gateway shares: sessions. */
  store: ObjectStore;
  /**
   * A secret every gateway shares (the gateway's `CLIENT_SECRET_KEY`): the key that seals sign-ins under way into their
   * cookie is derived from it, so any gateway can finish a sign-in another began.
   */
  signInSecret: string;
  /** Where evidence views and exports are recorded: the same log `review` and the review routes write. */
  audit: AuditLog;
  oidc: ConsoleOidcSettings;
  /** Session lifetimes: without a request for `idleSeconds`, and `maxSeconds` after sign-in at the latest. */
  idleSeconds: number;
  maxSeconds: number;
  /** The gateway's public URL (the redirect URI is `<publicUrl>/console/callback`); default the bound loopback port. */
  publicUrl?: string;
  /** The decision policies and their records, for policy admins; absent without a database (the pages answer 503). */
  policies?: ConsolePolicies;
}

const SIGN_IN_COOKIE = 'ekyc_console_sign_in';

/**
 * The queue page's query: the queue's own filters, where a GET form sends empty fields for "any", and what the reviewer
 * just did (the queue, from visibility, may not show it yet).
 */
const queueQuerySchema = z.preprocess(
  (query) => Object.fromEntries(Object.entries(query as Record<string, unknown>).filter(([, value]) => value !== '')),
  reviewQueueFilterSchema
    .pick({ flow: true, region: true, reason: true, after: true })
    .extend({ done: z.enum(['claimed', 'released']).optional(), case: journeyIdSchema.optional() })
    .strict(),
);
/** Where a claim or release form returns: the queue, or the case it was sent from. */
const claimFormSchema = z.object({ back: z.enum(['queue', 'case']).default('queue') });

/**
 * The reviewer console (`/console`): sign-in with the configured OpenID Connect provider (authorization code with
 * PKCE), the review queue, and claiming and releasing cases as the signed-in reviewer, and the decision policies for
 * policy admins. Sessions live in the shared store; every form carries the session's CSRF token; auditors read only.
 */
export function consoleRoutes(options: ConsoleRouteOptions): GatewayPlugin {
  const sessions = new ConsoleSessions(options.store, options);
  const signIns = new SignInCookies(options.signInSecret);
  const oidc = new OidcSignIn(options.oidc);
  const kit = new ConsoleKit(sessions);

  const plugin = (app: FastifyInstance): Promise<void> => {
    const base = (): string => publicBaseUrl(app, options.publicUrl);
    const redirectUri = (): string => `${base()}/console/callback`;
    const cookie = (name: string, value: string, maxAgeSeconds: number): string =>
      sessionCookie(name, value, maxAgeSeconds, '/console', base().startsWith('https:'));

    // A browser is on the other end: a failure (Temporal or the archive away, a journey refusing requests, a bug) gets
    // a console page, not the API's problem document.
    app.setErrorHandler(async (error, request, reply) => {
      const problem = problemFromError(error);
      logIfInternal(request.log, error, problem);
      const signedIn = await kit.sessionOf(request).catch(() => undefined);
      const title = problem.status >= 500 ? 'Not available' : 'Refused';
      return kit.refused(reply, problem.status, title, failureMessage(problem), signedIn?.session);
    });

    acceptForms(app);

    app.get('/', { schema: UNDOCUMENTED }, async (request, reply) => {
      const signedIn = await kit.sessionOf(request);
      // A policy admin without a review role lands on the policies: the queue is not theirs to see.
      if (signedIn && !CASE_ROLES.some((role) => signedIn.session.roles.includes(role))) {
        return reply.headers(PAGE_HEADERS).redirect('/console/policies', 303);
      }
      const current = await kit.page(request, reply, CASE_ROLES);
      if (!current) return reply;
      const query = queueQuerySchema.safeParse(request.query);
      if (!query.success) {
        return queuePage(reply.code(400), current.session, {}, 'The filters are not valid; showing the whole queue.');
      }
      const { done, case: journeyId, ...filter } = query.data;
      const notice =
        done && journeyId
          ? `You ${done === 'claimed' ? 'hold' : 'released'} ${journeyId}; the queue may take a few seconds to show it.`
          : undefined;
      return queuePage(reply, current.session, filter, undefined, notice);
    });

    const queuePage = async (
      reply: FastifyReply,
      session: ConsoleSession,
      filter: Omit<z.infer<typeof queueQuerySchema>, 'done' | 'case'>,
      message?: string,
      notice?: string,
    ): Promise<FastifyReply> => {
      const page = await options.review.queue({ ...filter, limit: 25 });
      const now = Date.now();
      const nextQuery = page.next ? new URLSearchParams({ ...withoutAfter(filter), after: page.next }).toString() : '';
      return kit.render(reply, 'queue', {
        title: 'Review queue',
        ...kit.user(session),
        canClaim: session.roles.includes('reviewer'),
        filter,
        flows: FLOWS,
        regions: FACEID_REGIONS,
        waiting: page.waiting,
        cases: page.cases.map((entry) => ({ ...entry, timeLeft: timeLeft(entry.deadline, now) })),
        nextQuery,
        message,
        notice,
      });
    };

    // Nothing is written before the provider has authenticated the user: the sign-in under way is in its cookie.
    app.get('/login', { schema: UNDOCUMENTED }, async (_request, reply) => {
      const { value, pending } = signIns.begin();
      const url = await oidc.authorizationUrl(pending, redirectUri());
      return reply
        .header('set-cookie', cookie(SIGN_IN_COOKIE, value, SIGN_IN_SECONDS))
        .headers(PAGE_HEADERS)
        .redirect(url, 303);
    });

    app.get('/callback', { schema: UNDOCUMENTED }, async (request, reply) => {
      const value = cookieValue(request, SIGN_IN_COOKIE);
      const pending = value ? signIns.open(value) : undefined;
      reply.header('set-cookie', cookie(SIGN_IN_COOKIE, '', 0));
      if (!pending) return kit.signInPage(reply, 'That sign-in expired or was already used. Please sign in again.');
      let user;
      try {
        user = await oidc.finish(request.url, pending, redirectUri());
      } catch (error) {
        // The error's name only: openid-client's messages can quote the provider's answer.
        request.log.warn({ error: (error as Error).name }, 'console sign-in refused');
        return kit.signInPage(reply, 'The identity provider did not confirm the sign-in. Please sign in again.');
      }
      if (!user || user.roles.length === 0) {
        request.log.warn({ reason: user ? 'no_console_role' : 'no_usable_user_id' }, 'console sign-in refused');
        return kit.render(reply.code(403), 'sign-in', {
          title: 'No access',
          message: 'Your account has no reviewer, auditor or policy-admin role for this console.',
        });
      }
      // Signing in again replaces the browser's earlier session: it ends on every gateway, not only in this browser.
      const earlier = cookieValue(request, SESSION_COOKIE);
      if (earlier) await sessions.revoke(earlier);
      const created = await sessions.create(user.userId, user.roles);
      request.log.info({ console: 'sign_in', roles: user.roles }, 'console session started');
      return reply
        .header('set-cookie', [
          cookie(SIGN_IN_COOKIE, '', 0),
          cookie(SESSION_COOKIE, created.value, options.maxSeconds),
        ])
        .headers(PAGE_HEADERS)
        .redirect('/console', 303);
    });

    const claimAction =
      (action: 'claim' | 'release') =>
      async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
        const current = await kit.form(request, reply, 'reviewer');
        if (!current) return reply;
        const params = caseParamsSchema.safeParse(request.params);
        if (!params.success) return kit.refused(reply, 404, 'Not found', 'No such case.', current.session);
        const { back } = claimFormSchema.parse(request.body ?? {});
        const journeyId = params.data.id;
        const reviewer = current.session.userId;
        try {
          await options.review[action](journeyId, reviewer, auditFailed(request.log));
        } catch (error) {
          const problem = problemFromError(error);
          if (problem.status !== 409 && problem.status !== 404) throw error;
          const message =
            problem.code === 'review_claimed'
              ? `Case ${journeyId} is held by another reviewer: it cannot be claimed until they release it or the claim lapses.`
              : `Case ${journeyId}: ${problem.title}.`;
          return queuePage(reply.code(problem.status), current.session, {}, message);
        }
        const done = action === 'claim' ? 'claimed' : 'released';
        const target =
          back === 'case'
            ? `/console/cases/${encodeURIComponent(journeyId)}?done=${done}`
            : `/console?${new URLSearchParams({ done, case: journeyId }).toString()}`;
        return reply.headers(PAGE_HEADERS).redirect(target, 303);
      };

    app.post('/cases/:id/claim', { bodyLimit: FORM_BODY_LIMIT, schema: UNDOCUMENTED }, claimAction('claim'));
    app.post('/cases/:id/release', { bodyLimit: FORM_BODY_LIMIT, schema: UNDOCUMENTED }, claimAction('release'));
    registerCaseRoutes(app, kit, options);
    registerAuditExport(app, kit, options.audit);
    registerPolicyRoutes(app, kit, options.policies);

    app.post('/logout', { bodyLimit: FORM_BODY_LIMIT, schema: UNDOCUMENTED }, async (request, reply) => {
      const current = await kit.form(request, reply, 'any');
      if (!current) return reply;
      // Deleted where every gateway looks: a copied cookie stops working too.
      await sessions.revoke(current.value);
      request.log.info({ console: 'sign_out' }, 'console session ended');
      return kit.render(reply.header('set-cookie', cookie(SESSION_COOKIE, '', 0)), 'sign-in', {
        title: 'Signed out',
        message: 'You are signed out.',
      });
    });
    return Promise.resolve();
  };
  return { prefix: '/console', plugin };
}

/** What a reviewer reads when a console request fails: the problem's title, and whether to try again. */
function failureMessage(problem: Problem): string {
  if (problem.status === 503) return `${problem.title}. Try again in a moment.`;
  if (problem.status >= 500) return 'Something went wrong. Try again; if it keeps happening, tell your operators.';
  return `${problem.title}.`;
}

function withoutAfter(filter: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filter).filter((entry): entry is [string, string] => entry[0] !== 'after' && entry[1] !== undefined),
  );
}
