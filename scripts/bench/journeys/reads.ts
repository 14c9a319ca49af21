import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetch, request } from 'undici';
import { closedLoop, playJourney } from './load';
import { cpuMsOfTree } from './proc';
import { percentile, round } from './stats';
import type { Stack } from './stack';
import { progress, withStack } from './with-stack';

/** The figures of the reads part, as the JSON line carries them. */
interface ReadsResult {
  /** Ended journeys read. */
  journeys: number;
  /** The most the gateway answered: {@link CLIENTS} clients back to back. */
  requestsPerSecond: number;
  /** Latency at the goal's rate, {@link GOAL_RATE} requests/s offered on a schedule. */
  p50Ms: number;
  p99Ms: number;
  /** Answers 500 or above in both phases: none is the goal. */
  serverErrors: number;
  /** Workflow tasks the worker replayed, and query tasks it answered, while the reads ran: flat is the goal. */
  replaysDuring: number;
  queryTasksDuring: number;
}

/** One phase of reads: how many, how fast, how long each took, what came back. */
interface ReadsPhase {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The p99 from when each read left the client rather than when it was due: without the client's own lateness. */
  p99FromSentMs: number;
  serverErrors: number;
  /** Answers other than 200 and below 500 (none expected: every journey read has ended). */
  otherRefusals: number;
  /** Reads that got no answer, counted by cause; empty when every read was answered. */
  transportErrors: string;
  /** CPU per read of each process (utime + stime from /proc): the gateway answers; nothing else should work. */
  cpuMsPerRead: { gateway: number; server: number; worker: number; bench: number };
}

/** What the section text adds. */
export interface ReadsDetail {
  result: ReadsResult;
  clients: number;
  goalRate: number;
  saturated: ReadsPhase;
  atGoalRate: ReadsPhase;
  /** The worker's counters before and after the reads, and after one direct query (the control). */
  counters: { before: WorkerCounters; after: WorkerCounters; afterControl: WorkerCounters };
}

/** Counters of the worker's Prometheus endpoint that a workflow query or a replay moves. */
interface WorkerCounters {
  /** `temporal_workflow_task_replay_latency_count`: workflow tasks the worker replayed history for. */
  replays: number;
  /** `temporal_request{operation="RespondQueryTaskCompleted"}`: queries the worker answered. */
  queryTasks: number;
}

const CLIENTS = 40;
/** The goal: at least this many reads per second on one gateway, p99 within 50 ms. */
const GOAL_RATE = 500;
const SECONDS = 20;
/** High enough that no FaceID queue slows ending the journeys. */
const QUOTA_OUT_OF_THE_WAY = 1000;

/** Sums the samples of one metric (with or without a `_total` suffix), optionally those carrying a label. */
function sumOf(text: string, metric: string, label?: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const match = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || (match[1] !== metric && match[1] !== `${metric}_total`)) continue;
    if (label && !(match[2] ?? '').includes(label)) continue;
    sum += Number(match[3]);
  }
  return sum;
}

async function workerCounters(stack: Stack): Promise<WorkerCounters> {
  const url = stack.workerMetricsUrls[0];
  if (!url) throw new Error('the stack has no worker metrics endpoint');
  const text = await (await fetch(url, { dispatcher: stack.http })).text();
  return {
    replays: sumOf(text, 'temporal_workflow_task_replay_latency_count'),
    queryTasks: sumOf(text, 'temporal_request', 'operation="RespondQueryTaskCompleted"'),
  };
}

function cpuOf(stack: Stack): ReadsPhase['cpuMsPerRead'] {
  const bench = process.cpuUsage();
  return {
    gateway: stack.pids.gateways.reduce((sum, pid) => sum + cpuMsOfTree(pid), 0),
    server: cpuMsOfTree(stack.pids.server),
    worker: stack.pids.workers.reduce((sum, pid) => sum + cpuMsOfTree(pid), 0),
    bench: (bench.user + bench.system) / 1000,
  };
}

/** The n-th read of a phase: status and result of the journeys in turn, each through the gateway's public API. */
function readOf(ids: string[], n: number): string {
  const journeyId = ids[Math.floor(n / 2) % ids.length] as string;
  return `/v1/journeys/${encodeURIComponent(journeyId)}${n % 2 === 0 ? '' : '/result'}`;
}

/**
 * Runs one phase: `issue(read)` sends reads until it stops; each read's latency counts from `due` (its schedule, in
 * the open loop: a read the client could not send on time waits in the figure, as it would for a backend).
 */
