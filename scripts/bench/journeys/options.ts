/** The parts of the journey bench, each runnable alone with `--only`. */
export const SECTIONS = ['quota-bound', 'headroom', 'open-journeys', 'latency', 'review-queue', 'reads'] as const;
export type Section = (typeof SECTIONS)[number];
/** The parts `--cluster` runs. */
export const CLUSTER_SECTIONS = ['quota-bound', 'headroom'] as const satisfies readonly Section[];

/** How the bench's backend learns outcomes (see `Backend` in load.ts). */
export const BACKEND_MODES = ['webhook', 'polling'] as const;
export type BackendMode = (typeof BACKEND_MODES)[number];

/** Command-line options of `npm run bench -- journeys …`. */
export interface JourneysOptions {
  /** Parts to run; undefined: a full run (every part, both quotas, docs/benchmarks.md rewritten). */
  only?: Section[];
  /** Journeys per part (cases in review, for the review-queue part), instead of each part's default. */
  journeys?: number;
  /** The quota-bound part's quota, instead of 5 (and 20 on a full run). */
  quota?: number;
  /** Arrival rate (journeys/s) of the open-journeys and latency parts, instead of their defaults. */
  rate?: number;
  /**
   * Run on the local cluster of `npm run cluster` (PostgreSQL, the Temporal server) instead of the dev server, with two
   * workers: the quota-bound (5/s) and headroom parts.
   */
  cluster?: boolean;
  /** The headroom part's backend mode; undefined: once with each. The other parts' backend takes webhooks. */
  backend?: BackendMode;
  /** How often the polling backend asks for the result, in ms (default 1,000). */
  pollMs?: number;
}

function positive(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
  }
  return number;
}

/** Validates the journey bench's flags (already split by `util.parseArgs`). */
export function journeysOptions(values: {
  only?: string[] | undefined;
  journeys?: string | undefined;
  quota?: string | undefined;
  rate?: string | undefined;
  cluster?: boolean | undefined;
  backend?: string | undefined;
  'poll-ms'?: string | undefined;
}): JourneysOptions {
  const only = values.only?.flatMap((entry) => entry.split(',')).map((entry) => entry.trim());
  for (const section of only ?? []) {
    if (!(SECTIONS as readonly string[]).includes(section)) {
      throw new Error(`--only takes ${SECTIONS.join(', ')} (comma-separated or repeated), got "${section}"`);
    }
  }
  const journeys = positive('journeys', values.journeys, true);
  const quota = positive('quota', values.quota, false);
  if (quota !== undefined && quota > 1000) throw new Error('--quota must be at most 1000 (FACEID_RATE_LIMIT)');
  const rate = positive('rate', values.rate, false);
  const clusterParts: readonly string[] = CLUSTER_SECTIONS;
  if (values.cluster && only?.some((section) => !clusterParts.includes(section))) {
    throw new Error(`--cluster runs ${CLUSTER_SECTIONS.join(' and ')} only`);
  }
  const backend = values.backend?.trim();
  if (backend !== undefined && !(BACKEND_MODES as readonly string[]).includes(backend)) {
    throw new Error(`--backend takes ${BACKEND_MODES.join(' or ')}, got "${backend}"`);
  }
  const pollMs = positive('poll-ms', values['poll-ms'], true);
  return {
    ...(backend ? { backend: backend as BackendMode } : {}),
    ...(pollMs ? { pollMs } : {}),
    ...(values.cluster ? { cluster: true } : {}),
    ...(only ? { only: only as Section[] } : {}),
    ...(journeys ? { journeys } : {}),
    ...(quota ? { quota } : {}),
    ...(rate ? { rate } : {}),
  };
}
