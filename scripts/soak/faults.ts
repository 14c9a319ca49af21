import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultSpec } from '../../src/emulator/sandbox-client';
import type { Stack } from '../bench/journeys/stack';
import type { SmallDisk } from './small-disk';

/** What a journey must end with under a fault. */
export interface Expected {
  outcome: string;
  /** A reason the outcome must carry. */
  reason?: string;
}

/** What a fault gets while its phase runs. */
export interface PhaseContext {
  stack: Stack;
  /** Journeys this phase plays. */
  journeys: number;
  /** Set once every journey of the phase has settled: a fault that waits for something stops waiting. */
  settled: AbortSignal;
  /** The archive's own filesystem, when the machine could mount one. */
  disk?: SmallDisk;
  /** The key ring the stack runs with; a rotation replaces it. */
  codecKeys: { current: string };
}

/** One row of the fault matrix. */
export interface Fault {
  name: string;
  /** What is done to the stack, for the report. */
  what: string;
  expected: Expected;
  /** Part of the short matrix that runs inside `npm test`. */
  short?: boolean;
  /** Why the fault cannot run on this machine, if it cannot. */
  unavailable?: (ctx: Omit<PhaseContext, 'settled' | 'journeys'>) => string | undefined;
  /** Runs the fault alongside the phase's journeys; resolves with what it did (e.g. "2 kills"). */
  run: (ctx: PhaseContext) => Promise<string>;
}

const APPROVED: Expected = { outcome: 'approved' };

/** The archive's size cap in the soak's stack, and the size of the oversize videos (just over it). */
export const SOAK_MEDIA_MAX_BYTES = 8 * 1024 * 1024;
const OVERSIZE_BYTES = SOAK_MEDIA_MAX_BYTES + 1024 * 1024;

/** The liveness flow's result action, whose answer carries the media URLs. */
const RESULT_ACTION = 'GetLivenessResult';

/** `ms` (or until the phase settles, without `ms`), or less when the phase settles first. */
async function pause(ctx: PhaseContext, ms?: number): Promise<void> {
  if (ctx.settled.aborted) return;
  if (ms === undefined) {
    await new Promise((resolve) => ctx.settled.addEventListener('abort', resolve, { once: true }));
    return;
  }
  await sleep(ms, undefined, { signal: ctx.settled }).catch(() => undefined);
}

/** Polls `check` every `everyMs` until it holds (true) or the phase settles (false). */
async function until(ctx: PhaseContext, check: () => Promise<boolean>, everyMs: number): Promise<boolean> {
  while (!ctx.settled.aborted) {
    if (await check()) return true;
    await pause(ctx, everyMs);
  }
  return false;
}

/** One event per ten journeys (at least one), `gapMs` apart: enough to hit journeys in every stage. */
const eventsFor = (ctx: PhaseContext) => Math.max(1, Math.floor(ctx.journeys / 10));

/**
 * Injects emulator faults for `ms` (or for the whole phase, from its first journey on), then removes them. A burst of
 * limited length starts a second in, when the first journeys are under way.
 */
async function burst(ctx: PhaseContext, specs: FaultSpec[], ms?: number): Promise<string> {
  if (ms !== undefined) await pause(ctx, 1_000);
  for (const spec of specs) await ctx.stack.sandbox.injectFault(spec);
  await pause(ctx, ms);
  const { faults } = await ctx.stack.sandbox.faults();
  await ctx.stack.sandbox.clearFaults();
  const fired = faults.reduce((sum, rule) => sum + rule.fired, 0);
  return `${fired} faulty answers${ms ? ` in ${ms / 1000} s` : ''}`;
}

/** SIGKILLs the worker each time `trigger` holds, restarting it at once, {@link eventsFor} times. */
async function killWorkerWhen(ctx: PhaseContext, trigger: () => Promise<boolean>, pollMs: number): Promise<number> {
  let kills = 0;
  for (let i = 0; i < eventsFor(ctx); i += 1) {
    if (!(await until(ctx, trigger, pollMs))) break;
    await ctx.stack.replace('worker', { signal: 'SIGKILL' });
    kills += 1;
    await pause(ctx, 3_000);
  }
  return kills;
}

