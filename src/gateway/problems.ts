import {
  isGrpcServiceError,
  NamespaceNotFoundError,
  ServiceError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import {
  JourneyClosedError,
  JourneyNotFoundError,
  JourneyNotReadyError,
  JourneyRunningError,
  WebReturnMismatchError,
} from '../client/errors';
import { MediaDeletedError } from '../archive/retention-records';
import { LegalHoldInputError } from '../retention/legal-hold-input';
import { JourneyInputError, type FieldIssue } from '../client/journey-input';
import { GRPC_STATUS } from '../client/temporal-refusals';
import { JourneyErasedError, type ErasureRecord } from '../archive/erasure-record';
import { ErasureRequestError, JourneyHeldError } from '../erasure/journey-erasure';
import { PolicyConflictError, PolicyNotFoundError } from '../policy/policy-service';
import { ArchiveStoreError, isStoreFailure } from '../store/object-store';
import { UnknownCodecKeyError } from '../codec/aes-gcm-codec';
import { DatabaseUnavailableError } from '../db/database';
import { JOURNEY_UPDATE_ERRORS } from '../contracts/update-errors';
import { BacktestRequestError } from '../policy/backtest';

/** Every problem code the gateway answers with: stable strings a caller may switch on, with their HTTP status. */
export const PROBLEMS = {
  validation_failed: { status: 400, title: 'The request does not validate' },
  malformed_body: { status: 400, title: 'The body is not well-formed JSON' },
  invalid_idempotency_key: { status: 400, title: 'The Idempotency-Key header is malformed' },
  invalid_web_return: { status: 400, title: 'The web return does not match a journey token' },
  bad_request: { status: 400, title: 'The request is malformed' },
  invalid_policy: { status: 400, title: 'The policy document does not validate' },
  period_too_long: { status: 400, title: 'A back-test covers at most 366 days' },
  unauthenticated: { status: 401, title: 'Missing or invalid credentials' },
  forbidden: { status: 403, title: 'These credentials may not act on this resource' },
  actor_mismatch: { status: 403, title: 'The body names another actor than these credentials act as' },
  journey_not_found: { status: 404, title: 'No such journey' },
  route_not_found: { status: 404, title: 'No such route' },
  policy_not_found: { status: 404, title: 'No such policy version' },
  journey_closed: { status: 409, title: 'The journey has already ended' },
  idempotency_key_in_flight: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  journey_running: { status: 409, title: 'The journey has no result yet' },
  journey_aborted: { status: 409, title: 'The journey ended without a result' },
  journey_not_awaiting_user: { status: 409, title: 'The journey no longer waits for the user' },
  no_renewals_left: { status: 409, title: 'The journey has no token renewals left' },
  journey_not_in_review: { status: 409, title: 'The journey is not waiting for a review' },
  review_claimed: { status: 409, title: 'Another reviewer holds this case' },
  second_reviewer_needed: { status: 409, title: 'The rejection needs a second, different reviewer' },
  media_deleted: { status: 409, title: "The journey's media is already deleted" },
  journey_held: { status: 409, title: 'The journey is under a legal hold' },
  policy_already_current: { status: 409, title: 'The policy version is already current' },
  policy_already_shadow: { status: 409, title: 'The policy version is already the shadow version' },
  policy_already_published: { status: 409, title: 'The policy version was published and superseded' },
  policy_retired: { status: 409, title: 'The policy version is retired' },
  current_cannot_retire: { status: 409, title: 'The current policy version cannot be retired; publish another first' },
  same_identity: { status: 409, title: 'The request needs a second, different identity' },
  policy_request_differs: { status: 409, title: 'The waiting request asks for another publication' },
  journey_erased: { status: 410, title: "The journey's data was erased; its outcome and reason codes are kept" },
  too_many_attempts: { status: 429, title: 'Too many failed sign-in attempts; try again later' },
  request_timeout: { status: 408, title: 'The request took too long to arrive' },
  body_too_large: { status: 413, title: 'The body is larger than this route accepts' },
  unsupported_media_type: { status: 415, title: 'The body must be application/json' },
  idempotency_key_reused: { status: 422, title: 'The Idempotency-Key was used with a different body' },
  invalid_review: { status: 422, title: 'The journey refused the review' },
  invalid_legal_hold: { status: 422, title: 'The legal hold request was refused' },
  undecodable_payload: { status: 422, title: 'A payload does not decrypt with the configured codec keys' },
  token_issue_failed: { status: 502, title: 'FaceID issued no token for this journey' },
  temporal_unavailable: { status: 503, title: 'Temporal is not reachable' },
  journey_not_ready: { status: 503, title: 'The journey cannot take requests until its workflow task succeeds' },
  archive_unavailable: { status: 503, title: 'The archive cannot be written right now' },
  codec_key_missing: { status: 503, title: "A payload's key is not in this gateway's key ring" },
  policies_unavailable: { status: 503, title: 'The policy database is not configured (DATABASE_URL) or not reachable' },
  evidence_not_configured: { status: 501, title: 'This gateway has no evidence signing key (EVIDENCE_SIGNING_KEY)' },
  internal: { status: 500, title: 'Internal error' },
} as const;

/** A stable problem code. */
export type ProblemCode = keyof typeof PROBLEMS;

/** An RFC 9457 problem document as the gateway sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  errors?: FieldIssue[];
}

/** Thrown by handlers to answer with a specific problem. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly errors?: FieldIssue[],
  ) {
    super(detail ?? PROBLEMS[code].title);
  }
}

/** The problem document for a code. */
export function problem(code: ProblemCode, detail?: string, errors?: FieldIssue[]): Problem {
  const { status, title } = PROBLEMS[code];
  return {
    type: `urn:ekyc-journeys:problem:${code}`,
    title,
    status,
    code,
    ...(detail ? { detail } : {}),
    ...(errors ? { errors } : {}),
  };
}

/**
 * Logs an error that maps to `internal` (a bug): its name and message only, as handlers never put personal data into
 * messages, and never the request's body.
 */
export function logIfInternal(log: FastifyBaseLogger, error: unknown, body: Problem): void {
  if (body.code !== 'internal') return;
  log.error({ error: (error as Error).name, message: (error as Error).message }, 'unhandled error');
}

/** Sends a problem as `application/problem+json`. */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}

