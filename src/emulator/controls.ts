import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACTIONS } from './actions';
import { CARD_SCENARIOS, type CardScenario } from './cards';
import { sendJson } from './envelope';
import { FAULT_KINDS, INJECTABLE_ERROR_CODES, type FaultKind } from './faults';
import { applicableDetailCodes, applicableResultCodes, completeSession } from './completion';
import { numberField } from './number-field';
import { resultActionOf } from './outcome';
import { applicableScenarios } from './scenarios';
import type { Session } from './sessions';
import type { EmulatorState } from './state';

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

function authorized(req: IncomingMessage, adminToken: string): boolean {
  const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return false;
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]), digest(adminToken));
}

function jsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ControlError(400, 'body must be JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ControlError(400, 'body must be a JSON object');
  return parsed as Record<string, unknown>;
}

const optionalNumber = (body: Record<string, unknown>, name: string, min: number, max: number, integer = false) =>
  numberField(body, name, { min, max, integer }, (message) => new ControlError(400, message));

/** The control view of a session: lifecycle, deadlines and outcome, never media or personal data. */
function sessionView(state: EmulatorState, session: Session): Record<string, unknown> {
  const nowMs = state.clock.nowMs();
  const { startByMs, resultUntilMs } = state.sessions.deadlines(session);
  return {
    kind: 'session',
    token: session.token,
    flow: session.flow,
    region: session.region,
    state: state.sessions.state(session, nowMs),
    createdAt: iso(session.createdAtMs),
    startBy: iso(startByMs),
    resultUntil: iso(resultUntilMs),
    startedAt: iso(session.startedAtMs),
    finishedAt: iso(session.finishedAtMs),
    scenario: session.outcome ? session.outcome.scenario : session.startedAtMs !== undefined ? 'abandon' : null,
    resultCode: session.outcome?.resultCode ?? null,
    similarity: session.outcome?.similarity ?? null,
    deviceRiskLevel: session.outcome?.deviceRiskLevel ?? null,
    attempts: session.outcome?.attempts ?? null,
    applicableScenarios: applicableScenarios(session.caps, resultActionOf(session.flow)),
    applicableResultCodes: applicableResultCodes(session),
    applicableDetailCodes: applicableDetailCodes(session),
    verificationUrl: session.redirectUrl
      ? `${state.publicBaseUrl()}/web/verify?token=${encodeURIComponent(session.token)}`
      : null,
  };
}

function complete(state: EmulatorState, token: string, body: Record<string, unknown>): Record<string, unknown> {
  const result = completeSession(state, token, body);
  if ('error' in result) throw new ControlError(result.status, result.error);
  return sessionView(state, result);
}

function showToken(state: EmulatorState, token: string): Record<string, unknown> {
  const session = state.sessions.get(token);
  if (session) return sessionView(state, session);
  const card = state.cards.get(token);
  if (!card) throw new ControlError(404, 'unknown token');
  return {
    kind: 'card',
    token: card.token,
    region: card.region,
    createdAt: iso(card.createdAtMs),
    nationality: card.nationality,
    cardType: card.cardType,
    imageMd5: card.imageMd5 ?? null,
    polls: card.polls,
    finalScenario: card.finalScenario ?? null,
  };
}

function registerCard(state: EmulatorState, body: Record<string, unknown>): Record<string, unknown> {
  const imageMd5 = body.imageMd5;
  if (typeof imageMd5 !== 'string' || !/^[0-9a-fA-F]{32}$/.test(imageMd5))
    throw new ControlError(400, 'imageMd5 must be 32 hex digits');
  const scenario = body.scenario ?? 'pass';
  if (!(CARD_SCENARIOS as readonly unknown[]).includes(scenario))
    throw new ControlError(400, `scenario must be one of ${CARD_SCENARIOS.join(', ')}`);
  const processingPolls = optionalNumber(body, 'processingPolls', 0, 1000, true) ?? 1;
  state.cards.register(imageMd5, { scenario: scenario as CardScenario, processingPolls });
  return { imageMd5: imageMd5.toLowerCase(), scenario, processingPolls };
}

