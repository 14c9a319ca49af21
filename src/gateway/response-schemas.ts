import { z } from 'zod';
import { CARD_NATIONALITIES } from '../faceid/actions';
import { FLOWS, OUTCOMES, STAGES, type Flow } from '../workflows/types';
import { PROBLEMS, type ProblemCode } from './problems';

// What the gateway answers. The routes declare these as their response schemas, so the OpenAPI document shows them
// and the type provider checks every handler's answer against them at compile time. Answers are sent as they are
// (not re-validated), as they were before the schemas existed.

const flow = z.enum(FLOWS as [Flow, ...Flow[]]);
const stage = z.enum(STAGES);
const outcome = z.enum(OUTCOMES);
const timestamp = z.iso.datetime();
const reasons = z.array(z.string()).meta({ description: 'reason codes, e.g. all_checks_passed' });
const reviewDecision = z.enum(['approved', 'rejected']);
const check = z.object({ passed: z.boolean(), code: z.string() });

/** A FaceID token for the client app. */
export const issuedTokenSchema = z
  .object({
    token: z.string().meta({ description: 'FaceID SdkToken or BizToken for the client app' }),
    verificationUrl: z.string().optional().meta({ description: 'web flows: the page to open' }),
    expiresAt: timestamp.meta({ description: 'the user must start before this' }),
  })
  .meta({ id: 'IssuedToken' });

/** The answer to a start. */
export const startedJourneySchema = issuedTokenSchema
  .extend({
    journeyId: z.string().meta({ examples: ['ekyc:order-1001'] }),
    clientSecret: z.string().meta({ description: "the client app's bearer for this journey only" }),
  })
  .meta({ id: 'StartedJourney' });

/** The `status` query's answer with the journey id. */
export const journeyStatusSchema = z
  .object({
    journeyId: z.string(),
    reference: z.string(),
    flow,
    region: z.string(),
    stage,
    tokenExpiresAt: timestamp.optional(),
    renewalsLeft: z.number().int(),
    fetchAttempts: z.number().int(),
    outcome: outcome.optional(),
    reasons,
    review: z
      .object({
        reviewer: z.string().optional(),
        decision: reviewDecision.optional(),
        deadline: timestamp.optional(),
        claimedBy: z.string().optional().meta({ description: 'operator id of the reviewer who holds the case' }),
        claimedUntil: timestamp.optional(),
        firstRejection: z
          .object({ reviewer: z.string(), reasonCode: z.string().optional() })
          .optional()
          .meta({ description: 'four-eyes: a first rejection waiting for a second reviewer' }),
      })
      .optional(),
  })
  .meta({ id: 'JourneyStatus' });

const nullableCode = z.string().nullable().optional();

/** FaceID's codes as the result action gave them; what the decision judged. */
const resultCodes = z
  .object({
    action: z.string(),
    overall: z.string().nullable().meta({ description: 'Result (SDK flows) or ErrorCode (web flows)' }),
    attempt: nullableCode.meta({ description: "the last attempt's own ErrorCode" }),
    liveness: nullableCode.meta({ description: "the last attempt's liveness code" }),
    compare: nullableCode.meta({ description: "the last attempt's compare code" }),
  })
  .meta({ id: 'ResultCodes', description: 'docs/decisions.md lists every code and what it leads to' });

/** The journey's result with its id: checks, reason codes and archive references, never media or OCR fields. */
export const journeyResultSchema = z
  .object({
    journeyId: z.string(),
    reference: z.string(),
    flow,
    region: z.string(),
    outcome,
    reasons,
    liveness: check.optional(),
    compare: check.extend({ similarity: z.number().nullable() }).optional(),
    document: z
      .object({
        source: z.enum(['ekyc-sdk', 'web-ocr', 'card-verification']),
        status: z
          .enum(['PASSED', 'WARNING', 'REJECTED', 'UNKNOWN'])
          .meta({ description: 'UNKNOWN: FaceID gave no verdict (IsPass null), which never passes' }),
        warnings: z.array(z.string()),
        edited: z.boolean().optional().meta({ description: 'the user edited OCR fields (IsEdit)' }),
        cardType: z.string().optional(),
        nationality: z
          .string()
          .optional()
          .meta({ description: CARD_NATIONALITIES.join(', ') }),
      })
      .optional(),
    deviceRiskLevel: z.string().optional(),
    codes: resultCodes.optional(),
    media: z
      .array(z.object({ key: z.string(), kind: z.string(), md5: z.string(), size: z.number().int() }))
      .meta({ description: 'archive references (claim checks), never bytes' }),
    review: z
      .object({
        reviewer: z.string(),
        decision: reviewDecision,
        reason: z.string(),
        reasonCode: z.string().optional(),
        firstRejection: z
          .object({ reviewer: z.string(), reason: z.string(), reasonCode: z.string().optional() })
          .optional(),
      })
      .optional(),
    requestIds: z.array(z.string()),
    completedAt: timestamp,
  })
  .meta({ id: 'JourneyResult' });

