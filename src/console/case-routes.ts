import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { journeyPrefix } from '../archive/keys';
import type { ObjectStore } from '../store/object-store';
import { problemFromError } from '../gateway/problems';
import { auditFailed, type AuditLog } from '../review/audit-log';
import type { ReviewService } from '../review/review-service';
import type { ArchiveRef, JourneyCase, MediaKind } from '../workflows/types';
import { CASE_ROLES, caseParamsSchema, PAGE_HEADERS, type ConsoleKit } from './console-kit';
import { FORM_BODY_LIMIT, UNDOCUMENTED } from '../gateway/browser-pages';
import type { ConsoleSession } from './console-sessions';
import { readOcrFields, type OcrFields } from './ocr-fields';
import { timeLeft } from './time-left';

interface CaseRouteOptions {
  review: Pick<ReviewService, 'caseOf' | 'decide'>;
  store: ObjectStore;
  audit: AuditLog;
}

/** The media a case shows as pictures, in the order a reviewer compares them; videos and raw data stay in the archive. */
const IMAGE_KINDS: readonly MediaKind[] = ['best-frame', 'profile-image', 'card-image', 'card-back-image'];
const IMAGE_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png' };
/** Reason codes offered (any code of the same shape may be typed). */
const SUGGESTED_REASON_CODES = [
  'glare_only',
  'document_legible',
  'document_expired',
  'document_tampered',
  'face_mismatch',
  'photo_of_photo',
  'other',
];

const mediaParamsSchema = caseParamsSchema.extend({
  file: z.string().regex(/^[a-z-]{3,20}-[0-9a-f]{32}\.[a-z]{3,4}$/),
});
const caseQuerySchema = z.object({ done: z.enum(['claimed', 'released', 'decided', 'first_rejection']).optional() });
const decisionFormSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  reasonCode: z.union([z.literal(''), z.string().regex(/^[a-z][a-z0-9_]{0,63}$/)]).optional(),
  note: z.string().trim().min(1).max(500),
});

/**
 * The case view (`/console/cases/:id`): the evidence a reviewer decides on, and the decision itself. Images stream from
 * the archive through the gateway under the reviewer's session, only when the journey lists them; every view is
 * written to the audit log before anything is shown, so no evidence is seen unrecorded.
 */
