import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FACEID_REGIONS } from '../faceid/actions';
import { FORM_BODY_LIMIT, UNDOCUMENTED } from '../gateway/browser-pages';
import { problemFromError } from '../gateway/problems';
import { auditFailed } from '../review/audit-log';
import { backtest, BacktestRequestError, type BacktestRecordSource, type BacktestReport } from '../policy/backtest';
import { describeChange, diffPolicies } from '../policy/policy-diff';
import { parsePolicyDocument, type PolicyProblem } from '../policy/policy-schema';
import type { PolicyService } from '../policy/policy-service';
import type { PolicyVersion } from '../policy/policy-version';
import { FLOWS } from '../workflows/types';
import { PAGE_HEADERS, type ConsoleKit } from './console-kit';
import type { ConsoleSession } from './console-sessions';
import { outcomeChart } from './outcome-chart';

/** What the Policies pages work with: the JSON API's policy service and the decision records back-tests read. */
export interface ConsolePolicies {
  service: Pick<PolicyService, 'list' | 'get' | 'current' | 'createDraft' | 'publish' | 'retire'>;
  records: BacktestRecordSource;
}

const ROLES = ['policy-admin'] as const;
/** A policy document as JSON text, pretty-printed, is a few kilobytes; 50 overrides stay well under this. */
const DRAFT_BODY_LIMIT = 128 * 1024;
const DAY_MS = 24 * 3600 * 1000;
/** The back-test page's default period: the last 30 days. */
const DEFAULT_DAYS = 30;
/** Changed journeys a back-test page lists. */
const CHANGED_PER_PAGE = 25;
/** Outcomes in the order the chart and the matrix show them. */
const OUTCOMES = ['approved', 'review', 'rejected', 'expired', 'cancelled', 'failed'];

const versionParamsSchema = z.object({
  version: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});
const versionQuerySchema = z.object({
  done: z.enum(['drafted', 'existing', 'published', 'retired', 'awaiting_approval']).optional(),
});
const draftFormSchema = z.object({ document: z.string().max(DRAFT_BODY_LIMIT), note: z.string().trim().max(500) });
const publishFormSchema = z.object({ as: z.enum(['current', 'shadow']) });
const diffQuerySchema = z.object({ a: versionParamsSchema.shape.version, b: versionParamsSchema.shape.version });

// A calendar day: `Date` would read 2026-02-30 as 2 March, so the day must come back as it was written.
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value);
const optional = <T extends z.ZodType>(schema: T) => z.union([z.literal('').transform(() => undefined), schema]);
const backtestQuerySchema = z.object({
  from: day.optional(),
  to: day.optional(),
  flow: optional(z.enum(FLOWS)).optional(),
  region: optional(z.enum(FACEID_REGIONS)).optional(),
  after: z.string().max(40).optional(),
});

const DONE_NOTICES: Record<string, string> = {
  drafted: 'Draft written. Back-test it, compare it, then publish it.',
  existing: 'A draft with this very document exists already: here it is.',
  published: 'Published.',
  retired: 'Retired for good: it can no longer be published.',
  awaiting_approval: 'Recorded: waiting for a second admin to approve it (four-eyes).',
};

/**
 * The Policies pages (`/console/policies`) for policy admins: the versions, a draft written as JSON, the document of a
 * version with its publish and retire buttons, the differences between two versions, and a back-test with its chart.
 * Every step goes through the policy service under the signed-in admin's id, as the JSON API's do under the operator
 * key's, so it is recorded in the audit log and held to the four-eyes rule the same way.
 */
