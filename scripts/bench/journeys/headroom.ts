import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { closedLoop, playJourney, type Backend } from './load';
import { cpuMsOfTree } from './proc';
import { errorSummary, phases, round, throughput, type Phases, type Throughput } from './stats';
import type { StackPids, StackTarget } from './stack';
import { progress, withStack } from './with-stack';

/**
 * CPU by process role. On the cluster, `server` is the Temporal server with its UI server, `database` PostgreSQL with
 * its backends and `archive` MinIO; on the dev server, `server` is all of Temporal (its SQLite inside).
 */
type CpuByRole = Partial<Record<'database' | 'archive', number>> &
  Record<'server' | 'worker' | 'gateway' | 'emulator', number>;

/** The figures of the headroom run, as the JSON line carries them. */
interface HeadroomResult {
  backend: Backend['mode'];
  journeys: number;
  journeysPerSecond: number;
  cpuMsPerJourney: CpuByRole;
  /** Per cent of one core each role took while idle: after start-up, and from 30 s after the load ended. */
  idlePercentOfCore: { afterStartup: CpuByRole; afterLoad: CpuByRole };
}

/** What the section text adds. */
export interface HeadroomDetail {
  result: HeadroomResult;
  /** The polling backend's interval, when it polled. */
  pollIntervalMs?: number;
  /** `GET …/result` requests per completed journey, when the backend polled. */
  pollsPerJourney?: number;
  users: number;
  quotaPerSecond: number;
  workers: number;
  gateways: number;
  throughput: Throughput;
  failed: number;
  /** CPU of the bench process itself (the users, the webhook receiver) per journey: it shares the machine. */
  benchCpuMsPerJourney: number;
  /** The machine's one-minute load average as the load ended: above its core count, everything waited for CPU. */
  loadAverage: number;
  errors: string;
  /** The backend's and the client app's waits under this load. */
  phases: Phases;
}

const USERS = 100;
/** High enough that no FaceID queue limits anything: what is left is the stack's own cost. */
const QUOTA_OUT_OF_THE_WAY = 1000;
/** Each idle reading spans this long; the one after the load starts this long after it ended. */
export const IDLE_WINDOW_MS = 30_000;

function cpuByRole(pids: StackPids): CpuByRole {
  const sum = (list: number[]) => list.reduce((total, pid) => total + cpuMsOfTree(pid), 0);
  const optional = (pid: number | undefined) => (pid === undefined ? 0 : cpuMsOfTree(pid));
  return {
    server: cpuMsOfTree(pids.server) + optional(pids.ui),
    ...(pids.database !== undefined ? { database: cpuMsOfTree(pids.database) } : {}),
    ...(pids.archive !== undefined ? { archive: cpuMsOfTree(pids.archive) } : {}),
    worker: sum(pids.workers),
    gateway: sum(pids.gateways),
    emulator: cpuMsOfTree(pids.emulator),
  };
}

/** Each role's CPU between two readings, divided by `per` and rounded. */
function difference(before: CpuByRole, after: CpuByRole, per: number, digits: number): CpuByRole {
  const out: Record<string, number> = {};
  for (const [role, ms] of Object.entries(after)) {
    out[role] = per > 0 ? round((ms - (before[role as keyof CpuByRole] ?? 0)) / per, digits) : 0;
  }
  return out as CpuByRole;
}

/** Per cent of one core each role takes over the next idle window. */
async function idleReading(pids: StackPids, signal: AbortSignal): Promise<CpuByRole> {
  const before = cpuByRole(pids);
  const startMs = performance.now();
  await sleep(IDLE_WINDOW_MS, undefined, { signal });
  return difference(before, cpuByRole(pids), (performance.now() - startMs) / 100, 1);
}

/** Sum of a reading over its roles. */
export const totalOf = (reading: CpuByRole): number => Object.values(reading).reduce((sum, value) => sum + value, 0);

/**
 * 100 concurrent users, each playing liveness journeys back to back: the stack's throughput and CPU per journey, with
 * the stack's idle CPU before the load and once it has settled after it.
 */
export function headroom(
  journeys: number,
  target: StackTarget = 'dev-server',
  backend: Backend = { mode: 'webhook' },
): Promise<HeadroomDetail> {
  // The cluster runs as it is deployed, with two workers; the dev server as `npm start` runs it, with one.
  const workers = target === 'cluster' ? 2 : 1;
  const webhooks = backend.mode === 'webhook';
  return withStack({ quotaPerSecond: QUOTA_OUT_OF_THE_WAY, workers, target, webhooks }, async (stack) => {
    progress(`headroom: idle for ${IDLE_WINDOW_MS / 1000} s after start-up`);
    const afterStartup = await idleReading(stack.pids, stack.signal);
    // Bounded even at 2 journeys/s.
    const deadlineMs = performance.now() + (120 + journeys / 2) * 1000;
    const runId = `h-${Date.now().toString(36)}`;
    progress(`headroom: ${journeys} journeys, ${USERS} concurrent users, ${backend.mode} backend`);
    const before = cpuByRole(stack.pids);
    const benchBefore = process.cpuUsage();
    const records = await closedLoop({
      count: journeys,
      concurrency: USERS,
      deadlineMs,
      signal: stack.signal,
      run: (index) => playJourney(stack, index, runId, deadlineMs, backend),
    });
    const after = cpuByRole(stack.pids);
    const bench = process.cpuUsage(benchBefore);
    const loadAverage = round(loadavg()[0] ?? 0, 1);
    const run = throughput(records);
    progress(`headroom: idle for ${IDLE_WINDOW_MS / 1000} s, ${IDLE_WINDOW_MS / 1000} s after the load`);
    await sleep(IDLE_WINDOW_MS, undefined, { signal: stack.signal });
    const afterLoad = await idleReading(stack.pids, stack.signal);
    const result: HeadroomResult = {
      backend: backend.mode,
      journeys,
      journeysPerSecond: round(run.journeysPerSecond),
      cpuMsPerJourney: difference(before, after, run.completed, 1),
      idlePercentOfCore: { afterStartup, afterLoad },
    };
    progress(`headroom: ${JSON.stringify(result)}`);
    const polls = records.reduce((sum, record) => sum + (record.polls ?? 0), 0);
    return {
      result,
      ...(backend.mode === 'polling'
        ? {
            pollIntervalMs: backend.intervalMs,
            pollsPerJourney: run.completed > 0 ? round(polls / run.completed, 1) : 0,
          }
        : {}),
      users: USERS,
      quotaPerSecond: QUOTA_OUT_OF_THE_WAY,
      workers,
      gateways: stack.gatewayUrls.length,
      throughput: run,
      failed: records.filter((record) => record.outcome?.outcome !== 'approved').length + (journeys - records.length),
      loadAverage,
      benchCpuMsPerJourney: run.completed > 0 ? round((bench.user + bench.system) / 1000 / run.completed, 1) : 0,
      errors: errorSummary(records),
      phases: phases(records),
    };
  });
}
