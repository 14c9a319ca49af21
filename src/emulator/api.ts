import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ACTIONS } from './actions';
import { ApiError, errorEnvelope, newRequestId, sendJson, successEnvelope } from './envelope';
import { INJECTABLE_ERROR_CODES, type FaultRule } from './faults';
import { V1_COMMON_PARAMS, parseForm, unflatten } from './form';
import { coerceParams, type Origin } from './params';
import { type VerifiedCaller, header, verifyTc3, verifyV1 } from './signature';
import type { EmulatorState } from './state';

/** The API version of every FaceID action. */
const API_VERSION = '2018-03-01';

/** Request body caps of API 3.0: 10 MB for TC3 (JSON), 1 MB for v1 (form). */
const TC3_BODY_LIMIT = 10 * 1024 * 1024;
/** See {@link TC3_BODY_LIMIT}. */
const V1_BODY_LIMIT = 1024 * 1024;

/** The body cap that applies to a request, decided from its headers before reading it. */
export function bodyLimit(headers: IncomingHttpHeaders): number {
  return headers.authorization !== undefined ? TC3_BODY_LIMIT : V1_BODY_LIMIT;
}

interface ParsedRequest {
  action: string | undefined;
  version: string | undefined;
  region: string | undefined;
  authenticate(nowSeconds: number): VerifiedCaller;
  /** Business parameters; only parsed after authentication, like the service. */
  params(): { raw: Record<string, unknown>; origin: Origin };
}