export function registerPolicyRoutes(app: FastifyInstance, kit: ConsoleKit, policies?: ConsolePolicies): void {
  /** The policies, or a 503 page sent: without a database this gateway has none. */
  const available = (reply: FastifyReply, session: ConsoleSession): ConsolePolicies | undefined => {
    if (!policies) {
      kit.refused(reply, 503, 'Not available', 'This gateway has no policy database (DATABASE_URL).', session);
    }
    return policies;
  };
  /** The signed-in policy admin and the policies, or a page already sent. */
  const open = async (
    request: FastifyRequest,
    reply: FastifyReply,
    kind: 'page' | 'form',
  ): Promise<{ session: ConsoleSession; policies: ConsolePolicies } | undefined> => {
    const current =
      kind === 'page' ? await kit.page(request, reply, ROLES) : await kit.form(request, reply, 'policy-admin');
    const found = current && available(reply, current.session);
    return current && found ? { session: current.session, policies: found } : undefined;
  };
  /** The version the path names, or a 404 page sent. */
  const versionOf = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: ConsoleSession,
    service: ConsolePolicies['service'],
  ): Promise<PolicyVersion | undefined> => {
    const params = versionParamsSchema.safeParse(request.params);
    const found = params.success ? await findVersion(service, params.data.version) : undefined;
    if (!found) kit.refused(reply, 404, 'Not found', 'No such policy version.', session);
    return found;
  };

  const listPage = async (
    reply: FastifyReply,
    session: ConsoleSession,
    service: ConsolePolicies['service'],
    draft?: { text: string; note: string; problems: PolicyProblem[] },
  ): Promise<FastifyReply> => {
    const versions = await service.list();
    const current = versions.find((version) => version.current);
    return kit.render(reply, 'policies', {
      title: 'Policies',
      ...kit.user(session),
      versions,
      current: current?.version,
      draftText: draft?.text ?? JSON.stringify(current?.document ?? {}, null, 2),
      draftNote: draft?.note ?? '',
      problems: draft?.problems ?? [],
    });
  };

  const versionPage = async (
    reply: FastifyReply,
    session: ConsoleSession,
    service: ConsolePolicies['service'],
    version: PolicyVersion,
    messages: { message?: string; notice?: string } = {},
  ): Promise<FastifyReply> => {
    const current = await service.current();
    const mine = (request?: { by: string }): boolean => request?.by === session.userId;
    return kit.render(reply, 'policy', {
      title: `Policy version ${version.version}`,
      ...kit.user(session),
      policy: version,
      currentVersion: current.version,
      documentText: JSON.stringify(version.document, null, 2),
      // A retired version is final; the current one is in force already; a superseded one is drafted again instead.
      canPublish: version.state === 'draft' || (version.state === 'published' && version.shadow && !version.current),
      canShadow: version.state === 'draft',
      canRetire: version.state !== 'retired' && !version.current,
      publishWaitsForMe: mine(version.publishRequest),
      retireWaitsForMe: mine(version.retireRequest),
      ...messages,
    });
  };

  app.get('/policies', { schema: UNDOCUMENTED }, async (request, reply) => {
    const opened = await open(request, reply, 'page');
    return opened ? listPage(reply, opened.session, opened.policies.service) : reply;
  });

  app.post('/policies', { bodyLimit: DRAFT_BODY_LIMIT, schema: UNDOCUMENTED }, async (request, reply) => {
    const opened = await open(request, reply, 'form');
    if (!opened) return reply;
    const { session, policies: found } = opened;
    const form = draftFormSchema.safeParse(request.body ?? {});
    if (!form.success) return listPage(reply.code(400), session, found.service);
    const { document: text, note } = form.data;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const problems = [{ path: '(document)', message: `is not JSON: ${(error as Error).message}` }];
      return listPage(reply.code(400), session, found.service, { text, note, problems });
    }
    const parsed = parsePolicyDocument(json);
    if (!parsed.ok) {
      return listPage(reply.code(400), session, found.service, { text, note, problems: parsed.problems });
    }
    const drafted = await found.service.createDraft(parsed.document, session.userId, note || undefined);
    const done = drafted.created ? 'drafted' : 'existing';
    return reply.headers(PAGE_HEADERS).redirect(`/console/policies/${drafted.version.version}?done=${done}`, 303);
  });

  app.get('/policies/diff', { schema: UNDOCUMENTED }, async (request, reply) => {
    const opened = await open(request, reply, 'page');
    if (!opened) return reply;
    const { session, policies: found } = opened;
    const query = diffQuerySchema.safeParse(request.query);
    if (!query.success) return kit.refused(reply, 400, 'Refused', 'Choose two versions to compare.', session);
    const [a, b] = await Promise.all([query.data.a, query.data.b].map((number) => findVersion(found.service, number)));
    if (!a || !b) return kit.refused(reply, 404, 'Not found', 'No such policy version.', session);
    return kit.render(reply, 'policy-diff', {
      title: `Policy version ${a.version} → ${b.version}`,
      ...kit.user(session),
      a,
      b,
      changes: diffPolicies(a.document, b.document).map((change) => ({ ...change, line: describeChange(change) })),
    });
  });

  app.get('/policies/:version', { schema: UNDOCUMENTED }, async (request, reply) => {
    const opened = await open(request, reply, 'page');
    if (!opened) return reply;
    const { session, policies: found } = opened;
    const version = await versionOf(request, reply, session, found.service);
    if (!version) return reply;
    const done = versionQuerySchema.safeParse(request.query);
    const notice = done.success && done.data.done ? DONE_NOTICES[done.data.done] : undefined;
    return versionPage(reply, session, found.service, version, { notice });
  });

  const step =
    (action: 'publish' | 'retire') =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const opened = await open(request, reply, 'form');
      if (!opened) return reply;
      const { session, policies: found } = opened;
      const version = await versionOf(request, reply, session, found.service);
      if (!version) return reply;
      const form = publishFormSchema.safeParse(request.body ?? {});
      if (action === 'publish' && !form.success) {
        return versionPage(reply.code(400), session, found.service, version, {
          message: 'Choose to publish as current or as shadow.',
        });
      }
      let result;
      try {
        result =
          action === 'publish'
            ? await found.service.publish(
                version.version,
                session.userId,
                { shadow: form.data?.as === 'shadow' },
                auditFailed(request.log),
              )
            : await found.service.retire(version.version, session.userId, auditFailed(request.log));
      } catch (error) {
        const problem = problemFromError(error);
        if (problem.status >= 500) throw error;
        const message = `Not ${action === 'publish' ? 'published' : 'retired'}: ${problem.title}${problem.detail ? ` (${problem.detail})` : ''}.`;
        return versionPage(reply.code(problem.status), session, found.service, version, { message });
      }
      return reply.headers(PAGE_HEADERS).redirect(`/console/policies/${version.version}?done=${result.status}`, 303);
    };
  app.post('/policies/:version/publish', { bodyLimit: FORM_BODY_LIMIT, schema: UNDOCUMENTED }, step('publish'));
  app.post('/policies/:version/retire', { bodyLimit: FORM_BODY_LIMIT, schema: UNDOCUMENTED }, step('retire'));

  app.get('/policies/:version/backtest', { schema: UNDOCUMENTED }, async (request, reply) => {
    const opened = await open(request, reply, 'page');
    if (!opened) return reply;
    const { session, policies: found } = opened;
    const version = await versionOf(request, reply, session, found.service);
    if (!version) return reply;
    const query = backtestQuerySchema.safeParse(request.query);
    const today = new Date().toISOString().slice(0, 10);
    const form = {
      from: new Date(Date.now() - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10),
      to: today,
      flow: '',
      region: '',
      ...(query.success ? withoutEmpty(query.data) : {}),
    };
    const page = {
      title: `Back-test of policy version ${version.version}`,
      ...kit.user(session),
      policy: version,
      form,
      flows: FLOWS,
      regions: FACEID_REGIONS,
    };
    if (!query.success) {
      return kit.render(reply.code(400), 'policy-backtest', { ...page, message: 'Choose days of the calendar.' });
    }
    if (!query.data.from || !query.data.to) return kit.render(reply, 'policy-backtest', page);
    const period = {
      from: `${query.data.from}T00:00:00.000Z`,
      to: new Date(Date.parse(`${query.data.to}T00:00:00Z`) + DAY_MS).toISOString(),
      ...(query.data.flow ? { flow: query.data.flow } : {}),
      ...(query.data.region ? { region: query.data.region } : {}),
    };
    let report: BacktestReport;
    try {
      report = await backtest(found.records, version, period, {
        limit: CHANGED_PER_PAGE,
        ...(query.data.after ? { after: query.data.after } : {}),
      });
    } catch (error) {
      if (!(error instanceof BacktestRequestError)) throw error;
      return kit.render(reply.code(400), 'policy-backtest', { ...page, message: `Not back-tested: ${error.message}.` });
    }
    return kit.render(reply, 'policy-backtest', { ...page, ...reportView(report, version.version, form) });
  });
}

