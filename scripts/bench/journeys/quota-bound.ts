import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLoop, playJourney, type JourneyRecord } from './load';
import { errorSummary, phases, round, throughput, type Phases, type Throughput } from './stats';
import type { Stack, StackTarget } from './stack';
import { progress, withStack } from './with-stack';

/** The figures of one quota-bound run, as the JSON line carries them. */
interface QuotaBoundResult {
  journeys: number;
  quotaPerSecond: number;
  seconds: number;
  journeysPerSecond: number;
  ratioToQuota: number;
  failedJourneys: number;
  refusedCalls: number;
  totalCalls: number;
  peakCallsInOneSecond: Record<string, number>;
}

/** What the section text adds to the JSON figures. */
export interface QuotaBoundDetail {
  result: QuotaBoundResult;
  arrivalsPerSecond: number;
  workers: number;
  throughput: Throughput;
  perAction: Record<string, { calls: number; refused: number; peak: number; steadyPerSecond: number }>;
  runningAfter: { all: number; journeys: number };
  errors: string;
  /** The backend's and the client app's waits under this load. */
  phases: Phases;
}

/**
 * Arrivals at 1.25 × the quota: enough above it that the token queue stays backlogged for the whole run (so the
 * steady rate is what the quota lets through), not so far that the backlog's wait nears any timeout.
 */
const ARRIVALS_OVER_QUOTA = 1.25;
const WORKERS = 2;

interface Sample {
  atMs: number;
  calls: Record<string, number>;
}

/** Polls the emulator's call counters once a second, for per-action call rates over the steady window. */
function sampleCalls(stack: Stack, samples: Sample[], until: { done: boolean }): Promise<void> {
  return (async () => {
    for (let i = 0; i < 7_200 && !until.done && !stack.signal.aborted; i += 1) {
      const stats = await stack.sandbox.stats().catch(() => undefined);
      if (stats) {
        const calls = Object.fromEntries(Object.entries(stats.actions).map(([name, action]) => [name, action.calls]));
        samples.push({ atMs: performance.now(), calls });
      }
      await sleep(1_000);
    }
  })();
}

/** Calls per second of one action between two instants, from the nearest samples inside them. */
function rateBetween(samples: Sample[], action: string, fromMs: number, toMs: number): number {
  const inside = samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
  const first = inside[0];
  const last = inside[inside.length - 1];
  if (!first || !last || last.atMs <= first.atMs) return 0;
  return ((last.calls[action] ?? 0) - (first.calls[action] ?? 0)) / ((last.atMs - first.atMs) / 1000);
}

/**
 * Liveness journeys offered faster than the FaceID quota, with two worker processes sharing the queues: the steady
 * journey rate against the quota, and whether the emulator (which refuses beyond the quota in a sliding one-second
 * window) ever saw more than the quota.
 */
export function quotaBound(
  journeys: number,
  quotaPerSecond: number,
  target: StackTarget = 'dev-server',
): Promise<QuotaBoundDetail> {
  return withStack({ quotaPerSecond, workers: WORKERS, target }, async (stack) => {
    const arrivalsPerSecond = ARRIVALS_OVER_QUOTA * quotaPerSecond;
    // Bounded even if the limiter let through only a fifth of the quota.
    const deadlineMs =
      performance.now() + (journeys / arrivalsPerSecond + journeys / (0.2 * quotaPerSecond) + 120) * 1000;
    const runId = `q${quotaPerSecond}-${Date.now().toString(36)}`;
    progress(
      `quota-bound: ${journeys} journeys at ${arrivalsPerSecond}/s, quota ${quotaPerSecond}/s, ${WORKERS} workers`,
    );
    const samples: Sample[] = [];
    const sampling = { done: false };
    const sampler = sampleCalls(stack, samples, sampling);
    let records: JourneyRecord[];
    try {
      records = await openLoop({
        count: journeys,
        perSecond: arrivalsPerSecond,
        deadlineMs,
        signal: stack.signal,
        launch: (index) => playJourney(stack, index, runId, deadlineMs),
      });
    } finally {
      sampling.done = true;
      await sampler;
    }
    const stats = await stack.sandbox.stats();
    // Visibility lags a moment behind the last outcome.
    await sleep(1_500);
    const running = await stack.client.workflow.count('ExecutionStatus="Running"');
    const runningJourneys = await stack.client.workflow.count(
      'ExecutionStatus="Running" AND WorkflowType="ekycJourney"',
    );
    const run = throughput(records);
    const firstMs = Math.min(...records.map((record) => record.startSentMs));
    const perAction: QuotaBoundDetail['perAction'] = {};
    for (const [name, action] of Object.entries(stats.actions)) {
      perAction[name] = {
        calls: action.calls,
        refused: action.rateLimited,
        peak: action.peakPerSecond,
        steadyPerSecond: rateBetween(samples, name, firstMs + run.steadyFromS * 1000, firstMs + run.steadyToS * 1000),
      };
    }
    const actions = Object.values(stats.actions);
    const result: QuotaBoundResult = {
      journeys,
      quotaPerSecond,
      seconds: round(run.seconds, 1),
      journeysPerSecond: round(run.journeysPerSecond),
      ratioToQuota: round(run.journeysPerSecond / quotaPerSecond),
      failedJourneys:
        records.filter((record) => record.outcome?.outcome !== 'approved').length + (journeys - records.length),
      refusedCalls: actions.reduce((sum, action) => sum + action.rateLimited, 0),
      totalCalls: actions.reduce((sum, action) => sum + action.calls, 0),
      peakCallsInOneSecond: Object.fromEntries(
        Object.entries(stats.actions).map(([name, action]) => [name, action.peakPerSecond]),
      ),
    };
    progress(`quota-bound: ${JSON.stringify(result)}`);
    return {
      result,
      arrivalsPerSecond,
      workers: WORKERS,
      throughput: run,
      perAction,
      runningAfter: { all: running.count, journeys: runningJourneys.count },
      errors: errorSummary(records),
      phases: phases(records),
    };
  });
}
