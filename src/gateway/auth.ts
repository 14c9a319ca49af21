import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { clientSecretMatches } from '../client/client-secret';
import type { FailedLoginLimiter } from './failed-logins';
import { digest, operatorOfKey, type OperatorKey } from './operator-identities';
import { ProblemError } from './problems';

/** The bearer credential of a request, or undefined when the header is missing or not a bearer token. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+([\x21-\x7e]{1,512})[ ]*$/i.exec(header);
  return match?.[1];
}

/**
 * Whether `candidate` is one of `keys`. Both sides are hashed first, so every comparison is between equal-length
 * buffers, and every key is compared, so the time taken reveals neither which key matched nor how much of it.
 */
export function keyMatches(keys: readonly string[], candidate: string): boolean {
  const given = digest(candidate);
  let matched = false;
  for (const key of keys) if (timingSafeEqual(digest(key), given)) matched = true;
  return matched;
}

/**
 * Requires one of the backends' API keys. A bearer that is no key counts as a failed attempt of the client's address,
 * and an address over the limit is refused (429) before its key is looked at.
 */
export function requireApiKey(request: FastifyRequest, apiKeys: readonly string[], limiter: FailedLoginLimiter): void {
  limiter.refuseIfBlocked(request.ip, 'api');
  const token = bearerToken(request);
  if (!token || !keyMatches(apiKeys, token)) {
    if (token) limiter.recordFailure(request.ip, 'api');
    throw new ProblemError('unauthenticated', 'send Authorization: Bearer <api key>');
  }
}

/** The operator identity each authenticated request acts as, set by {@link requireOperatorKey}. */
const operators = new WeakMap<FastifyRequest, string>();

/**
 * Requires an operator key and remembers the identity it belongs to for {@link operatorOf}; a backend's API key is
 * recognised and refused as not allowed to review. Failed attempts are limited as for API keys.
 */
export function requireOperatorKey(
  request: FastifyRequest,
  keys: { operatorKeys: readonly OperatorKey[]; apiKeys: readonly string[] },
  limiter: FailedLoginLimiter,
): void {
  limiter.refuseIfBlocked(request.ip, 'operator');
  const token = bearerToken(request);
  const operator = token === undefined ? undefined : operatorOfKey(keys.operatorKeys, token);
  if (operator !== undefined) {
    operators.set(request, operator);
    return;
  }
  if (token && keyMatches(keys.apiKeys, token)) throw new ProblemError('forbidden', 'reviews need an operator key');
  if (token) limiter.recordFailure(request.ip, 'operator');
  throw new ProblemError('unauthenticated', 'send Authorization: Bearer <operator key>');
}

/**
 * The identity an operator request acts as: its key's. A body that names an actor (`reviewer`, `operator`,
 * `requestedBy`) may only name that identity, so one key cannot act, or pass the four-eyes rule, as someone else.
 */
export function operatorOf(request: FastifyRequest, named?: string): string {
  const operator = operators.get(request);
  if (operator === undefined) throw new Error('operatorOf called on a route without requireOperatorKey');
  if (named !== undefined && named !== operator) {
    throw new ProblemError('actor_mismatch', `this operator key acts as ${operator}; leave the actor out or name it`);
  }
  return operator;
}

/**
 * Requires the client secret of this very journey: none at all is 401, any other bearer (such as another journey's
 * secret) is 403, so a client app can act only on its own journey.
 */
export function requireClientSecret(request: FastifyRequest, clientSecretKey: string, journeyId: string): void {
  const token = bearerToken(request);
  if (!token) throw new ProblemError('unauthenticated', "send Authorization: Bearer <the journey's client secret>");
  if (!clientSecretMatches(clientSecretKey, journeyId, token)) {
    throw new ProblemError('forbidden', 'this client secret belongs to no journey of this id');
  }
}

/**
 * An `onRequest` hook running a credential check: it runs before the body is read, so an unauthenticated caller
 * never gets a large body parsed, and its problem goes through the gateway's error handler.
 */
export function authHook(check: (request: FastifyRequest) => void): onRequestHookHandler {
  return (request, _reply, done) => {
    try {
      check(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
}
