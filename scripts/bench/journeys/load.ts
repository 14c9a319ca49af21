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
  /** The first thing that went wrong, if anything. */
  error?: string;
}

interface Started {
  journeyId: string;
  token: string;
  clientSecret: string;
}

/** Timers a journey may carry through the gateway's start body (the workflow's `timers` input). */
export type JourneyTimersInput = Partial<Record<'startWindowMs' | 'completionDeadlineMs', number>>;

const remaining = (deadlineMs: number) => Math.max(1, Math.ceil(deadlineMs - performance.now()));

async function post(
  stack: Stack,
  path: string,
  bearer: string,
  body: unknown,
  deadlineMs: number,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
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
  const answer = await post(stack, '/v1/journeys', stack.apiKey, body, deadlineMs);
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

/**
 * One journey end to end, as its backend, its user and its client app play it: start through the gateway, the user
 * passes on the emulator (its sandbox controls stand in for the SDK on the phone), the client app reports "finished"
 * through the gateway, and the outcome arrives by signed webhook. Never throws: failures land in `record.error`.
 */
export async function playJourney(
  stack: Stack,
  index: number,
  runId: string,
  deadlineMs: number,
): Promise<JourneyRecord> {
  const record: JourneyRecord = { index, startSentMs: performance.now() };
  try {
    const started = await startJourney(stack, record, `bench-${runId}-${index}`, deadlineMs);
    if (!started) return record;
    await stack.sandbox.complete(started.token, 'pass');
    record.finishedSentMs = performance.now();
    const finished = await post(
      stack,
      `/v1/journeys/${encodeURIComponent(started.journeyId)}/finished`,
      started.clientSecret,
      undefined,
      deadlineMs,
    );
    if (finished.status !== 202) {
      record.error = problem('finished', finished);
      return record;
    }
    record.outcome = await stack.outcomes.wait(started.journeyId, remaining(deadlineMs), stack.signal);
    if (!record.outcome) record.error = 'no outcome webhook before the deadline';
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
