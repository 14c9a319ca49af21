import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetch } from 'undici';
import type { SoakStack } from './soak-stack';

/** What the soak saw of one journey. */
export interface SoakJourney {
  reference: string;
  /** Set once the gateway accepted the start (201, or the replay of it). */
  journeyId?: string;
  /** The outcome its first `journey.completed` webhook reported. */
  outcome?: string;
  /** The last refusal that made the soak give up on a step, when it did. */
  error?: string;
}

/** Answers a backend or client app retries: the service is away or busy, not refusing the request. */
const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);

/** The problem code of an answer, if it has one. */
const codeOf = (answer: Answer) => (typeof answer.json.code === 'string' ? answer.json.code : '');

const retryable = (answer: Answer) =>
  RETRYABLE_STATUS.has(answer.status) || answer.json.code === 'idempotency_key_in_flight';

const RETRY_PAUSE_MS = 1_000;

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/**
 * One request as a careful backend sends it: retried after a pause while the network fails or the answer is one of
 * {@link RETRYABLE_STATUS} (the gateway answers 503 while Temporal is away), until an answer or the deadline. It goes
 * to gateway `first` of the stack's, and each retry to the next one, as a client behind a load balancer would.
 */
async function send(
  stack: SoakStack,
  path: string,
  init: { bearer: string; body?: unknown; idempotencyKey?: string; first: number },
  deadlineMs: number,
): Promise<Answer> {
  let last = 'no attempt';
  for (let attempt = 0; performance.now() < deadlineMs && !stack.signal.aborted; attempt += 1) {
    const gatewayUrl = stack.gatewayUrls[(init.first + attempt) % stack.gatewayUrls.length] as string;
    try {
      const response = await fetch(`${gatewayUrl}${path}`, {
        method: 'POST',
        dispatcher: stack.http,
        headers: {
          authorization: `Bearer ${init.bearer}`,
          ...(init.idempotencyKey ? { 'idempotency-key': init.idempotencyKey } : {}),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.any([stack.signal, AbortSignal.timeout(60_000)]),
      });
      const text = await response.text();
      const answer = { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
      if (!retryable(answer)) return answer;
      last = `HTTP ${answer.status} ${codeOf(answer)}`.trim();
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(RETRY_PAUSE_MS);
  }
  throw new Error(`gave up on ${path.split('/').slice(0, 3).join('/')} at the deadline: ${last}`);
}

/**
 * One liveness journey as its three parties play it under faults: the backend starts it (with an `Idempotency-Key`,
 * retrying until accepted), the user passes on the emulator, the client app reports "finished" (retried likewise), and
 * the outcome arrives by webhook. Journey `index` starts on gateway `index` (of however many the stack has) and reports
 * "finished" on the next one. Never throws: what went wrong lands in `error`.
 */
export async function playSoakJourney(
  stack: SoakStack,
  reference: string,
  index: number,
  deadlineMs: number,
): Promise<SoakJourney> {
  const journey: SoakJourney = { reference };
  try {
    const start = await send(
      stack,
      '/v1/journeys',
      {
        bearer: stack.apiKey,
        idempotencyKey: `start-${reference}`,
        first: index,
        body: { reference, flow: 'liveness', region: 'ap-singapore', liveness: { SecureLevel: '4' } },
      },
      deadlineMs,
    );
    if (start.status !== 201) throw new Error(`start answered HTTP ${start.status} ${codeOf(start)}`);
    const journeyId = String(start.json.journeyId);
    journey.journeyId = journeyId;
    await stack.sandbox.complete(String(start.json.token), 'pass');
    const finished = await send(
      stack,
      `/v1/journeys/${encodeURIComponent(journeyId)}/finished`,
      { bearer: String(start.json.clientSecret), first: index + 1 },
      deadlineMs,
    );
    if (finished.status !== 202) throw new Error(`finished answered HTTP ${finished.status}`);
    const outcome = await stack.outcomes.wait(journeyId, Math.max(1, deadlineMs - performance.now()), stack.signal);
    if (outcome) journey.outcome = outcome.outcome;
  } catch (error) {
    journey.error = error instanceof Error ? error.message : String(error);
  }
  return journey;
}
