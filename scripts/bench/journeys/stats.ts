import type { JourneyRecord } from './load';

/** Seconds left out at each end of a run, so start-up and drain do not count as steady state. */
export const EDGE_SECONDS = 5;

/** Nearest-rank percentile (p in 0..100) of unsorted values; 0 for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Rounds to `digits` decimals, for the JSON line and the tables. */
export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Throughput of a run of journeys that end with an outcome webhook. */
export interface Throughput {
  /** First start sent to last outcome received. */
  seconds: number;
  /** Outcomes whose webhook arrived inside the steady window, per second of that window. */
  journeysPerSecond: number;
  steadyFromS: number;
  steadyToS: number;
  /** False when the run was too short for a steady window: the rate is then over the whole run. */
  steady: boolean;
  completed: number;
}

/**
 * Journeys per second over the steady phase: the run spans the first start sent to the last outcome received;
 * the steady window leaves out its first and last {@link EDGE_SECONDS} seconds, and counts the journeys whose
 * outcome webhook arrived inside it.
 */
export function throughput(records: JourneyRecord[]): Throughput {
  const outcomes = records.flatMap((record) => (record.outcome ? [record.outcome.atMs] : []));
  if (records.length === 0 || outcomes.length === 0) {
    return { seconds: 0, journeysPerSecond: 0, steadyFromS: 0, steadyToS: 0, steady: false, completed: 0 };
  }
  const firstMs = Math.min(...records.map((record) => record.startSentMs));
  const lastMs = Math.max(...outcomes);
  const seconds = (lastMs - firstMs) / 1000;
  let fromMs = firstMs + EDGE_SECONDS * 1000;
  let toMs = lastMs - EDGE_SECONDS * 1000;
  const steady = toMs - fromMs >= 5_000;
  if (!steady) [fromMs, toMs] = [firstMs, lastMs];
  const inWindow = outcomes.filter((atMs) => atMs >= fromMs && atMs <= toMs).length;
  return {
    seconds,
    journeysPerSecond: toMs > fromMs ? inWindow / ((toMs - fromMs) / 1000) : 0,
    steadyFromS: (fromMs - firstMs) / 1000,
    steadyToS: (toMs - firstMs) / 1000,
    steady,
    completed: outcomes.length,
  };
}

/** Counts of the errors the load saw, most frequent first, for the section text. */
export function errorSummary(records: JourneyRecord[]): string {
  const counts = new Map<string, number>();
  for (const record of records) {
    // Numbers (ids, durations) would make every message unique: group by the message's shape.
    const error = record.error?.replace(/\d+(\.\d+)?/g, 'N');
    if (error) counts.set(error, (counts.get(error) ?? 0) + 1);
    else if (record.outcome && record.outcome.outcome !== 'approved') {
      const key = `outcome ${record.outcome.outcome}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([error, count]) => `${count} × ${error}`)
    .join('; ');
}

/** Median and p99 of the two waits a backend and a client app see, in ms, over journeys that got that far. */
export interface Phases {
  startToTokenP50Ms: number;
  startToTokenP99Ms: number;
  finishedToOutcomeP50Ms: number;
  finishedToOutcomeP99Ms: number;
}

/** {@link Phases} of a set of journeys. */
export function phases(records: JourneyRecord[]): Phases {
  const startToToken = records.flatMap((record) =>
    record.journeyId && record.tokenMs !== undefined ? [record.tokenMs - record.startSentMs] : [],
  );
  const finishedToOutcome = records.flatMap((record) =>
    record.outcome && record.finishedSentMs !== undefined ? [record.outcome.atMs - record.finishedSentMs] : [],
  );
  return {
    startToTokenP50Ms: round(percentile(startToToken, 50), 0),
    startToTokenP99Ms: round(percentile(startToToken, 99), 0),
    finishedToOutcomeP50Ms: round(percentile(finishedToOutcome, 50), 0),
    finishedToOutcomeP99Ms: round(percentile(finishedToOutcome, 99), 0),
  };
}

/** "start-to-token p50 X ms / p99 Y ms, finished-to-outcome …", for the section text. */
export function phasesText(p: Phases): string {
  return (
    `start-to-token p50 ${p.startToTokenP50Ms} ms / p99 ${p.startToTokenP99Ms} ms, ` +
    `finished-to-outcome p50 ${p.finishedToOutcomeP50Ms} ms / p99 ${p.finishedToOutcomeP99Ms} ms`
  );
}