/** What the back-test page shows of a report: the chart, the matrix, the reasons and the changed journeys. */
function reportView(
  report: BacktestReport,
  version: number,
  form: Record<string, string | undefined>,
): Record<string, unknown> {
  const seen = new Set([...Object.keys(report.outcomes.own), ...Object.keys(report.outcomes.candidate)]);
  const outcomes = [
    ...OUTCOMES.filter((outcome) => seen.has(outcome)),
    ...[...seen].filter((o) => !OUTCOMES.includes(o)).sort(),
  ];
  const count = (from: string, to: string): number =>
    report.transitions.find((entry) => entry.from === from && entry.to === to)?.count ?? 0;
  const next = report.changed.next
    ? new URLSearchParams({ ...withoutEmpty(form), after: report.changed.next }).toString()
    : undefined;
  return {
    report,
    outcomes,
    matrix: outcomes.map((from) => ({ from, counts: outcomes.map((to) => ({ to, count: count(from, to) })) })),
    changedCount: report.transitions.filter((entry) => entry.from !== entry.to).reduce((sum, e) => sum + e.count, 0),
    reasonsAdded: Object.entries(report.reasons.added).sort(),
    reasonsRemoved: Object.entries(report.reasons.removed).sort(),
    chart: outcomeChart({
      id: 'backtest-chart',
      title: `Outcomes of ${report.total} journeys under their own versions and under version ${version}`,
      before: 'own versions',
      after: `version ${version}`,
      outcomes: outcomes.map((outcome) => ({
        outcome,
        before: report.outcomes.own[outcome] ?? 0,
        after: report.outcomes.candidate[outcome] ?? 0,
      })),
    }),
    nextQuery: next,
  };
}

/** A version by its number, or undefined when none has it. */
async function findVersion(service: ConsolePolicies['service'], version: number): Promise<PolicyVersion | undefined> {
  try {
    return await service.get(version);
  } catch (error) {
    if (problemFromError(error).status === 404) return undefined;
    throw error;
  }
}

function withoutEmpty(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