function addFault(state: EmulatorState, body: Record<string, unknown>): Record<string, unknown> {
  const { action, fault } = body;
  if (typeof action !== 'string' || (action !== '*' && !ACTIONS.has(action)))
    throw new ControlError(400, 'action must be a FaceID action name or "*"');
  if (!(FAULT_KINDS as readonly unknown[]).includes(fault))
    throw new ControlError(400, `fault must be one of ${FAULT_KINDS.join(', ')}`);
  const count = optionalNumber(body, 'count', 1, 1_000_000, true);
  const rate = optionalNumber(body, 'rate', 0, 1);
  if (count !== undefined && rate !== undefined) throw new ControlError(400, 'give count or rate, not both');
  const latencyMs = optionalNumber(body, 'latencyMs', 0, 120_000, true);
  if ((fault === 'latency' || fault === 'slow_media') && latencyMs === undefined)
    throw new ControlError(400, `${fault} faults need latencyMs`);
  const downloads = optionalNumber(body, 'downloads', 1, 1_000, true);
  if (downloads !== undefined && fault !== 'corrupt_media' && fault !== 'truncated_media')
    throw new ControlError(400, 'downloads applies to corrupt_media and truncated_media faults');
  const bytes = optionalNumber(body, 'bytes', 1, 512 * 1024 * 1024, true);
  if (fault === 'oversize_media' && bytes === undefined)
    throw new ControlError(400, 'oversize_media faults need bytes');
  const status = optionalNumber(body, 'status', 500, 599, true);
  const { code } = body;
  if (fault === 'error_code' && (typeof code !== 'string' || !(code in INJECTABLE_ERROR_CODES))) {
    throw new ControlError(400, `error_code faults need a code: ${Object.keys(INJECTABLE_ERROR_CODES).join(', ')}`);
  }
  const rule = state.faults.add({
    action,
    fault: fault as FaultKind,
    remaining: rate === undefined ? (count ?? 1) : undefined,
    rate,
    latencyMs,
    status,
    ...(fault === 'error_code' ? { code: code as string } : {}),
    ...(downloads === undefined ? {} : { downloads }),
    ...(fault === 'oversize_media' ? { bytes } : {}),
  });
  return { fault: rule };
}

function stats(state: EmulatorState): Record<string, unknown> {
  const actions: Record<string, unknown> = {};
  for (const [action, entry] of Object.entries(state.calls.snapshot())) {
    actions[action] = { ...entry, rateLimited: state.rateLimited.get(action) ?? 0 };
  }
  return {
    actions,
    media: state.media.stats(),
    sessions: { issued: state.sessions.count },
    clock: { offsetSeconds: state.clock.offsetSeconds() },
    peers: { api: Object.fromEntries(state.peers.api), media: Object.fromEntries(state.peers.media) },
  };
}

function clock(state: EmulatorState): Record<string, unknown> {
  return { offsetSeconds: state.clock.offsetSeconds(), now: new Date(state.clock.nowMs()).toISOString() };
}

/** Clears every session, card, fault, counter and published URL, and puts the clock back (keys and options stay). */
function resetState(state: EmulatorState): void {
  state.sessions.clear();
  state.cards.clear();
  state.faults.clear();
  state.clock.reset();
  state.limiter.clear();
  state.calls.clear();
  state.rateLimited.clear();
  state.media.clear();
  state.peers.api.clear();
  state.peers.media.clear();
}

function route(state: EmulatorState, method: string, path: string, body: Buffer): [number, unknown] {
  const sessionMatch = /^\/sandbox\/sessions\/([^/]+)(\/complete)?$/.exec(path);
  if (sessionMatch) {
    const token = decodeURIComponent(sessionMatch[1] ?? '');
    if (sessionMatch[2] && method === 'POST') return [200, complete(state, token, jsonBody(body))];
    if (!sessionMatch[2] && method === 'GET') return [200, showToken(state, token)];
    throw new ControlError(405, 'method not allowed');
  }
  const key = `${method} ${path}`;
  switch (key) {
    case 'POST /sandbox/cards':
      return [201, registerCard(state, jsonBody(body))];
    case 'POST /sandbox/faults':
      return [201, addFault(state, jsonBody(body))];
    case 'GET /sandbox/faults':
      return [200, { faults: state.faults.list() }];
    case 'DELETE /sandbox/faults':
      state.faults.clear();
      return [200, { faults: [] }];
    case 'POST /sandbox/clock': {
      const advance = optionalNumber(jsonBody(body), 'advanceSeconds', 0, 10 * 365 * 86400);
      if (advance === undefined) throw new ControlError(400, 'advanceSeconds is required');
      state.clock.advance(advance);
      return [200, clock(state)];
    }
    case 'GET /sandbox/clock':
      return [200, clock(state)];
    case 'GET /sandbox/stats':
      return [200, stats(state)];
    case 'POST /sandbox/reset':
      resetState(state);
      return [200, { reset: true }];
    default:
      throw new ControlError(404, 'no such sandbox control');
  }
}

/** Serves `/sandbox/*`: the test-only controls, behind `Authorization: Bearer <admin token>`. */
export function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: Buffer,
  state: EmulatorState,
): void {
  if (!authorized(req, state.adminToken)) {
    sendJson(res, { error: 'admin token required: Authorization: Bearer <SANDBOX_ADMIN_TOKEN>' }, 401, {
      'WWW-Authenticate': 'Bearer',
    });
    return;
  }
  try {
    const [status, payload] = route(state, req.method ?? 'GET', path, body);
    sendJson(res, payload, status);
  } catch (error) {
    if (error instanceof ControlError) sendJson(res, { error: error.message }, error.status);
    else throw error;
  }
}
