import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetch } from 'undici';
import type { Outcome } from './outcomes';
import type { Stack } from './stack';

/** What the bench saw of one journey; times are `performance.now()` of this process. */
export interface JourneyRecord {
  index: number;
  journeyId?: string;
  /** When the backend sent POST /v1/journeys. */
  startSentMs: number;
  /** When its 201 (the token, after update-with-start) arrived. */
  tokenMs?: number;
  /** When the client app sent its "finished" call. */
  finishedSentMs?: number;
  outcome?: Outcome;
  /** `GET …/result` requests the polling backend sent for it. */
  polls?: number;
  /** The first thing that went wrong, if anything. */
  error?: string;
}

/**
 * How the backend learns a journey's outcome: a signed webhook, or `GET /v1/journeys/{id}/result` every `intervalMs`
 * until it answers 200, as many backends integrate.
 */
export type Backend = { mode: 'webhook' } | { mode: 'polling'; intervalMs: number };

/** The backend the bench plays unless told otherwise. */
const WEBHOOK_BACKEND: Backend = { mode: 'webhook' };

interface Started {
  journeyId: string;
  token: string;
  clientSecret: string;
}

/** Timers a journey may carry through the gateway's start body (the workflow's `timers` input). */
export type JourneyTimersInput = Partial<Record<'startWindowMs' | 'completionDeadlineMs', number>>;

const remaining = (deadlineMs: number) => Math.max(1, Math.ceil(deadlineMs - performance.now()));

/**
 * The gateways journey `index` talks to: its backend to one, its client app to the next, as a load balancer would
 * spread them, so every gateway serves starts, results and the client app's calls alike.
 */
function gatewaysOf(stack: Stack, index: number): { backend: string; app: string } {
  const urls = stack.gatewayUrls;
  return { backend: urls[index % urls.length] as string, app: urls[(index + 1) % urls.length] as string };
}

