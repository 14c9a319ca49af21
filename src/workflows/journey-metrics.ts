import { metricMeter } from '@temporalio/workflow';
import { JOURNEY_METRICS } from '../contracts/journey-metrics';
import type { Flow, Outcome, Stage } from './types';

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

/** Counts a journey FaceID could not check a document for: the account lacks the capability (-9109), an alert. */
export function recordCapabilityNotEnabled(flow: Flow): void {
  metricMeter
    .createCounter(JOURNEY_METRICS.capabilityNotEnabled, 'journeys', 'Journeys ended by -9109 capability not enabled')
    .add(1, { flow });
}