const UPDATE_PROBLEMS: Record<string, ProblemCode> = {
  [JOURNEY_UPDATE_ERRORS.notAwaitingUser]: 'journey_not_awaiting_user',
  [JOURNEY_UPDATE_ERRORS.noRenewalsLeft]: 'no_renewals_left',
  [JOURNEY_UPDATE_ERRORS.notInReview]: 'journey_not_in_review',
  [JOURNEY_UPDATE_ERRORS.invalidReview]: 'invalid_review',
  [JOURNEY_UPDATE_ERRORS.tokenUnavailable]: 'token_issue_failed',
  [JOURNEY_UPDATE_ERRORS.reviewClaimed]: 'review_claimed',
  [JOURNEY_UPDATE_ERRORS.secondReviewerNeeded]: 'second_reviewer_needed',
};

/** Fastify's own request errors (body parsing and limits), by error code. */
const FRAMEWORK_PROBLEMS: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_BAD_URL: 'bad_request',
};

/**
 * UNAVAILABLE and DEADLINE_EXCEEDED: the server could not be reached in time. RESOURCE_EXHAUSTED and ABORTED: it was
 * busy (a rate limit, the workflow closing or moving to a new run). A retry succeeds.
 */
const RETRY_LATER_STATUSES: ReadonlySet<number> = new Set([
  GRPC_STATUS.unavailable,
  GRPC_STATUS.deadlineExceeded,
  GRPC_STATUS.resourceExhausted,
  GRPC_STATUS.aborted,
]);