async function phase(
  stack: Stack,
  issue: (read: (path: string, dueMs: number) => Promise<void>) => Promise<void>,
): Promise<ReadsPhase> {
  const latencies: number[] = [];
  const fromSent: number[] = [];
  let serverErrors = 0;
  let otherRefusals = 0;
  const transportErrors = new Map<string, number>();
  const read = async (path: string, dueMs: number) => {
    const sentMs = performance.now();
    try {
      // undici's request, not fetch: a third of the client's CPU per read, and the clients share the gateway's cores.
      const response = await request(`${stack.gatewayUrl}${path}`, {
        dispatcher: stack.http,
        headers: { authorization: `Bearer ${stack.apiKey}` },
      });
      await response.body.arrayBuffer();
      latencies.push(performance.now() - dueMs);
      fromSent.push(performance.now() - sentMs);
      if (response.statusCode >= 500) serverErrors += 1;
      else if (response.statusCode !== 200) otherRefusals += 1;
    } catch (error) {
      // No answer at all (a connection closed under the request): counted by its cause, as a backend would see it.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const name = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      transportErrors.set(name, (transportErrors.get(name) ?? 0) + 1);
    }
  };
  const cpuBefore = cpuOf(stack);
  const startMs = performance.now();
  await issue(read);
  const seconds = (performance.now() - startMs) / 1000;
  const cpuAfter = cpuOf(stack);
  const requests = latencies.length;
  const per = (role: keyof ReadsPhase['cpuMsPerRead']) => round((cpuAfter[role] - cpuBefore[role]) / requests, 3);
  return {
    requests,
    seconds: round(seconds, 1),
    requestsPerSecond: round(requests / seconds, 0),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(
      latencies.reduce((most, ms) => Math.max(most, ms), 0),
      1,
    ),
    p99FromSentMs: round(percentile(fromSent, 99), 1),
    serverErrors,
    otherRefusals,
    transportErrors: [...transportErrors].map(([cause, count]) => `${count} × ${cause}`).join('; '),
    cpuMsPerRead: { gateway: per('gateway'), server: per('server'), worker: per('worker'), bench: per('bench') },
  };
}

/** {@link CLIENTS} backends reading back to back for {@link SECONDS} s: the most the gateway answers. */
function saturated(stack: Stack, ids: string[]): Promise<ReadsPhase> {
  return phase(stack, async (read) => {
    const endMs = performance.now() + SECONDS * 1000;
    const client = async (c: number) => {
      for (let n = c * 2; performance.now() < endMs && !stack.signal.aborted; n += CLIENTS * 2) {
        await read(readOf(ids, n), performance.now());
        await read(readOf(ids, n + 1), performance.now());
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  });
}

/** {@link GOAL_RATE} reads a second on a fixed schedule for {@link SECONDS} s, however long each takes. */
function atGoalRate(stack: Stack, ids: string[]): Promise<ReadsPhase> {
  return phase(stack, async (read) => {
    const sent: Promise<void>[] = [];
    const startMs = performance.now();
    for (let n = 0; n < GOAL_RATE * SECONDS && !stack.signal.aborted; n += 1) {
      const dueMs = startMs + (n * 1000) / GOAL_RATE;
      const wait = dueMs - performance.now();
      if (wait > 0) await sleep(wait);
      sent.push(read(readOf(ids, n), dueMs));
    }
    await Promise.all(sent);
  });
}

/**
 * Ends `journeys` liveness journeys, then reads their status and result through the gateway's public API in two
 * phases, {@link CLIENTS} clients back to back (the most it answers) and {@link GOAL_RATE} a second on a schedule
 * (latency at the goal's rate): requests per second, latency, errors, and the worker's replay and query counters,
 * which must not move (an ended journey is read from its close event and kept).
 */
export function reads(journeys: number): Promise<ReadsDetail> {
  return withStack({ quotaPerSecond: QUOTA_OUT_OF_THE_WAY, workers: 1 }, async (stack) => {
    const deadlineMs = performance.now() + (120 + journeys / 2) * 1000;
    const runId = `r-${Date.now().toString(36)}`;
    progress(`reads: ending ${journeys} journeys`);
    const records = await closedLoop({
      count: journeys,
      concurrency: 50,
      deadlineMs,
      signal: stack.signal,
      run: (index) => playJourney(stack, index, runId, deadlineMs),
    });
    const ids = records.flatMap((record) => (record.outcome && record.journeyId ? [record.journeyId] : []));
    if (ids.length === 0) throw new Error('no journey ended');
    // The outcome webhook leaves from inside the journey's last workflow task: let the last tasks finish.
    await sleep(3_000);

    const before = await workerCounters(stack);
    progress(`reads: ${CLIENTS} clients reading status and result of ${ids.length} ended journeys for ${SECONDS} s`);
    const most = await saturated(stack, ids);
    progress(`reads: ${GOAL_RATE} reads/s on a schedule for ${SECONDS} s`);
    const atGoal = await atGoalRate(stack, ids);
    const after = await workerCounters(stack);
    // The control: one workflow query of an ended journey, sent past the gateway, must move the counters, or flat
    // counters would prove nothing. Its answer is encrypted and not decoded here.
    await stack.client.workflow
      .getHandle(ids[0] as string)
      .query('status')
      .catch(() => undefined);
    const afterControl = await workerCounters(stack);

    const result: ReadsResult = {
      journeys: ids.length,
      requestsPerSecond: most.requestsPerSecond,
      p50Ms: atGoal.p50Ms,
      p99Ms: atGoal.p99Ms,
      serverErrors: most.serverErrors + atGoal.serverErrors,
      replaysDuring: after.replays - before.replays,
      queryTasksDuring: after.queryTasks - before.queryTasks,
    };
    progress(`reads: ${JSON.stringify(result)}`);
    return {
      result,
      clients: CLIENTS,
      goalRate: GOAL_RATE,
      saturated: most,
      atGoalRate: atGoal,
      counters: { before, after, afterControl },
    };
  });
}