const sessionsIssued = async (stack: Stack) => (await stack.sandbox.stats()).sessions.issued;

/** A fresh payload key, as `<id>:<Base64 of 32 bytes>`. */
function freshKey(generation: number): string {
  return `soak-${generation}:${randomBytes(32).toString('base64')}`;
}

/** Rolls a key ring out to the worker, then the gateway, each restarted gracefully, as a deployment would. */
async function rollOut(ctx: PhaseContext, ring: string): Promise<void> {
  await ctx.stack.replace('worker', { signal: 'SIGTERM', env: { CODEC_KEYS: ring } });
  await ctx.stack.replace('gateway', { signal: 'SIGTERM', env: { CODEC_KEYS: ring } });
  ctx.codecKeys.current = ring;
}

/** The fault matrix, in the order it runs. */
export const FAULTS: readonly Fault[] = [
  {
    name: 'worker-kill-mid-download',
    what: 'worker SIGKILLed while media downloads run (slowed to 4 s), restarted',
    expected: APPROVED,
    run: async (ctx) => {
      await ctx.stack.sandbox.injectFault({ action: RESULT_ACTION, fault: 'slow_media', latencyMs: 4_000, rate: 1 });
      const inFlight = async () => ((await ctx.stack.sandbox.stats()).media.inFlight ?? 0) > 0;
      const kills = await killWorkerWhen(ctx, inFlight, 50);
      await ctx.stack.sandbox.clearFaults();
      return `${kills} kills mid-download`;
    },
  },
  {
    name: 'worker-kill-after-side-effect',
    what: 'worker SIGKILLed within milliseconds of FaceID issuing a token, restarted',
    expected: APPROVED,
    short: true,
    run: async (ctx) => {
      let seen = await sessionsIssued(ctx.stack);
      const issued = async () => {
        const now = await sessionsIssued(ctx.stack);
        const changed = now > seen;
        seen = now;
        return changed;
      };
      return `${await killWorkerWhen(ctx, issued, 5)} kills after a token`;
    },
  },
  {
    name: 'worker-sigterm',
    what: 'worker stopped gracefully (SIGTERM) mid-load, restarted',
    expected: APPROVED,
    run: async (ctx) => {
      let stops = 0;
      for (let i = 0; i < eventsFor(ctx) && !ctx.settled.aborted; i += 1) {
        await pause(ctx, 3_000);
        await ctx.stack.replace('worker', { signal: 'SIGTERM' });
        stops += 1;
      }
      return `${stops} graceful stops`;
    },
  },
  {
    name: 'server-kill',
    what: 'Temporal dev server SIGKILLed mid-load, down 5 s, restarted on its database',
    expected: APPROVED,
    short: true,
    run: async (ctx) => {
      let kills = 0;
      for (let i = 0; i < eventsFor(ctx) && !ctx.settled.aborted; i += 1) {
        await pause(ctx, 3_000);
        await ctx.stack.replace('server', { signal: 'SIGKILL', downMs: 5_000 });
        kills += 1;
      }
      return `${kills} server kills`;
    },
  },
  {
    name: 'faceid-error-burst',
    what: 'every FaceID action: InternalError (50 %) and HTTP 502 (20 %) for 20 s',
    expected: APPROVED,
    short: true,
    run: (ctx) =>
      burst(
        ctx,
        [
          { action: '*', fault: 'InternalError', rate: 0.5 },
          { action: '*', fault: 'http_5xx', rate: 0.2 },
        ],
        20_000,
      ),
  },
  {
    name: 'faceid-hang',
    what: 'FaceID answers 25 % of calls after 40 s (past the 30 s call timeout) for 15 s',
    expected: APPROVED,
    run: async (ctx) => {
      const did = await burst(ctx, [{ action: '*', fault: 'latency', latencyMs: 40_000, rate: 0.25 }], 15_000);
      // A hung call still completes on FaceID's side after the caller gave up (a token call issues its token then):
      // let the last ones land inside this phase, so its count of re-issued tokens is its own.
      await sleep(40_000);
      return did;
    },
  },
  {
    name: 'faceid-reset',
    what: 'FaceID resets 40 % of connections for 20 s',
    expected: APPROVED,
    run: (ctx) => burst(ctx, [{ action: '*', fault: 'connection_reset', rate: 0.4 }], 20_000),
  },
  {
    name: 'faceid-malformed',
    what: 'FaceID answers 40 % of calls with truncated JSON for 20 s',
    expected: APPROVED,
    run: (ctx) => burst(ctx, [{ action: '*', fault: 'malformed_json', rate: 0.4 }], 20_000),
  },
  {
    name: 'media-url-expired',
    what: 'half the results hand out media URLs that already expired (403)',
    expected: APPROVED,
    run: async (ctx) => {
      // One at a time, each once it fired: a journey refetches fresh URLs right away and must not meet the next one
      // (it refetches at most twice, by design).
      let fired = 0;
      for (let i = 0; i < Math.ceil(ctx.journeys / 2) && !ctx.settled.aborted; i += 1) {
        await ctx.stack.sandbox.injectFault({ action: RESULT_ACTION, fault: 'expired_media', count: 1 });
        if (await until(ctx, async () => (await ctx.stack.sandbox.faults()).faults.length === 0, 100)) fired += 1;
        await pause(ctx, 1_000);
      }
      await ctx.stack.sandbox.clearFaults();
      return `${fired} results with expired URLs`;
    },
  },
  {
    name: 'media-slow',
    what: 'every media download spread over 6 s',
    expected: APPROVED,
    run: (ctx) => burst(ctx, [{ action: RESULT_ACTION, fault: 'slow_media', latencyMs: 6_000, rate: 1 }]),
  },
  {
    name: 'media-truncated',
    what: 'half the results: the first download of each file breaks off halfway',
    expected: APPROVED,
    run: (ctx) => burst(ctx, [{ action: RESULT_ACTION, fault: 'truncated_media', downloads: 1, rate: 0.5 }]),
  },
  {
    name: 'media-corrupt-byte',
    what: 'half the results: the first download of each file has one flipped byte',
    expected: APPROVED,
    short: true,
    run: (ctx) => burst(ctx, [{ action: RESULT_ACTION, fault: 'corrupt_media', downloads: 1, rate: 0.5 }]),
  },
  {
    name: 'media-oversize',
    what: 'every result hands out a video over MEDIA_MAX_BYTES',
    expected: { outcome: 'failed', reason: 'media_too_large' },
    run: (ctx) => burst(ctx, [{ action: RESULT_ACTION, fault: 'oversize_media', bytes: OVERSIZE_BYTES, rate: 1 }]),
  },
  {
    name: 'disk-full',
    what: 'the archive filesystem filled to the last byte for 20 s, then freed',
    expected: APPROVED,
    unavailable: (ctx) => (ctx.disk ? undefined : 'no small filesystem (see the start of the run)'),
    run: async (ctx) => {
      const disk = ctx.disk as SmallDisk;
      await pause(ctx, 2_000);
      await disk.fill();
      await pause(ctx, 20_000);
      await disk.free();
      return 'full for 20 s';
    },
  },
  {
    name: 'codec-key-rotation',
    what: 'payload key rotated mid-load as documented: a new key added second, then moved first, on worker and gateway',
    expected: APPROVED,
    run: async (ctx) => {
      await pause(ctx, 3_000);
      const [current, ...older] = ctx.codecKeys.current.split(',');
      const fresh = freshKey(older.length + 2);
      await rollOut(ctx, [current, fresh, ...older].join(','));
      await rollOut(ctx, [fresh, current, ...older].join(','));
      return '1 rotation (4 graceful restarts)';
    },
  },
];
