// Plain data shared by the workflow bundle and the worker's metrics exporter.

/** Names of the journey metrics, shared with the runtime's exporter settings. */
export const JOURNEY_METRICS = {
  started: 'ekyc_journeys_started',
  completed: 'ekyc_journeys_completed',
  stageDuration: 'ekyc_stage_duration_ms',
  capabilityNotEnabled: 'ekyc_faceid_capability_not_enabled',
  // The exporter adds no suffix to counters: the name is exported as it stands.
  shadowDisagreements: 'ekyc_policy_shadow_disagreements_total',
} as const;

/**
 * Bucket bounds of the stage histogram, in ms: stages span a second (issuing a token) to days (a review), more than
 * the exporter's default buckets (up to 10 s) can tell apart.
 */
export const STAGE_DURATION_BUCKETS_MS = [
  100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000, 21_600_000,
  86_400_000, 259_200_000,
];