export function registerCaseRoutes(app: FastifyInstance, kit: ConsoleKit, options: CaseRouteOptions): void {
  const recordView = async (
    session: ConsoleSession,
    action: 'case_viewed' | 'media_viewed',
    journeyId: string,
    detail?: Record<string, string>,
  ): Promise<void> => {
    await options.audit.append({
      role: session.roles.includes('reviewer') ? 'reviewer' : 'auditor',
      actor: session.userId,
      action,
      journeyId,
      ...(detail ? { detail } : {}),
    });
  };

  /** The journey's case, or a refusal page already sent (unknown journey); an outage goes to the console's error page. */
  const caseOf = async (
    journeyId: string,
    reply: FastifyReply,
    session: ConsoleSession,
  ): Promise<JourneyCase | undefined> => {
    try {
      return await options.review.caseOf(journeyId);
    } catch (error) {
      const problem = problemFromError(error);
      if (problem.status >= 500) throw error;
      kit.refused(reply, problem.status, 'Not found', `Case ${journeyId}: ${problem.title}.`, session);
      return undefined;
    }
  };

  const casePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: ConsoleSession,
    journeyId: string,
    messages: { message?: string; notice?: string } = {},
  ): Promise<FastifyReply> => {
    const found = await caseOf(journeyId, reply, session);
    if (!found) return reply;
    const media = found.evidence?.media ?? [];
    const images = IMAGE_KINDS.flatMap((kind) => media.filter((ref) => ref.kind === kind)).map((ref) => ({
      kind: ref.kind,
      src: `/console/cases/${encodeURIComponent(journeyId)}/media/${fileOf(journeyId, ref)}`,
    }));
    const ocrRef = media.find((ref) => ref.kind === 'ocr-json');
    // Recorded before the page is built: the OCR fields are personal data too.
    try {
      await recordView(session, 'case_viewed', journeyId, ocrRef ? { shown: 'checks,ocr' } : { shown: 'checks' });
    } catch (error) {
      auditFailed(request.log)(error);
      return kit.refused(
        reply,
        503,
        'Unavailable',
        'The audit log cannot be written, so no evidence is shown.',
        session,
      );
    }
    const ocr: OcrFields | undefined = ocrRef ? await readOcrFields(options.store, ocrRef.key) : undefined;
    const { status } = found;
    const inReview = status.stage === 'in_review' && !status.review?.decision;
    const isReviewer = session.roles.includes('reviewer');
    return kit.render(reply, 'case', {
      title: `Case ${journeyId}`,
      ...kit.user(session),
      journeyId,
      status,
      evidence: found.evidence,
      firstRejectionNote: found.firstRejectionNote,
      timeLeft: timeLeft(status.review?.deadline, Date.now()),
      images,
      ocr,
      timeline: found.timeline,
      timelineOmitted: found.timelineOmitted,
      canAct: inReview && isReviewer,
      mine: status.review?.claimedBy === session.userId,
      reasonCodes: SUGGESTED_REASON_CODES,
      ...messages,
    });
  };

  app.get('/cases/:id', { schema: UNDOCUMENTED }, async (request, reply) => {
    const current = await kit.page(request, reply, CASE_ROLES);
    if (!current) return reply;
    const params = caseParamsSchema.safeParse(request.params);
    if (!params.success) return kit.refused(reply, 404, 'Not found', 'No such case.', current.session);
    const query = caseQuerySchema.safeParse(request.query);
    const done = query.success ? query.data.done : undefined;
    return casePage(request, reply, current.session, params.data.id, done ? { notice: DONE_NOTICES[done] } : {});
  });

  app.get('/cases/:id/media/:file', { schema: UNDOCUMENTED }, async (request, reply) => {
    const current = await kit.page(request, reply, CASE_ROLES);
    if (!current) return reply;
    const params = mediaParamsSchema.safeParse(request.params);
    if (!params.success) return kit.refused(reply, 404, 'Not found', 'No such image.', current.session);
    const { id: journeyId, file } = params.data;
    const found = await caseOf(journeyId, reply, current.session);
    if (!found) return reply;
    // Only what the journey itself lists: no other key of the archive can be reached through this route.
    const ref = found.evidence?.media.find((entry) => entry.key === `${journeyPrefix(journeyId)}${file}`);
    const type = IMAGE_TYPES[file.split('.').at(-1) ?? ''];
    if (!ref || !IMAGE_KINDS.includes(ref.kind) || !type) {
      return kit.refused(reply, 404, 'Not found', 'No such image.', current.session);
    }
    try {
      await recordView(current.session, 'media_viewed', journeyId, { kind: ref.kind });
    } catch (error) {
      auditFailed(request.log)(error);
      return reply.code(503).headers(PAGE_HEADERS).type('text/plain').send('audit log unavailable');
    }
    let body;
    try {
      body = await options.store.get(ref.key);
    } catch (error) {
      if ((error as Error).name !== 'ArchiveObjectMissingError') throw error;
      return kit.refused(reply, 410, 'Gone', 'The image was deleted (retention or erasure).', current.session);
    }
    return reply.headers(PAGE_HEADERS).header('content-disposition', 'inline').type(type).send(body);
  });

  app.post('/cases/:id/decide', { bodyLimit: FORM_BODY_LIMIT, schema: UNDOCUMENTED }, async (request, reply) => {
    const current = await kit.form(request, reply, 'reviewer');
    if (!current) return reply;
    const params = caseParamsSchema.safeParse(request.params);
    if (!params.success) return kit.refused(reply, 404, 'Not found', 'No such case.', current.session);
    const journeyId = params.data.id;
    const form = decisionFormSchema.safeParse(request.body ?? {});
    if (!form.success) {
      return casePage(request, reply.code(400), current.session, journeyId, {
        message:
          'Choose approve or reject, write a note (at most 500 characters), and use a reason code like glare_only.',
      });
    }
    const { decision, note } = form.data;
    const reasonCode = form.data.reasonCode || undefined;
    const review = { decision, reviewer: current.session.userId, reason: note, ...(reasonCode ? { reasonCode } : {}) };
    let status;
    try {
      status = await options.review.decide(journeyId, review, auditFailed(request.log));
    } catch (error) {
      const problem = problemFromError(error);
      if (problem.status >= 500) throw error;
      // The journey's own words: who holds the case and until when, the stage it is in, the four-eyes rule.
      const message = `Not decided: ${problem.title}${problem.detail ? ` (${problem.detail})` : ''}.`;
      return casePage(request, reply.code(problem.status), current.session, journeyId, { message });
    }
    // Under the four-eyes rule a first rejection is not the decision yet.
    const done = status.review?.decision === undefined ? 'first_rejection' : 'decided';
    return reply.headers(PAGE_HEADERS).redirect(`/console/cases/${encodeURIComponent(journeyId)}?done=${done}`, 303);
  });
}

const DONE_NOTICES: Record<z.infer<typeof caseQuerySchema>['done'] & string, string> = {
  claimed: 'You hold this case: others see it as taken until you release it or the claim lapses.',
  released: 'You released this case: it is back in the queue.',
  decided: 'Your decision is recorded: the journey ends with it and the backend is told.',
  first_rejection:
    'Your rejection is recorded: under the four-eyes rule a second reviewer must confirm or overturn it.',
};

/** The file name of an archived object within its journey's folder (the media route takes nothing else). */
function fileOf(journeyId: string, ref: ArchiveRef): string {
  return ref.key.slice(journeyPrefix(journeyId).length);
}