function isTemporalUnavailable(error: unknown): boolean {
  if (error instanceof ServiceError || error instanceof NamespaceNotFoundError) return true;
  // The update call itself timed out or was cancelled (a deadline, the connection closing).
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  // Bare gRPC errors come from update-with-start, which rethrows its failed operation's own status.
  if (!isGrpcServiceError(error)) return false;
  if (RETRY_LATER_STATUSES.has(Number(error.code))) return true;
  // NOT_FOUND for the namespace itself: a frontend that has just started answers so until its namespace cache has
  // loaded (seen when the server restarts under load). A retry succeeds; a namespace that is really missing keeps
  // answering 503, and the health check says why.
  // (An update-with-start carries it as one operation's status: its text in the message, binary details.)
  return (
    Number(error.code) === GRPC_STATUS.notFound &&
    /Namespace \S+ is not found/.test(`${error.message} ${error.details}`)
  );
}

/**
 * Maps anything a handler throws to a problem: client-side errors to stable 4xx codes, Temporal outages to 503,
 * and only what is left (a bug) to 500. Messages of unexpected errors are never sent to the caller.
 */
export function problemFromError(error: unknown): Problem {
  if (error instanceof ProblemError) return problem(error.code, error.detail, error.errors);
  if (error instanceof JourneyInputError) return problem('validation_failed', undefined, error.issues);
  if (error instanceof JourneyNotFoundError) return problem('journey_not_found');
  if (error instanceof JourneyClosedError) return problem('journey_closed');
  if (error instanceof JourneyRunningError) return problem('journey_running');
  if (error instanceof JourneyNotReadyError) return problem('journey_not_ready');
  if (error instanceof WebReturnMismatchError) return problem('invalid_web_return');
  if (error instanceof MediaDeletedError) return problem('media_deleted');
  if (error instanceof LegalHoldInputError) return problem('invalid_legal_hold');
  if (error instanceof JourneyHeldError) return problem('journey_held', error.message);
  if (error instanceof JourneyErasedError) return problem('journey_erased', erasedDetail(error.record));
  if (error instanceof ErasureRequestError) return problem('validation_failed', error.message);
  if (error instanceof PolicyNotFoundError) return problem('policy_not_found', error.message);
  // The service's conflict codes are problem codes of their own (every one is in PROBLEMS).
  if (error instanceof PolicyConflictError) return problem(error.code, error.message);
  if (error instanceof BacktestRequestError) {
    return problem(error.code === 'period_too_long' ? 'period_too_long' : 'validation_failed', error.message);
  }
  if (error instanceof WorkflowUpdateFailedError) {
    const type = (error.cause as { type?: string | null } | undefined)?.type ?? '';
    const code = UPDATE_PROBLEMS[type];
    // Update validators write their messages for callers: stage names and limits, never personal data.
    if (code) return problem(code, error.cause?.message);
  }
  if (error instanceof WorkflowFailedError) return problem('journey_aborted');
  if (isTemporalUnavailable(error)) return problem('temporal_unavailable');
  // Both pass once an operator acts (space freed, the key rolled out), and the request lost nothing: retry later.
  if (error instanceof ArchiveStoreError || isStoreFailure(error)) return problem('archive_unavailable');
  if (error instanceof UnknownCodecKeyError) return problem('codec_key_missing');
  if (error instanceof DatabaseUnavailableError) {
    return problem('policies_unavailable', 'the policy database is not reachable; retry later');
  }
  const fastify = error as { code?: unknown; statusCode?: unknown; name?: unknown };
  if (typeof fastify.code === 'string' && FRAMEWORK_PROBLEMS[fastify.code]) {
    return problem(FRAMEWORK_PROBLEMS[fastify.code] as ProblemCode);
  }
  if (fastify.name === 'SyntaxError' || (typeof fastify.code === 'string' && fastify.code.startsWith('FST_ERR_CTP'))) {
    return problem('malformed_body');
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return problem('bad_request');
  }
  return problem('internal');
}

/** What an erased journey still says: when, and the outcome with its reason codes (ids and codes only). */
function erasedDetail(record: ErasureRecord): string {
  const when = record.state === 'erased' ? `erased on ${record.erasedAt ?? ''}` : 'being erased';
  const outcome = record.outcome ? `; outcome ${record.outcome} (${(record.reasons ?? []).join(', ')})` : '';
  return `${when}${outcome}`;
}
