import { metricMeter } from '@temporalio/workflow';
import type { Flow, Outcome, Stage } from './types';

/** Names of the journey metrics, shared with the runtime's exporter settings. */
export const JOURNEY_METRICS = {
  started: 'ekyc_journeys_started',
  completed: 'ekyc_journeys_completed',
  stageDuration: 'ekyc_stage_duration_ms',
} as const;

/**
 * Bucket bounds of the stage histogram, in ms: stages span a second (issuing a token) to days (a review), more than
 * the exporter's default buckets (up to 10 s) can tell apart.
 */
export const STAGE_DURATION_BUCKETS_MS = [
  100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000, 21_600_000,
  86_400_000, 259_200_000,
];

// The workflow meter drops calls made while replaying, so each value is exported once per journey, not per replay.

/** Counts a journey that has begun. */
export function recordJourneyStarted(flow: Flow): void {
  metricMeter.createCounter(JOURNEY_METRICS.started, 'journeys', 'Journeys started').add(1, { flow });
}

/** Counts a journey's outcome. */
export function recordJourneyCompleted(flow: Flow, outcome: Outcome): void {
  metricMeter
    .createCounter(JOURNEY_METRICS.completed, 'journeys', 'Journeys completed, by outcome')
    .add(1, { flow, outcome });
}

/** Records how long the journey spent in a stage it is leaving (workflow time, so replay-safe). */
export function recordStageDuration(flow: Flow, stage: Stage, durationMs: number): void {
  metricMeter
    .createHistogram(JOURNEY_METRICS.stageDuration, 'int', 'ms', 'Time spent in a journey stage')
    .record(Math.max(Math.round(durationMs), 0), { flow, stage });
}
