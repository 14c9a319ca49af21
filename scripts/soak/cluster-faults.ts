import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplaceOptions } from '../lib/supervisor';
import { APPROVED, type Fault, type PhaseContext } from './faults';

/**
 * Restarts the children `names` in turn, `ctx.repeat` times in all, one every `periodMs` (or as soon as the last one
 * is ready again, when that takes longer): the middle of each period, so journeys that arrived in it are in flight.
 * Each restart waits until the child is ready again, as a service manager's restart does. Not cut short when the
 * phase's journeys settle: a row shows every repeat.
 */
async function restartInTurn(
  ctx: PhaseContext,
  names: readonly string[],
  options: ReplaceOptions,
  periodMs: number,
): Promise<number> {
  const startMs = Date.now();
  let events = 0;
  for (let i = 0; i < ctx.repeat && !ctx.stack.signal.aborted; i += 1) {
    const due = startMs + (i + 0.5) * periodMs;
    await sleep(Math.max(0, due - Date.now()));
    await ctx.stack.replace(names[i % names.length] as string, options);
    events += 1;
  }
  return events;
}

/** A cluster fault that restarts `names` in turn, with its journeys spread over its `repeat` periods. */
function restartFault(fault: {
  name: string;
  what: string;
  names: readonly string[];
  options: ReplaceOptions;
  /** Time between two restarts: longer than one takes on a 2-core machine, so each meets the cluster serving again. */
  periodMs: number;
  did: (events: number) => string;
}): Fault {
  return {
    name: fault.name,
    what: fault.what,
    expected: APPROVED,
    arrivalsPerSecond: ({ journeys, repeat }) => journeys / ((repeat * fault.periodMs) / 1000),
    run: async (ctx) => {
      const events = await restartInTurn(ctx, fault.names, fault.options, fault.periodMs);
      return { events, did: fault.did(events) };
    },
  };
}

/** The cluster's fault matrix (`npm run soak -- --cluster`), in the order it runs. */
export const CLUSTER_FAULTS: readonly Fault[] = [
  restartFault({
    name: 'worker-kill',
    what: 'one of the two workers SIGKILLed (each in turn) and started again; the other keeps polling',
    names: ['worker-1', 'worker-2'],
    options: { signal: 'SIGKILL' },
    // A worker bundles the workflow code as it starts, as `npm run cluster` starts it: about 10 s here.
    periodMs: 15_000,
    did: (events) => `${events} worker kills`,
  }),
  restartFault({
    name: 'gateway-kill',
    what: 'one of the two gateways SIGKILLed (each in turn) and started again; clients retry on the other',
    names: ['gateway-1', 'gateway-2'],
    options: { signal: 'SIGKILL' },
    periodMs: 6_000,
    did: (events) => `${events} gateway kills`,
  }),
  restartFault({
    name: 'server-kill',
    what: 'the Temporal server (all four services) SIGKILLed and started again on its database',
    names: ['temporal'],
    options: { signal: 'SIGKILL' },
    periodMs: 15_000,
    did: (events) => `${events} server kills`,
  }),
  restartFault({
    name: 'postgres-restart',
    what: 'PostgreSQL restarted (fast shutdown, then recovery) under the Temporal server',
    names: ['postgres'],
    options: { signal: 'SIGINT' },
    periodMs: 10_000,
    did: (events) => `${events} database restarts`,
  }),
  restartFault({
    name: 'minio-restart',
    what: 'MinIO, the archive, stopped and started again',
    names: ['minio'],
    options: { signal: 'SIGTERM' },
    periodMs: 6_000,
    did: (events) => `${events} archive restarts`,
  }),
];
