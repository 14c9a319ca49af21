import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { openArchiveStore } from '../../src/store/open-store';
import { openLoop } from '../bench/journeys/load';
import { startStack } from '../bench/journeys/stack';
import { auditPhase, emulatorMediaMd5s, noCounts, type SoakRow } from './audit';
import { startClusterSoakStack } from './cluster-stack';
import { SOAK_MEDIA_MAX_BYTES, type Fault, type PhaseContext } from './faults';
import { playSoakJourney } from './journey';
import { mountSmallDisk, type SmallDisk } from './small-disk';
import type { SoakStack, SoakTarget } from './soak-stack';

/** How long one journey may take under its fault, from its phase's start, before it counts as stuck or lost. */
const PHASE_DEADLINE_MS = 8 * 60_000;

/** A moment for retried webhook deliveries to land before a phase is audited. */
const LATE_DELIVERY_MS = 2_000;

/** Disk per journey for the archive's own filesystem (a 2.5 MB video, its best frame, manifest), with room to spare. */
const DISK_MIB_PER_JOURNEY = 4;

export interface SoakOptions {
  target: SoakTarget;
  faults: readonly Fault[];
  /** Journeys per fault. */
  journeys: number;
  /** How many times each fault acts, at least; on the dev stack, once per journey. */
  repeat: number;
  /** Progress lines. */
  log: (line: string) => void;
}

/** What the soak found, and where it ran. */
export interface SoakResult {
  rows: SoakRow[];
  /** Why the archive ran on the stack's ordinary folder instead of a small filesystem, if it did. */
  diskUnavailable?: string;
}

/** The quota the soak's workers and emulator run with (FACEID_RATE_LIMIT), as in the bench's quota-bound section. */
const SOAK_QUOTA_PER_SECOND = 20;

/**
 * Runs the fault matrix against the product as users run it (on the dev stack: dev server, emulator, worker and gateway
 * as separate processes; on the cluster: the topology of `npm run cluster`; journeys through the public API, outcomes
 * by webhook): one phase per fault, its journeys arriving while the fault acts, audited once every journey has settled.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  // The archive's own small filesystem is for the dev stack's disk-full fault; the cluster archives to MinIO.
  const mounted =
    options.target === 'dev-server'
      ? await mountSmallDisk(256 + options.faults.length * options.journeys * DISK_MIB_PER_JOURNEY)
      : undefined;
  const disk = mounted && !('unavailable' in mounted) ? mounted : undefined;
  const diskUnavailable = mounted && 'unavailable' in mounted ? mounted.unavailable : undefined;
  if (diskUnavailable) options.log(`[soak] the archive stays on the stack's folder: ${diskUnavailable}`);
  const codecKeys = { current: `soak-1:${randomBytes(32).toString('base64')}` };
  const env = { CODEC_KEYS: codecKeys.current, MEDIA_MAX_BYTES: String(SOAK_MEDIA_MAX_BYTES) };
  let stack: SoakStack | undefined;
  try {
    stack =
      options.target === 'cluster'
        ? await startClusterSoakStack({ quotaPerSecond: SOAK_QUOTA_PER_SECOND, env, log: options.log })
        : await startDevSoakStack(env, disk);
    const knownMd5s = emulatorMediaMd5s();
    const runId = randomBytes(3).toString('hex');
    const rows: SoakRow[] = [];
    for (const fault of options.faults) {
      const unavailable = fault.unavailable?.({ stack, disk, codecKeys });
      if (unavailable) {
        rows.push(skippedRow(fault, options.repeat, unavailable));
        options.log(`[soak] ${fault.name}: skipped (${unavailable})`);
        continue;
      }
      options.log(`[soak] ${fault.name}: ${options.journeys} journeys; ${fault.what}`);
      const phase = runPhase({
        stack,
        fault,
        disk,
        codecKeys,
        journeys: options.journeys,
        repeat: options.repeat,
        runId,
        knownMd5s,
      });
      const row = await Promise.race([phase, stack.crashed]);
      rows.push(row);
      options.log(`[soak] ${fault.name}: ${row.did}; ${summary(row)}`);
    }
    return { rows, ...(diskUnavailable ? { diskUnavailable } : {}) };
  } catch (error) {
    if (stack) process.stderr.write(`[soak] last log lines:\n${stack.logTail(40)}\n`);
    throw error;
  } finally {
    await stack?.archive.close?.();
    await stack?.stop();
    await disk?.release();
  }
}

/** The stack of `npm start` (one worker, one gateway), archiving to the small filesystem when there is one. */
async function startDevSoakStack(env: NodeJS.ProcessEnv, disk: SmallDisk | undefined): Promise<SoakStack> {
  const stack = await startStack({
    quotaPerSecond: SOAK_QUOTA_PER_SECOND,
    workers: 1,
    env: { ...env, ...(disk ? { ARCHIVE_URL: `file://${disk.path}` } : {}) },
  });
  const archive = openArchiveStore(disk ? `file://${disk.path}` : undefined, stack.dataDir);
  return { ...stack, gatewayUrls: [stack.gatewayUrl], archive };
}

