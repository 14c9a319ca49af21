import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultSpec } from '../../src/emulator/sandbox-client';
import type { ReplaceOptions } from '../lib/supervisor';
import type { SmallDisk } from './small-disk';
import type { SoakStack } from './soak-stack';

/** What a journey must end with under a fault. */
export interface Expected {
  outcome: string;
  /** A reason the outcome must carry. */
  reason?: string;
}

/** What a fault gets while its phase runs. */
export interface PhaseContext {
  stack: SoakStack;
  /**
   * How many times the fault acts, at least (kills, restarts, faulty answers, fills): once per journey of the phase on
   * the dev stack, `--repeat` on the cluster.
   */
  repeat: number;
  /** Set once every journey of the phase has settled: a fault that waits for something stops waiting. */
  settled: AbortSignal;
  /** The archive's own filesystem, when the machine could mount one. */
  disk?: SmallDisk;
  /** The key ring the stack runs with; a rotation replaces it. */
  codecKeys: { current: string };
}

/** What a fault did: how many times it acted, and in words. */
interface FaultEvents {
  events: number;
  did: string;
}

/** One row of the fault matrix. */
export interface Fault {
  name: string;
  /** What is done to the stack, for the report. */
  what: string;
  expected: Expected;
  /** Part of the short matrix that runs inside `npm test`. */
  short?: boolean;
  /**
   * Journeys arriving per second (default 2), or how many for the phase's journeys and repeats. Faults that take the
   * stack down a while spread their journeys wider, so that journeys are still in flight for each of their events.
   */
  arrivalsPerSecond?: number | ((phase: { journeys: number; repeat: number }) => number);
  /** Why the fault cannot run on this machine, if it cannot. */
  unavailable?: (ctx: Omit<PhaseContext, 'settled' | 'repeat'>) => string | undefined;
  /** Runs the fault alongside the phase's journeys. */
  run: (ctx: PhaseContext) => Promise<FaultEvents>;
}

/** The outcome of a passing user's journey, whatever the fault did to the stack. */
export const APPROVED: Expected = { outcome: 'approved' };

/** The archive's size cap in the soak's stack, and the size of the oversize videos (just over it). */
export const SOAK_MEDIA_MAX_BYTES = 8 * 1024 * 1024;
const OVERSIZE_BYTES = SOAK_MEDIA_MAX_BYTES + 1024 * 1024;

/** The liveness flow's result action, whose answer carries the media URLs. */
const RESULT_ACTION = 'GetLivenessResult';

/** Arrivals of the faults that restart a process: 20 journeys over a minute. */
const SPREAD = 1 / 3;

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

/**
 * How often the phase's injected rules fired so far. A counted rule leaves the emulator's list once used up, so one
 * injected earlier and no longer listed fired its whole count.
 */
async function fired(ctx: PhaseContext, injected: ReadonlyArray<FaultSpec & { id: string }>): Promise<number> {
  const { faults } = await ctx.stack.sandbox.faults();
  const listed = new Map(faults.map((rule) => [rule.id, rule.fired]));
  return injected.reduce((sum, rule) => sum + (listed.get(rule.id) ?? rule.count ?? 0), 0);
}

/**
 * Injects emulator faults from the phase's start until they have fired once per journey of the phase (`whole`: for the
 * whole phase), then removes them.
 */
async function burst(ctx: PhaseContext, specs: FaultSpec[], options: { whole?: boolean } = {}): Promise<FaultEvents> {
  const injected: Array<FaultSpec & { id: string }> = [];
  for (const spec of specs) injected.push((await ctx.stack.sandbox.injectFault(spec)).fault);
  let events = 0;
  await until(
    ctx,
    async () => {
      events = await fired(ctx, injected);
      return !options.whole && events >= ctx.repeat;
    },
    250,
  );
  events = Math.max(events, await fired(ctx, injected));
  await ctx.stack.sandbox.clearFaults();
  return { events, did: `${events} faulty answers` };
}

/** Restarts a child as `replace` says each time `trigger` holds, once per journey of the phase. */
async function replaceWhen(
  ctx: PhaseContext,
  name: string,
  options: ReplaceOptions,
  trigger: () => Promise<boolean>,
  pollMs: number,
): Promise<number> {
  let events = 0;
  for (let i = 0; i < ctx.repeat; i += 1) {
    if (!(await until(ctx, trigger, pollMs))) break;
    await ctx.stack.replace(name, options);
    events += 1;
  }
  return events;
}