/** `GET /v1/journeys`. */
export const journeyListSchema = z
  .object({
    journeys: z.array(
      z.object({ journeyId: z.string(), flow, stage, outcome: outcome.optional(), startedAt: timestamp }),
    ),
  })
  .meta({ id: 'JourneyList' });

/** A journey's retention and legal hold. */
export const retentionStatusSchema = z
  .object({
    journeyId: z.string(),
    deleteAfter: timestamp.optional().meta({ description: 'absent when the journey stored nothing to delete' }),
    legalHold: z.boolean(),
    hold: z.object({ operator: z.string(), reason: z.string(), since: timestamp }).optional(),
    deletedAt: timestamp.optional(),
    deleted: z.number().int().optional().meta({ description: 'objects the retention sweep deleted' }),
    deleting: z.boolean().optional().meta({ description: 'the sweep has begun deleting' }),
  })
  .meta({ id: 'RetentionStatus' });

/** What erasure keeps of a journey (`erasures/<journey id>.json` in the archive). */
export const erasureRecordSchema = z
  .object({
    journeyId: z.string(),
    requestedBy: z.string(),
    reason: z.string(),
    requestedAt: timestamp,
    state: z.enum(['erasing', 'erased']),
    outcome: z.string().optional().meta({ description: "the journey's outcome when erasure began" }),
    reasons: z.array(z.string()).optional(),
    stopped: z.enum(['cancelled', 'terminated']).optional().meta({ description: 'how a running journey was stopped' }),
    childrenTerminated: z.number().int().optional(),
    deleted: z
      .object({ count: z.number().int(), keys: z.array(z.string()) })
      .optional()
      .meta({ description: 'the archive objects erasure deleted (keys only, never content)' }),
    erasedAt: timestamp.optional(),
  })
  .meta({ id: 'ErasureRecord' });

/** A signal was sent: accepted, not yet acted on. */
export const acceptedSchema = z.object({ journeyId: z.string(), accepted: z.literal(true) }).meta({ id: 'Accepted' });

/** `GET /healthz` while Temporal answers. */
export const healthSchema = z.object({ status: z.literal('ok'), temporal: z.literal('reachable') });

/** An RFC 9457 problem document as {@link problem} builds it. */
const problemSchema = z
  .object({
    type: z.string().meta({ examples: ['urn:ekyc-journeys:problem:journey_not_found'] }),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.keys(PROBLEMS) as [ProblemCode, ...ProblemCode[]]),
    detail: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'validation_failed, invalid_policy: each field and its problem, never its value' }),
  })
  .meta({ id: 'Problem' });

/** Problems any route that reaches Temporal or the archive may answer: one of them is away (retry later). */
export const UNAVAILABLE: ProblemCode[] = ['temporal_unavailable', 'archive_unavailable', 'codec_key_missing'];

/** Response schemas of the problems a route answers, grouped by status, each listing its codes. */
export function problemResponses(...codes: ProblemCode[]) {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const status = PROBLEMS[code].status;
    const listed = byStatus.get(status) ?? [];
    if (!listed.includes(code)) byStatus.set(status, [...listed, code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, listed]) => [
      status,
      { description: listed.join(', '), content: { 'application/problem+json': { schema: problemSchema } } },
    ]),
  );
}

/** Any other answer: a problem, such as `internal` (500) for a bug. */
export const otherProblems = {
  description: 'any other problem, e.g. internal (500)',
  content: { 'application/problem+json': { schema: problemSchema } },
};

/** A JSON response of `schema` with a description, for the routes' `response` maps. */
export function jsonResponse<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { 'application/json': { schema } } };
}

/** `GET /v1/review-queue`: a page of cases, soonest deadline first. */
export const reviewQueueSchema = z
  .object({
    cases: z.array(
      z.object({
        journeyId: z.string(),
        flow,
        region: z.string(),
        reason: z.string().optional(),
        deadline: timestamp.optional(),
        claimedBy: z.string().optional(),
        step: z.enum(['first', 'second']),
        startedAt: timestamp,
      }),
    ),
    next: z.string().optional().meta({ description: 'the `after` of the next page; absent on the last' }),
    waiting: z.number().int().meta({ description: 'every case the filters match' }),
  })
  .meta({ id: 'ReviewQueue' });
