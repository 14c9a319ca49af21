import { headroom } from './headroom';
import { latency } from './latency';
import { openJourneys } from './open-journeys';
import type { Backend } from './load';
import {
  BACKEND_MODES,
  CLUSTER_SECTIONS,
  SECTIONS,
  type BackendMode,
  type JourneysOptions,
  type Section,
} from './options';
import { quotaBound } from './quota-bound';
import { reads } from './reads';
import { reviewQueue } from './review-queue';
import { CLUSTER_HEADING, journeysSection, JOURNEYS_HEADING } from './report';
import type { JourneysRun } from './run';
import { progress } from './with-stack';

export { journeysOptions, type JourneysOptions } from './options';
export { CLUSTER_HEADING, JOURNEYS_HEADING };

/** What `npm run bench` gets back: the docs section (full runs) and the one-line JSON summary. */
export interface JourneysBenchResult {
  /** Markdown for docs/benchmarks.md; the runner writes it only after a full run. */
  section: string;
  summary: Record<string, unknown>;
  full: boolean;
  failed: boolean;
}

/** The polling backend asks for the result once a second unless `--poll-ms` says otherwise. */
const DEFAULT_POLL_MS = 1_000;

function backendOf(mode: BackendMode, options: JourneysOptions): Backend {
  return mode === 'polling' ? { mode, intervalMs: options.pollMs ?? DEFAULT_POLL_MS } : { mode };
}

/** Default journeys per quota: at 1.25 × Q arrivals, a minute or more of steady backlog. */
const QUOTA_DEFAULTS: Record<number, number> = { 5: 400, 20: 1500 };

/**
 * The journey bench: the product as separate processes (dev server, emulator, workers, gateway), load through the
 * gateway's HTTP API, outcomes by signed webhook. Each part runs on a fresh stack, one after the other (the machine is
 * small; parallel parts would skew each other). Order: quota-bound, headroom, latency (which may take half the
 * measured headroom as its rate), open-journeys (the longest), review-queue (no worker: cases seeded in review), reads
 * (status and result of ended journeys, read back to back).
 */
export async function benchJourneys(options: JourneysOptions = {}): Promise<JourneysBenchResult> {
  const full = options.only === undefined;
  const target = options.cluster ? 'cluster' : 'dev-server';
  const parts: readonly Section[] = options.cluster ? CLUSTER_SECTIONS : SECTIONS;
  const wanted = (section: Section) => (full ? parts.includes(section) : (options.only?.includes(section) ?? false));
  const run: JourneysRun = { quotaBound: [], headroom: [], failures: [] };
  const attempt = async <T>(name: string, part: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await part();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      progress(`${name} FAILED: ${reason}`);
      run.failures.push(`${name}: ${reason}`);
      return undefined;
    }
  };

  if (wanted('quota-bound')) {
    const quotas = options.quota !== undefined ? [options.quota] : full && !options.cluster ? [5, 20] : [5];
    for (const quota of quotas) {
      const journeys = options.journeys ?? QUOTA_DEFAULTS[quota] ?? Math.round(80 * quota);
      const detail = await attempt(`quota-bound Q=${quota}`, () => quotaBound(journeys, quota, target));
      if (detail) run.quotaBound.push(detail);
    }
  }
  if (wanted('headroom')) {
    for (const mode of options.backend ? [options.backend] : BACKEND_MODES) {
      const backend = backendOf(mode, options);
      const detail = await attempt(`headroom (${mode})`, () => headroom(options.journeys ?? 1000, target, backend));
      if (detail) run.headroom.push(detail);
    }
  }
  if (wanted('latency')) {
    const webhookRun = run.headroom.find((detail) => detail.result.backend === 'webhook');
    const half = webhookRun ? webhookRun.result.journeysPerSecond / 2 : undefined;
    const [rate, reason] =
      options.rate !== undefined
        ? [options.rate, '--rate']
        : half !== undefined && half > 0 && half < 10
          ? [
              Math.max(0.5, Math.round(half * 10) / 10),
              `half the headroom measured in this run (${(half * 2).toFixed(1)}/s)`,
            ]
          : [10, 'the default 10 journeys/s'];
    // 65 s of arrivals: the first 5 s are left out, 60 s are measured.
    run.latency = await attempt('latency', () => latency(options.journeys ?? Math.ceil(rate * 65), rate, reason));
  }
  if (wanted('open-journeys')) {
    run.openJourneys = await attempt('open-journeys', () =>
      openJourneys(options.journeys ?? 12_000, options.rate ?? 20),
    );
  }

  if (wanted('review-queue')) {
    run.reviewQueue = await attempt('review-queue', () => reviewQueue(options.journeys ?? 10_000));
  }
  if (wanted('reads')) {
    run.reads = await attempt('reads', () => reads(options.journeys ?? 400));
  }

  const summary: Record<string, unknown> = { section: 'journeys' };
  run.quotaBound.forEach((detail, index) => {
    summary[index === 0 ? 'quotaBound' : `quotaBound${detail.result.quotaPerSecond}`] = detail.result;
  });
  for (const detail of run.headroom) {
    summary[detail.result.backend === 'webhook' ? 'headroom' : `headroom-${detail.result.backend}`] = detail.result;
  }
  if (run.openJourneys) summary.openJourneys = run.openJourneys.result;
  if (run.latency) summary.latency = run.latency.result;
  if (run.reviewQueue) summary.reviewQueue = run.reviewQueue.result;
  if (run.reads) summary.reads = run.reads.result;
  return { section: journeysSection(run, options), summary, full, failed: run.failures.length > 0 };
}