async function post(
  stack: Stack,
  gatewayUrl: string,
  path: string,
  bearer: string,
  body: unknown,
  deadlineMs: number,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method: 'POST',
    dispatcher: stack.http,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.any([stack.signal, AbortSignal.timeout(remaining(deadlineMs))]),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const problem = (what: string, answer: { status: number; json: Record<string, unknown> }) =>
  `${what}: HTTP ${answer.status} ${typeof answer.json.code === 'string' ? answer.json.code : ''}`.trim();

/** A liveness journey started as a backend starts it; resolves once the token is back. */
async function startJourney(
  stack: Stack,
  record: JourneyRecord,
  reference: string,
  deadlineMs: number,
  timers?: JourneyTimersInput,
): Promise<Started | undefined> {
  const body = {
    reference,
    flow: 'liveness',
    region: 'ap-singapore',
    liveness: { SecureLevel: '4' },
    ...(timers ? { timers } : {}),
  };
  record.startSentMs = performance.now();
  const answer = await post(
    stack,
    gatewaysOf(stack, record.index).backend,
    '/v1/journeys',
    stack.apiKey,
    body,
    deadlineMs,
  );
  record.tokenMs = performance.now();
  if (answer.status !== 201) {
    record.error = problem('start', answer);
    return undefined;
  }
  const started = {
    journeyId: String(answer.json.journeyId),
    token: String(answer.json.token),
    clientSecret: String(answer.json.clientSecret),
  };
  record.journeyId = started.journeyId;
  return started;
}

/** The polling backend: `GET …/result` every interval until 200 (409 `journey_running` means not yet). */
async function pollResult(
  stack: Stack,
  record: JourneyRecord,
  journeyId: string,
  intervalMs: number,
  deadlineMs: number,
): Promise<Outcome | undefined> {
  const url = `${gatewaysOf(stack, record.index).backend}/v1/journeys/${encodeURIComponent(journeyId)}/result`;
  record.polls = 0;
  while (!stack.signal.aborted && performance.now() < deadlineMs) {
    await sleep(intervalMs, undefined, { signal: stack.signal }).catch(() => undefined);
    record.polls += 1;
    const response = await fetch(url, {
      dispatcher: stack.http,
      headers: { authorization: `Bearer ${stack.apiKey}` },
      signal: AbortSignal.any([stack.signal, AbortSignal.timeout(remaining(deadlineMs))]),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (response.status === 200) return { outcome: String(json.outcome), atMs: performance.now() };
    if (response.status !== 409 || json.code !== 'journey_running') {
      record.error = problem('result', { status: response.status, json });
      return undefined;
    }
  }
  return undefined;
}

/**
 * One journey end to end, as its backend, its user and its client app play it: start through a gateway, the user
 * passes on the emulator (its sandbox controls stand in for the SDK on the phone), the client app reports "finished"
 * through the next gateway, and the backend learns the outcome as `backend` says. Never throws: failures land in
 * `record.error`.
 */
export async function playJourney(
  stack: Stack,
  index: number,
  runId: string,
  deadlineMs: number,
  backend: Backend = WEBHOOK_BACKEND,
): Promise<JourneyRecord> {
  const record: JourneyRecord = { index, startSentMs: performance.now() };
  try {
    const started = await startJourney(stack, record, `bench-${runId}-${index}`, deadlineMs);
    if (!started) return record;
    await stack.sandbox.complete(started.token, 'pass');
    record.finishedSentMs = performance.now();
    const finished = await post(
      stack,
      gatewaysOf(stack, index).app,
      `/v1/journeys/${encodeURIComponent(started.journeyId)}/finished`,
      started.clientSecret,
      undefined,
      deadlineMs,
    );
    if (finished.status !== 202) {
      record.error = problem('finished', finished);
      return record;
    }
    if (backend.mode === 'polling') {
      record.outcome = await pollResult(stack, record, started.journeyId, backend.intervalMs, deadlineMs);
      if (!record.outcome) record.error ??= 'no result before the deadline';
    } else {
      record.outcome = await stack.outcomes.wait(started.journeyId, remaining(deadlineMs), stack.signal);
      if (!record.outcome) record.error = 'no outcome webhook before the deadline';
    }
  } catch (error) {
    record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return record;
}

/** A journey started and then left waiting for its user (the open-journeys section). */
export async function openJourney(
  stack: Stack,
  index: number,
  runId: string,
  deadlineMs: number,
  timers: JourneyTimersInput,
): Promise<JourneyRecord> {
  const record: JourneyRecord = { index, startSentMs: performance.now() };
  try {
    await startJourney(stack, record, `bench-${runId}-${index}`, deadlineMs, timers);
  } catch (error) {
    record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return record;
}

/**
 * Open-loop arrivals: journey i is launched at i / perSecond seconds whether or not earlier ones are done, as
 * independent users arrive. Bounded by `count`, the deadline and the stack's signal; resolves once every launched
 * journey has settled.
 */
export async function openLoop<T>(options: {
  count: number;
  perSecond: number;
  deadlineMs: number;
  signal: AbortSignal;
  launch: (index: number) => Promise<T>;
}): Promise<T[]> {
  const launched: Promise<T>[] = [];
  const startMs = performance.now();
  for (let index = 0; index < options.count; index += 1) {
    if (options.signal.aborted || performance.now() > options.deadlineMs) break;
    const due = startMs + (index * 1000) / options.perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    launched.push(options.launch(index));
  }
  return Promise.all(launched);
}

/** Closed loop: `concurrency` users, each starting its next journey when the last one ended, `count` in all. */
export async function closedLoop<T>(options: {
  count: number;
  concurrency: number;
  deadlineMs: number;
  signal: AbortSignal;
  run: (index: number) => Promise<T>;
}): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const user = async () => {
    while (next < options.count && !options.signal.aborted && performance.now() < options.deadlineMs) {
      const index = next;
      next += 1;
      results[index] = await options.run(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, user));
  return results.filter((result) => result !== undefined);
}
