import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../review/audit-log';
import { PAGE_HEADERS, type ConsoleKit } from './console-kit';
import { FORM_BODY_LIMIT, UNDOCUMENTED } from '../gateway/browser-pages';

const DAY_MS = 24 * 3600 * 1000;
/** As the JSON export: a period an auditor asks for at once. */
const MAX_DAYS = 31;

// A calendar day: `Date` would read 2026-02-30 as 2 March, so the day must come back as it was written.
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date')
  .refine((value) => {
    const parsed = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
  }, 'must be a day of the calendar');
const exportFormSchema = z
  .object({ from: day, to: day })
  .transform(({ from, to }) => ({
    from: new Date(`${from}T00:00:00Z`),
    to: new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS),
  }))
  .refine(({ from, to }) => !Number.isNaN(from.getTime()) && !Number.isNaN(to.getTime()) && from < to, 'from after to')
  .refine(({ from, to }) => to.getTime() - from.getTime() <= MAX_DAYS * DAY_MS, `at most ${MAX_DAYS} days`);

/**
 * The auditor's export (`/console/audit`): the audit log of a period as JSON Lines, from an auditor's account only. The
 * export itself is recorded, under the auditor's id.
 */
export function registerAuditExport(app: FastifyInstance, kit: ConsoleKit, audit: AuditLog): void {
  const exportPage = (session: Parameters<ConsoleKit['user']>[0], message?: string) => {
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 6 * DAY_MS).toISOString().slice(0, 10);
    return { title: 'Audit log', ...kit.user(session), from: weekAgo, to: today, maxDays: MAX_DAYS, message };
  };

  app.get('/audit', { schema: UNDOCUMENTED }, async (request, reply) => {
    const current = await kit.page(request, reply);
    if (!current) return reply;
    if (!current.session.roles.includes('auditor')) {
      return kit.refused(reply, 403, 'Refused', 'Only auditors may export the audit log.', current.session);
    }
    return kit.render(reply, 'audit', exportPage(current.session));
  });

  app.post('/audit/export', { bodyLimit: FORM_BODY_LIMIT, schema: UNDOCUMENTED }, async (request, reply) => {
    const current = await kit.form(request, reply, 'auditor');
    if (!current) return reply;
    const period = exportFormSchema.safeParse(request.body ?? {});
    if (!period.success) {
      const message = `Choose a period of at most ${MAX_DAYS} days, the first day before the last.`;
      return kit.render(reply.code(400), 'audit', exportPage(current.session, message));
    }
    const { from, to } = period.data;
    const lines: string[] = [];
    for await (const line of audit.exportLines(from, to)) lines.push(line);
    // Recorded before the export leaves: an unrecorded export is refused like an unrecorded view.
    await audit.append({
      role: 'auditor',
      actor: current.session.userId,
      action: 'audit_exported',
      detail: { from: from.toISOString(), to: to.toISOString() },
    });
    const name = `audit-${from.toISOString().slice(0, 10)}-to-${new Date(to.getTime() - DAY_MS).toISOString().slice(0, 10)}.jsonl`;
    return reply
      .headers(PAGE_HEADERS)
      .header('content-disposition', `attachment; filename="${name}"`)
      .type('application/x-ndjson')
      .send(lines.join(''));
  });
}
