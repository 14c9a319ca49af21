import { performance } from 'node:perf_hooks';
import { openLoop, playJourney } from './load';
import { EDGE_SECONDS, errorSummary, percentile, phases, round, type Phases } from './stats';
import { progress, withStack } from './with-stack';

/** The figures of the latency run, as the JSON line carries them. */
type LatencyResult = Phases;

/** What the section text adds. */
export interface LatencyDetail {
  result: LatencyResult;
  journeys: number;
  perSecond: number;
  rateReason: string;
  measured: number;
  failed: number;
  startToTokenMaxMs: number;
  finishedToOutcomeMaxMs: number;
  errors: string;
}

const QUOTA_OUT_OF_THE_WAY = 1000;

/**
 * Journeys arriving at a steady rate below the stack's capacity: how long a backend waits for the token
 * (POST /v1/journeys, update-with-start) and how long after the client app's "finished" the outcome webhook arrives
 * (result fetch, media download and archive, decision, webhook delivery). Journeys started in the first
 * {@link EDGE_SECONDS} seconds are left out (cold code paths).
 */
export function latency(journeys: number, perSecond: number, rateReason: string): Promise<LatencyDetail> {
  return withStack({ quotaPerSecond: QUOTA_OUT_OF_THE_WAY, workers: 1 }, async (stack) => {
    const deadlineMs = performance.now() + (journeys / perSecond + 120) * 1000;
    const runId = `l-${Date.now().toString(36)}`;
    progress(`latency: ${journeys} journeys at ${perSecond}/s`);
    const records = await openLoop({
      count: journeys,
      perSecond,
      deadlineMs,
      signal: stack.signal,
      launch: (index) => playJourney(stack, index, runId, deadlineMs),
    });
    const firstMs = Math.min(...records.map((record) => record.startSentMs));
    const measured = records.filter(
      (record) => record.startSentMs >= firstMs + EDGE_SECONDS * 1000 && record.outcome?.outcome === 'approved',
    );
    const startToToken = measured.map((record) => (record.tokenMs as number) - record.startSentMs);
    const finishedToOutcome = measured.map(
      (record) => (record.outcome?.atMs as number) - (record.finishedSentMs as number),
    );
    const result: LatencyResult = phases(measured);
    progress(`latency: ${JSON.stringify(result)}`);
    return {
      result,
      journeys,
      perSecond,
      rateReason,
      measured: measured.length,
      failed: records.filter((record) => record.outcome?.outcome !== 'approved').length + (journeys - records.length),
      startToTokenMaxMs: round(percentile(startToToken, 100), 0),
      finishedToOutcomeMaxMs: round(percentile(finishedToOutcome, 100), 0),
      errors: errorSummary(records),
    };
  });
}