/** A trigger that holds once `count` has grown since it last held. */
function grew(count: () => Promise<number>): () => Promise<boolean> {
  let seen: number | undefined;
  return async () => {
    const now = await count();
    const changed = seen !== undefined && now > seen;
    if (seen === undefined || changed) seen = now;
    return changed;
  };
}

/** A trigger that holds after `ms` (from when it is first asked, and again `ms` after each time it held). */
function every(ms: number): () => Promise<boolean> {
  let due: number | undefined;
  return () => {
    const now = Date.now();
    due ??= now + ms;
    if (now < due) return Promise.resolve(false);
    due = now + ms;
    return Promise.resolve(true);
  };
}

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
    what: 'worker SIGKILLed while media downloads run (slowed to 4 s each), restarted at once; once per journey',
    expected: APPROVED,
    arrivalsPerSecond: SPREAD,
    run: async (ctx) => {
      await ctx.stack.sandbox.injectFault({ action: RESULT_ACTION, fault: 'slow_media', latencyMs: 4_000, rate: 1 });
      const downloading = async () => ((await ctx.stack.sandbox.stats()).media.inFlight ?? 0) > 0;
      const events = await replaceWhen(ctx, 'worker', { signal: 'SIGKILL' }, downloading, 50);
      await ctx.stack.sandbox.clearFaults();
      return { events, did: `${events} kills mid-download` };
    },
  },
  {
    name: 'worker-kill-after-side-effect',
    what: 'worker SIGKILLed within milliseconds of a side effect (FaceID issued a token, or a webhook was delivered), restarted; once per journey',
    expected: APPROVED,
    short: true,
    arrivalsPerSecond: SPREAD,
    run: async (ctx) => {
      const sideEffects = async () =>
        (await ctx.stack.sandbox.stats()).sessions.issued + ctx.stack.receiver.received.length;
      const events = await replaceWhen(ctx, 'worker', { signal: 'SIGKILL' }, grew(sideEffects), 5);
      return { events, did: `${events} kills after a side effect` };
    },
  },
  {
    name: 'worker-sigterm',
    what: 'worker stopped gracefully (SIGTERM) every 2 s under load, restarted; once per journey',
    expected: APPROVED,
    arrivalsPerSecond: SPREAD,
    run: async (ctx) => {
      const events = await replaceWhen(ctx, 'worker', { signal: 'SIGTERM' }, every(2_000), 100);
      return { events, did: `${events} graceful stops` };
    },
  },
  {
    name: 'server-kill',
    what: 'Temporal dev server SIGKILLed every 2 s under load, down 2 s, restarted on its database; once per journey',
    expected: APPROVED,
    short: true,
    arrivalsPerSecond: SPREAD,
    run: async (ctx) => {
      const events = await replaceWhen(ctx, 'server', { signal: 'SIGKILL', downMs: 2_000 }, every(2_000), 100);
      return { events, did: `${events} server kills` };
    },
  },
  {
    name: 'faceid-error-burst',
    what:
      'the next FaceID calls, one per journey, answer InternalError; then every action answers InternalError (50 %) or ' +
      'HTTP 502 (20 %), until as many faulty answers as journeys',
    expected: APPROVED,
    short: true,
    // The counted rule makes the phase's faults certain: with rates alone, a short phase's few calls could all pass.
    run: (ctx) =>
      burst(ctx, [
        { action: '*', fault: 'InternalError', count: ctx.repeat },
        { action: '*', fault: 'InternalError', rate: 0.5 },
        { action: '*', fault: 'http_5xx', rate: 0.2 },
      ]),
  },
  {
    name: 'faceid-hang',
    what: 'FaceID answers half the calls after 40 s, past the 30 s call timeout, until as many hangs as journeys',
    expected: APPROVED,
    arrivalsPerSecond: 1,
    run: async (ctx) => {
      const result = await burst(ctx, [{ action: '*', fault: 'latency', latencyMs: 40_000, rate: 0.5 }]);
      // A hung call still completes on FaceID's side after the caller gave up (a token call issues its token then):
      // let the last ones land inside this phase, so its count of re-issued tokens is its own.
      await sleep(40_000);
      return result;
    },
  },
  {
    name: 'faceid-reset',
    what: 'FaceID resets half the connections, until as many resets as journeys',
    expected: APPROVED,
    run: (ctx) => burst(ctx, [{ action: '*', fault: 'connection_reset', rate: 0.5 }]),
  },
  {
    name: 'faceid-malformed',
    what: 'FaceID answers half the calls with truncated JSON, until as many as journeys',
    expected: APPROVED,
    run: (ctx) => burst(ctx, [{ action: '*', fault: 'malformed_json', rate: 0.5 }]),
  },
  {
    name: 'media-url-expired',
    what: "every journey's result hands out media URLs that already expired (403), one result at a time",
    expected: APPROVED,
    arrivalsPerSecond: 0.5,
    run: async (ctx) => {
      // One at a time, each once it fired: a journey refetches fresh URLs right away and must not meet the next one
      // (it refetches at most twice, by design).
      let events = 0;
      for (let i = 0; i < ctx.repeat && !ctx.settled.aborted; i += 1) {
        await ctx.stack.sandbox.injectFault({ action: RESULT_ACTION, fault: 'expired_media', count: 1 });
        if (await until(ctx, async () => (await ctx.stack.sandbox.faults()).faults.length === 0, 100)) events += 1;
        await pause(ctx, 1_000);
      }
      await ctx.stack.sandbox.clearFaults();
      return { events, did: `${events} results with expired URLs` };
    },
  },
  {
    name: 'media-slow',
    what: 'every media download spread over 6 s',
    expected: APPROVED,
    run: (ctx) =>
      burst(ctx, [{ action: RESULT_ACTION, fault: 'slow_media', latencyMs: 6_000, rate: 1 }], { whole: true }),
  },
  {
    name: 'media-truncated',
    what: 'every result: the first download of each file breaks off halfway',
    expected: APPROVED,
    run: (ctx) =>
      burst(ctx, [{ action: RESULT_ACTION, fault: 'truncated_media', downloads: 1, rate: 1 }], { whole: true }),
  },
  {
    name: 'media-corrupt-byte',
    what: 'every result: the first download of each file has one flipped byte',
    expected: APPROVED,
    short: true,
    run: (ctx) =>
      burst(ctx, [{ action: RESULT_ACTION, fault: 'corrupt_media', downloads: 1, rate: 1 }], { whole: true }),
  },
  {
    name: 'media-oversize',
    what: 'every result hands out a video over MEDIA_MAX_BYTES',
    expected: { outcome: 'failed', reason: 'media_too_large' },
    run: (ctx) =>
      burst(ctx, [{ action: RESULT_ACTION, fault: 'oversize_media', bytes: OVERSIZE_BYTES, rate: 1 }], {
        whole: true,
      }),
  },
  {
    name: 'disk-full',
    what: 'the archive filesystem filled to the last byte for 1.5 s every 2 s, once per journey',
    expected: APPROVED,
    arrivalsPerSecond: 0.25,
    unavailable: (ctx) => (ctx.disk ? undefined : 'no small filesystem (see the start of the run)'),
    run: async (ctx) => {
      const disk = ctx.disk as SmallDisk;
      let events = 0;
      for (let i = 0; i < ctx.repeat && !ctx.settled.aborted; i += 1) {
        await pause(ctx, 500);
        await disk.fill();
        events += 1;
        await pause(ctx, 1_500);
        await disk.free();
      }
      return { events, did: `full ${events} times for 1.5 s` };
    },
  },
  {
    name: 'codec-key-rotation',
    what: 'payload key rotated under load as documented (a new key added second, then moved first, on worker and gateway), once per journey',
    expected: APPROVED,
    // A rotation takes 12 s or more (four graceful restarts): journeys keep arriving for all twenty, with room.
    arrivalsPerSecond: 1 / 16,
    run: async (ctx) => {
      let events = 0;
      for (let i = 0; i < ctx.repeat && !ctx.settled.aborted; i += 1) {
        const [current, ...older] = ctx.codecKeys.current.split(',');
        const fresh = freshKey(events + 2);
        // Older keys stay: histories of journeys still running hold payloads under them (step 3 waits for retention).
        await rollOut(ctx, [current, fresh, ...older].join(','));
        await rollOut(ctx, [fresh, current, ...older].join(','));
        events += 1;
      }
      return { events, did: `${events} rotations (${events * 4} graceful restarts)` };
    },
  },
];