function parseTc3(
  req: IncomingMessage,
  path: string,
  query: string,
  body: Buffer,
  state: EmulatorState,
): ParsedRequest {
  const { headers } = req;
  const method = req.method ?? 'POST';
  const contentType = (header(headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return {
    action: header(headers, 'x-tc-action'),
    version: header(headers, 'x-tc-version'),
    region: header(headers, 'x-tc-region'),
    authenticate: (nowSeconds) =>
      verifyTc3({ method, path, query, headers, body, nowSeconds, lookupKey: (id) => state.keys.get(id) }),
    params: () => {
      if (method === 'GET') return { raw: unflatten(parseForm(query)), origin: 'form' };
      if (contentType !== 'application/json') {
        throw new ApiError(
          'InvalidParameter',
          'TC3-HMAC-SHA256 POST requests must send Content-Type: application/json.',
        );
      }
      let raw: unknown = {};
      if (body.length > 0) {
        try {
          raw = JSON.parse(body.toString('utf8'));
        } catch {
          throw new ApiError('InvalidParameter', 'The request body is not valid JSON.');
        }
      }
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new ApiError('InvalidParameter', 'The request body must be a JSON object.');
      }
      return { raw: raw as Record<string, unknown>, origin: 'json' };
    },
  };
}

function parseV1(req: IncomingMessage, path: string, query: string, body: Buffer, state: EmulatorState): ParsedRequest {
  const method = req.method ?? 'POST';
  const contentType = (header(req.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (method === 'POST' && contentType === 'application/json') {
    throw new ApiError(
      'AuthFailure.InvalidAuthorization',
      'JSON requests must be signed with TC3-HMAC-SHA256 in the Authorization header.',
    );
  }
  if (method === 'POST' && contentType !== 'application/x-www-form-urlencoded') {
    throw new ApiError(
      'InvalidParameter',
      'Unsupported Content-Type: use application/json (TC3) or application/x-www-form-urlencoded (v1).',
    );
  }
  const flat = parseForm(method === 'POST' ? body.toString('utf8') : query);
  return {
    action: flat.Action,
    version: flat.Version,
    region: flat.Region,
    authenticate: (nowSeconds) =>
      verifyV1({
        method,
        host: header(req.headers, 'host') ?? '',
        path,
        params: flat,
        nowSeconds,
        lookupKey: (id) => state.keys.get(id),
      }),
    params: () => {
      const business: Record<string, string> = {};
      for (const [name, value] of Object.entries(flat)) if (!V1_COMMON_PARAMS.has(name)) business[name] = value;
      return { raw: unflatten(business), origin: 'form' };
    },
  };
}

const rateLimitError = (): ApiError =>
  new ApiError(
    'RequestLimitExceeded',
    'The request frequency of this action exceeds its limit per second. Please reduce the frequency of calls.',
  );

function answerFault(
  rule: FaultRule,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  headers: Record<string, string>,
): void {
  switch (rule.fault) {
    case 'connection_reset':
      req.socket.destroy();
      return;
    case 'malformed_json': {
      const text = `{"Response":{"RequestId":"${requestId}","Err`;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
      res.end(text);
      return;
    }
    case 'http_5xx': {
      const status = rule.status ?? 502;
      const text = `<html><body><h1>${status}</h1><p>sandbox fault injection</p></body></html>`;
      res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(text), ...headers });
      res.end(text);
      return;
    }
    case 'RequestLimitExceeded':
      sendJson(res, errorEnvelope(rateLimitError(), requestId), 200, headers);
      return;
    case 'error_code': {
      const code = rule.code ?? 'InternalError';
      const message = INJECTABLE_ERROR_CODES[code] ?? 'An internal error has occurred.';
      sendJson(res, errorEnvelope(new ApiError(code, message), requestId), 200, headers);
      return;
    }
    default: {
      const message = 'An internal error has occurred. Retry your request, but if the problem persists, contact us.';
      sendJson(res, errorEnvelope(new ApiError('InternalError', message), requestId), 200, headers);
    }
  }
}

/** What the request log says about one API call: filled in by {@link handleApi} as it learns it. */
export interface ApiCallNote {
  /** The action, once known to be one of FaceID's (anything else is logged as `unknown`). */
  action?: string;
  /** The Tencent error code answered, or the injected transport fault. */
  errorCode?: string;
  /** An emulator bug met while answering (the caller logs it). */
  error?: unknown;
}

/**
 * Serves one API 3.0 call: parse (TC3 headers or v1 form), authenticate, check action / version / region, rate
 * limit, draw faults, validate parameters, run the action. Every answer is HTTP 200 with the `Response` envelope
 * except the injected transport faults.
 */
export async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer | undefined,
  state: EmulatorState,
  note: ApiCallNote = {},
  arrivedAtMs = performance.now(),
): Promise<void> {
  const requestId = newRequestId();
  const traceId = header(req.headers, 'x-tc-traceid');
  const headers: Record<string, string> = traceId ? { 'X-TC-TraceId': traceId } : {};
  try {
    const method = req.method ?? '';
    if (method !== 'POST' && method !== 'GET')
      throw new ApiError('UnsupportedProtocol', 'Only GET and POST are supported.');
    if (body === undefined)
      throw new ApiError(
        'RequestSizeLimitExceeded',
        'The request body is larger than the limit of its signature method.',
      );
    const url = new URL(req.url ?? '/', 'http://emulator');
    const query = url.search.slice(1);
    const parsed =
      req.headers.authorization !== undefined
        ? parseTc3(req, url.pathname, query, body, state)
        : parseV1(req, url.pathname, query, body, state);
    const { action, version, region } = parsed;
    if (!action) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Action`.');
    const def = ACTIONS.get(action);
    note.action = def ? action : 'unknown';
    if (def) state.calls.record(action, arrivedAtMs);
    const caller = parsed.authenticate(Math.floor(state.clock.realNowMs() / 1000));
    if (!def) throw new ApiError('InvalidAction', `The action \`${action}\` is not found.`);
    if (!version) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Version`.');
    if (version !== API_VERSION) throw new ApiError('NoSuchVersion', `The API version \`${version}\` does not exist.`);
    if (!region) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Region`.');
    if (!def.regions.includes(region)) {
      throw new ApiError(
        'UnsupportedRegion',
        `The action \`${action}\` is not supported in region \`${region}\`; supported: ${def.regions.join(', ')}.`,
      );
    }
    if (!state.limiter.tryAcquire(action, arrivedAtMs)) {
      state.rateLimited.set(action, (state.rateLimited.get(action) ?? 0) + 1);
      throw rateLimitError();
    }
    const faults = state.faults.draw(action);
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.terminal) {
      note.errorCode = faults.terminal.fault;
      return answerFault(faults.terminal, req, res, requestId, headers);
    }
    const { raw, origin } = parsed.params();
    const params = coerceParams(def.params, raw, origin);
    const fields = def.handle(
      {
        state,
        caller: { secretId: caller.secretId, region },
        nowMs: state.clock.nowMs(),
        mediaFaults: faults.media,
      },
      params,
    );
    sendJson(res, successEnvelope(fields, requestId), 200, headers);
  } catch (error) {
    if (error instanceof ApiError) {
      note.errorCode = error.code;
      sendJson(res, errorEnvelope(error, requestId), 200, headers);
      return;
    }
    // A bug in the emulator: answer like the service would; the request log says what broke (never the body).
    note.errorCode = 'InternalError';
    note.error = error;
    sendJson(
      res,
      errorEnvelope(new ApiError('InternalError', 'An internal error has occurred.'), requestId),
      200,
      headers,
    );
  }
}
