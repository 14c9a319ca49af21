import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { openArchiveStore } from '../../src/store/open-store';
import type { ObjectStore } from '../../src/store/object-store';
import { openLoop } from '../bench/journeys/load';
import { startStack, type Stack } from '../bench/journeys/stack';
import { auditPhase, emulatorMediaMd5s, noCounts, type SoakRow } from './audit';
import { SOAK_MEDIA_MAX_BYTES, type Fault, type PhaseContext } from './faults';
import { playSoakJourney } from './journey';
import { mountSmallDisk, type SmallDisk } from './small-disk';

/** How long one journey may take under its fault, from its phase's start, before it counts as stuck or lost. */
const PHASE_DEADLINE_MS = 8 * 60_000;

/** A moment for retried webhook deliveries to land before a phase is audited. */
const LATE_DELIVERY_MS = 2_000;

/** Disk per journey for the archive's own filesystem (a 2.5 MB video, its best frame, manifest), with room to spare. */
const DISK_MIB_PER_JOURNEY = 4;

export interface SoakOptions {
  faults: readonly Fault[];
  /** Journeys per fault. */
  journeys: number;
  /** Progress lines. */
  log: (line: string) => void;
}

/** What the soak found, and where it ran. */
export interface SoakResult {
  rows: SoakRow[];
  /** Why the archive ran on the stack's ordinary folder instead of a small filesystem, if it did. */
  diskUnavailable?: string;
}

/**
 * Runs the fault matrix against the product as users run it (dev server, emulator, worker and gateway as separate
 * processes; journeys through the public API; outcomes by webhook): one phase per fault, its journeys arriving over
 * about ten seconds while the fault acts, audited once every journey has settled.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const diskMiB = 256 + options.faults.length * options.journeys * DISK_MIB_PER_JOURNEY;
  const mounted = await mountSmallDisk(diskMiB);
  const disk = 'unavailable' in mounted ? undefined : mounted;
  if (!disk)
    options.log(`[soak] the archive stays on the stack's folder: ${(mounted as { unavailable: string }).unavailable}`);
  const codecKeys = { current: `soak-1:${randomBytes(32).toString('base64')}` };
  let stack: Stack | undefined;
  try {
    stack = await startStack({
      quotaPerSecond: 20,
      workers: 1,
      env: {
        CODEC_KEYS: codecKeys.current,
        MEDIA_MAX_BYTES: String(SOAK_MEDIA_MAX_BYTES),
        ...(disk ? { ARCHIVE_URL: `file://${disk.path}` } : {}),
      },
    });
    const store = openArchiveStore(disk ? `file://${disk.path}` : undefined, stack.dataDir);
    const knownMd5s = emulatorMediaMd5s();
    const runId = randomBytes(3).toString('hex');
    const rows: SoakRow[] = [];
    for (const fault of options.faults) {
      const unavailable = fault.unavailable?.({ stack, disk, codecKeys });
      if (unavailable) {
        rows.push(skippedRow(fault, unavailable));
        options.log(`[soak] ${fault.name}: skipped (${unavailable})`);
        continue;
      }
      options.log(`[soak] ${fault.name}: ${options.journeys} journeys; ${fault.what}`);
      const phase = runPhase({ stack, store, fault, disk, codecKeys, journeys: options.journeys, runId, knownMd5s });
      const row = await Promise.race([phase, stack.crashed]);
      rows.push(row);
      options.log(`[soak] ${fault.name}: ${row.did}; ${summary(row)}`);
    }
    return { rows, ...(disk ? {} : { diskUnavailable: (mounted as { unavailable: string }).unavailable }) };
  } catch (error) {
    if (stack) process.stderr.write(`[soak] last log lines:\n${stack.logTail(40)}\n`);
    throw error;
  } finally {
    await stack?.stop();
    await disk?.release();
  }
}

async function runPhase(options: {
  stack: Stack;
  store: ObjectStore;
  fault: Fault;
  disk?: SmallDisk;
  codecKeys: PhaseContext['codecKeys'];
  journeys: number;
  runId: string;
  knownMd5s: ReadonlySet<string>;
}): Promise<SoakRow> {
  const { stack, fault, journeys: count } = options;
  await stack.sandbox.clearFaults();
  const issuedBefore = (await stack.sandbox.stats()).sessions.issued;
  const settled = new AbortController();
  const ctx: PhaseContext = {
    stack,
    journeys: count,
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
    perSecond: fault.arrivalsPerSecond ?? 2,
    deadlineMs,
    signal: stack.signal,
    launch: (index) => playSoakJourney(stack, `soak-${options.runId}-${fault.name}-${index}`, deadlineMs),
  });
  settled.abort();
  const { events, did } = await faultRun;
  await stack.sandbox.clearFaults();
  await options.disk?.free();
  await sleep(LATE_DELIVERY_MS);
  const audit = await auditPhase({
    stack,
    store: options.store,
    journeys,
    deliveries: stack.receiver.received,
    expected: fault.expected,
    knownMd5s: options.knownMd5s,
    tokensIssued: (await stack.sandbox.stats()).sessions.issued - issuedBefore,
  });
  return { fault: fault.name, what: fault.what, did, events, ...audit };
}

function skippedRow(fault: Fault, why: string): SoakRow {
  return {
    fault: fault.name,
    what: fault.what,
    did: `skipped: ${why}`,
    skipped: true,
    events: 0,
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