async function runPhase(options: {
  stack: SoakStack;
  fault: Fault;
  disk?: SmallDisk | undefined;
  codecKeys: PhaseContext['codecKeys'];
  journeys: number;
  repeat: number;
  runId: string;
  knownMd5s: ReadonlySet<string>;
}): Promise<SoakRow> {
  const { stack, fault, journeys: count } = options;
  await stack.sandbox.clearFaults();
  const issuedBefore = (await stack.sandbox.stats()).sessions.issued;
  const restartsBefore = stack.unplannedRestarts?.().length ?? 0;
  const settled = new AbortController();
  const ctx: PhaseContext = {
    stack,
    repeat: options.repeat,
    settled: settled.signal,
    ...(options.disk ? { disk: options.disk } : {}),
    codecKeys: options.codecKeys,
  };
  const deadlineMs = performance.now() + PHASE_DEADLINE_MS;
  const faultRun = fault
    .run(ctx)
    .catch((error: unknown) => ({ events: 0, did: `the fault itself failed: ${(error as Error).message}` }));
  const journeys = await openLoop({
    count,
    perSecond: arrivalsPerSecond(fault, { journeys: count, repeat: options.repeat }),
    deadlineMs,
    signal: stack.signal,
    launch: (index) => playSoakJourney(stack, `soak-${options.runId}-${fault.name}-${index}`, index, deadlineMs),
  });
  settled.abort();
  const { events, did } = await faultRun;
  const restarted = stack.unplannedRestarts?.().slice(restartsBefore) ?? [];
  await stack.sandbox.clearFaults();
  await options.disk?.free();
  await sleep(LATE_DELIVERY_MS);
  const audit = await auditPhase({
    stack,
    store: stack.archive,
    journeys,
    deliveries: stack.receiver.received,
    expected: fault.expected,
    knownMd5s: options.knownMd5s,
    tokensIssued: (await stack.sandbox.stats()).sessions.issued - issuedBefore,
  });
  return {
    fault: fault.name,
    what: fault.what,
    did: did + restartsNoted(restarted),
    events,
    repeat: options.repeat,
    ...audit,
  };
}

/** Children that died on their own during a phase, as the row's "did" says them: "; restarted on their own: worker-1 ×2". */
function restartsNoted(names: readonly string[]): string {
  if (names.length === 0) return '';
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const listed = [...counts].map(([name, times]) => `${name} ×${times}`).join(', ');
  return `; restarted on their own: ${listed}`;
}

function arrivalsPerSecond(fault: Fault, phase: { journeys: number; repeat: number }): number {
  const rate = fault.arrivalsPerSecond ?? 2;
  return typeof rate === 'number' ? rate : rate(phase);
}

function skippedRow(fault: Fault, repeat: number, why: string): SoakRow {
  return {
    fault: fault.name,
    what: fault.what,
    did: `skipped: ${why}`,
    skipped: true,
    events: 0,
    repeat,
    ...noCounts(0),
  };
}

function summary(row: SoakRow): string {
  return (
    `lost ${row.lost}, stuck ${row.stuck}, twice ${row.endedTwice}, wrong ${row.wrongOutcome}, ` +
    `webhooks missing ${row.webhooksMissing}, md5 ${row.md5Mismatches}; ` +
    `duplicate deliveries ${row.duplicateDeliveries}, re-issued tokens ${row.reissuedTokens}`
  );
}
