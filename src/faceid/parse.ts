import type { z } from 'zod';
import type { FaceIdAction } from './actions';
import { FaceIdError } from './errors';
import { FACEID_SCHEMAS, type FaceIdRequest, type FaceIdResponse } from './schemas';

const MAX_ISSUES_IN_MESSAGE = 3;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
// A RequestId from a body that failed validation is only kept when it looks like an id.
const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Lists the failing field paths and zod issue codes, never the values or zod's messages (they can quote input).
 * Path segments that do not look like field names (record keys taken from a body) are masked.
 */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const described = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => {
    const path = issue.path
      .map((segment) => (typeof segment === 'number' || FIELD_NAME.test(String(segment)) ? String(segment) : '?'))
      .join('.');
    // Unknown request keys are field names the caller chose; naming them is what makes a typo findable.
    const keys =
      issue.code === 'unrecognized_keys'
        ? ` ${issue.keys.map((key) => (FIELD_NAME.test(key) ? key : '?')).join('/')}`
        : '';
    return `${path || '(root)'} ${issue.code}${keys}`;
  });
  const more = issues.length > MAX_ISSUES_IN_MESSAGE ? `, +${issues.length - MAX_ISSUES_IN_MESSAGE} more` : '';
  return described.join(', ') + more;
}

/** Validates a request before it is sent; a bad one fails as a non-retryable `FaceIdInvalidRequest`. */
export function parseFaceIdRequest<A extends FaceIdAction>(action: A, request: unknown): FaceIdRequest<A> {
  const result = FACEID_SCHEMAS[action].request.safeParse(request);
  if (!result.success) {
    throw new FaceIdError({
      kind: 'FaceIdInvalidRequest',
      action,
      detail: `request: ${describeIssues(result.error.issues)}`,
    });
  }
  return result.data as FaceIdRequest<A>;
}

/**
 * Parses the `Response` object of a successful call into the action's DTO; anything else fails as a retryable
 * `FaceIdMalformedResponse` whose message lists only field paths.
 */
export function parseFaceIdResponse<A extends FaceIdAction>(action: A, response: unknown): FaceIdResponse<A> {
  const result = FACEID_SCHEMAS[action].response.safeParse(response);
  if (!result.success) {
    const requestId =
      typeof response === 'object' && response !== null && 'RequestId' in response ? response.RequestId : undefined;
    throw new FaceIdError({
      kind: 'FaceIdMalformedResponse',
      action,
      requestId: typeof requestId === 'string' && REQUEST_ID.test(requestId) ? requestId : undefined,
      detail: `schema: ${describeIssues(result.error.issues)}`,
    });
  }
  return result.data as FaceIdResponse<A>;
}
