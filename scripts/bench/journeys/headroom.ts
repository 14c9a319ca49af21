import { performance } from 'node:perf_hooks';
import { closedLoop, playJourney } from './load';
import { cpuMsOfTree } from './proc';
import { errorSummary, phases, round, throughput, type Phases, type Throughput } from './stats';
import type { StackPids, StackTarget } from './stack';
import { progress, withStack } from './with-stack';

/** The figures of the headroom run, as the JSON line carries them. */
interface HeadroomResult {
  journeys: number;
  journeysPerSecond: number;
  cpuMsPerJourney: { server: number; worker: number; gateway: number; emulator: number };
}

/** What the section text adds. */
export interface HeadroomDetail {
  result: HeadroomResult;
  users: number;
  quotaPerSecond: number;
  throughput: Throughput;
  failed: number;
  /** CPU of the bench process itself (the users, the webhook receiver) per journey: it shares the machine. */
  benchCpuMsPerJourney: number;
  errors: string;
  /** The backend's and the client app's waits under this load. */
  phases: Phases;
}

const USERS = 100;
/** High enough that no FaceID queue limits anything: what is left is the stack's own cost. */
const QUOTA_OUT_OF_THE_WAY = 1000;

function cpuByRole(pids: StackPids): HeadroomResult['cpuMsPerJourney'] {
  return {
    // On the cluster, "server" is the Temporal server and PostgreSQL with its backends.
    server: cpuMsOfTree(pids.server) + (pids.database !== undefined ? cpuMsOfTree(pids.database) : 0),
    worker: pids.workers.reduce((sum, pid) => sum + cpuMsOfTree(pid), 0),
    gateway: cpuMsOfTree(pids.gateway),
    emulator: cpuMsOfTree(pids.emulator),
  };
}

/** 100 concurrent users, each playing liveness journeys back to back: the stack's throughput and CPU per journey. */
export function headroom(journeys: number, target: StackTarget = 'dev-server'): Promise<HeadroomDetail> {
  // The cluster runs as it is deployed, with two workers; the dev server as `npm start` runs it, with one.
  const workers = target === 'cluster' ? 2 : 1;
  return withStack({ quotaPerSecond: QUOTA_OUT_OF_THE_WAY, workers, target }, async (stack) => {
    // Bounded even at 2 journeys/s.
    const deadlineMs = performance.now() + (120 + journeys / 2) * 1000;
    const runId = `h-${Date.now().toString(36)}`;
    progress(`headroom: ${journeys} journeys, ${USERS} concurrent users`);
    const before = cpuByRole(stack.pids);
    const benchBefore = process.cpuUsage();
    const records = await closedLoop({
      count: journeys,
      concurrency: USERS,
      deadlineMs,
      signal: stack.signal,
      run: (index) => playJourney(stack, index, runId, deadlineMs),
    });
    const after = cpuByRole(stack.pids);
    const bench = process.cpuUsage(benchBefore);
    const run = throughput(records);
    const per = (role: keyof HeadroomResult['cpuMsPerJourney']) =>
      run.completed > 0 ? round((after[role] - before[role]) / run.completed, 1) : 0;
    const result: HeadroomResult = {
      journeys,
      journeysPerSecond: round(run.journeysPerSecond),
      cpuMsPerJourney: {
        server: per('server'),
        worker: per('worker'),
        gateway: per('gateway'),
        emulator: per('emulator'),
      },
    };
    progress(`headroom: ${JSON.stringify(result)}`);
    return {
      result,
      users: USERS,
      quotaPerSecond: QUOTA_OUT_OF_THE_WAY,
      throughput: run,
      failed: records.filter((record) => record.outcome?.outcome !== 'approved').length + (journeys - records.length),
      benchCpuMsPerJourney: run.completed > 0 ? round((bench.user + bench.system) / 1000 / run.completed, 1) : 0,
      errors: errorSummary(records),
      phases: phases(records),
    };
  });
}
