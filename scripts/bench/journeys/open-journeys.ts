import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { openJourney, openLoop, type JourneyRecord } from './load';
import { rssMiB, rssMiBOfTree } from './proc';
import { errorSummary, percentile, round } from './stats';
import { progress, withStack } from './with-stack';

/** The figures of the open-journeys run, as the JSON line carries them. */
interface OpenJourneysResult {
  journeys: number;
  workerRssMiB: number;
  workerRssMiBAt1000: number;
  serverRssMiB: number;
}

/** What the section text adds. */
export interface OpenJourneysDetail {
  result: OpenJourneysResult;
  perSecond: number;
  startWindowMs: number;
  opened: number;
  /** Journeys opened per second from the first start sent to the last token back (below `perSecond`: a backlog). */
  openedPerSecond: number;
  workerRssMiBBefore: number;
  workerRssMiBPeak: number;
  /**
   * Medians of the per-second samples over the minute from 1,000 open and over the last minute of opening: garbage
   * collection swings the process by ~100 MiB within seconds, which a single reading lands anywhere in.
   */
  workerRssMiBMinuteAt1000: number;
  workerRssMiBMinuteAtEnd: number;
  runningJourneys: number;
  seconds: number;
  errors: string;
}

/**
 * The start window the journeys get: a day, far beyond the run, so none reaches its reconcile or expiry timer while
 * the bench samples. The gateway accepts up to 30 days (`timers.startWindowMs`, src/client/journey-input.ts); the
 * completion deadline follows as start window + 20 minutes.
 */
const START_WINDOW_MS = 24 * 3600 * 1000;
const QUOTA_OUT_OF_THE_WAY = 1000;
const SAMPLE_AT = 1000;

function openedRate(records: JourneyRecord[]): number {
  const opened = records.filter((record) => !record.error && record.tokenMs !== undefined);
  if (opened.length < 2) return 0;
  const first = Math.min(...records.map((record) => record.startSentMs));
  const last = Math.max(...opened.map((record) => record.tokenMs as number));
  return opened.length / ((last - first) / 1000);
}

/** Journeys issued at a steady rate and left waiting for their users: the worker's memory as they pile up. */
export function openJourneys(journeys: number, perSecond: number): Promise<OpenJourneysDetail> {
  return withStack({ quotaPerSecond: QUOTA_OUT_OF_THE_WAY, workers: 1 }, async (stack) => {
    const worker = stack.pids.workers[0] as number;
    const deadlineMs = performance.now() + (journeys / perSecond + 180) * 1000;
    const runId = `o-${Date.now().toString(36)}`;
    progress(`open-journeys: ${journeys} journeys at ${perSecond}/s, left open`);
    const workerRssMiBBefore = rssMiB(worker);
    let workerRssMiBAt1000 = 0;
    let workerRssMiBPeak = workerRssMiBBefore;
    let opened = 0;
    const samples: { opened: number; rssMiB: number }[] = [];
    const startedMs = performance.now();
    const sampling = { done: false };
    const sampler = (async () => {
      for (let i = 0; i < 100_000 && !sampling.done && !stack.signal.aborted; i += 1) {
        const sample = rssMiB(worker);
        samples.push({ opened, rssMiB: sample });
        workerRssMiBPeak = Math.max(workerRssMiBPeak, sample);
        if (i % 60 === 59) progress(`open-journeys: ${opened} open, worker RSS ${sample.toFixed(0)} MiB`);
        await sleep(1_000);
      }
    })();
    let records: JourneyRecord[];
    try {
      records = await openLoop({
        count: journeys,
        perSecond,
        deadlineMs,
        signal: stack.signal,
        launch: async (index) => {
          const record = await openJourney(stack, index, runId, deadlineMs, { startWindowMs: START_WINDOW_MS });
          if (!record.error) {
            opened += 1;
            if (opened === SAMPLE_AT) workerRssMiBAt1000 = rssMiB(worker);
          }
          return record;
        },
      });
      // The last starts' workflow tasks settle within a few seconds of their answers.
      await sleep(5_000);
    } finally {
      sampling.done = true;
      await sampler;
    }
    const workerRss = rssMiB(worker);
    const serverRss = rssMiBOfTree(stack.pids.server);
    const minute = perSecond * 60;
    const medianOf = (from: number, to: number) =>
      round(
        percentile(
          samples.filter((x) => x.opened >= from && x.opened < to).map((x) => x.rssMiB),
          50,
        ),
        0,
      );
    const running = await stack.client.workflow.count('ExecutionStatus="Running" AND WorkflowType="ekycJourney"');
    const result: OpenJourneysResult = {
      journeys,
      workerRssMiB: round(workerRss, 0),
      workerRssMiBAt1000: round(workerRssMiBAt1000, 0),
      serverRssMiB: round(serverRss, 0),
    };
    progress(`open-journeys: ${JSON.stringify(result)}`);
    return {
      result,
      perSecond,
      startWindowMs: START_WINDOW_MS,
      opened,
      openedPerSecond: round(openedRate(records), 1),
      workerRssMiBBefore: round(workerRssMiBBefore, 0),
      workerRssMiBPeak: round(Math.max(workerRssMiBPeak, workerRss), 0),
      workerRssMiBMinuteAt1000: medianOf(SAMPLE_AT, SAMPLE_AT + minute),
      workerRssMiBMinuteAtEnd: medianOf(journeys - minute, Infinity),
      runningJourneys: running.count,
      seconds: round((performance.now() - startedMs) / 1000, 1),
      errors: errorSummary(records),
    };
  });
}
