import { WINDOW_SLACK } from '../../../src/review/review-queue';
import { workerConfig } from '../../../src/config/worker';
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { TEMPORAL_CLI_PATH } from '../../../src/temporal/dev-server';
import { IDLE_WINDOW_MS, totalOf, type HeadroomDetail } from './headroom';
import type { JourneysRun } from './run';
import type { JourneysOptions } from './options';
import type { QuotaBoundDetail } from './quota-bound';
import type { ReadsDetail } from './reads';
import { EDGE_SECONDS, phasesText } from './stats';

/** Heading of the journey bench's section in docs/benchmarks.md; a journeys-only full run replaces just this part. */
export const JOURNEYS_HEADING = '## Journeys end to end';
/** The section of `--cluster` runs, beside the dev server's. */
export const CLUSTER_HEADING = '## Journeys on the local cluster';

const yes = (met: boolean) => (met ? 'yes' : '**no**');
const fixed = (value: number, digits = 1) => value.toFixed(digits);

function temporalVersion(): string {
  try {
    return execFileSync(TEMPORAL_CLI_PATH, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'temporal (version unknown)';
  }
}

function commandOf(options: JourneysOptions): string {
  const flags = [
    options.only ? `--only ${options.only.join(',')}` : '',
    options.journeys ? `--journeys ${options.journeys}` : '',
    options.quota ? `--quota ${options.quota}` : '',
    options.rate ? `--rate ${options.rate}` : '',
    options.cluster ? '--cluster' : '',
    options.backend ? `--backend ${options.backend}` : '',
    options.pollMs ? `--poll-ms ${options.pollMs}` : '',
  ].filter(Boolean);
  return `npm run bench -- journeys${flags.length ? ` ${flags.join(' ')}` : ''}`;
}

function quotaGoalRows(detail: QuotaBoundDetail): string[] {
  const { result } = detail;
  const peak = Math.max(0, ...Object.values(result.peakCallsInOneSecond));
  return [
    `| quota ${result.quotaPerSecond}/s: steady journeys/s ÷ quota | ${fixed(result.ratioToQuota, 2)} (${fixed(result.journeysPerSecond, 2)}/s) | ≥ 0.95 | ${yes(result.ratioToQuota >= 0.95)} |`,
    `| quota ${result.quotaPerSecond}/s: highest FaceID calls in one second, any action | ${peak} | ≤ ${result.quotaPerSecond} | ${yes(peak <= result.quotaPerSecond)} |`,
    `| quota ${result.quotaPerSecond}/s: calls refused by the emulator | ${result.refusedCalls} of ${result.totalCalls} | 0 | ${yes(result.refusedCalls === 0)} |`,
  ];
}

function quotaText(detail: QuotaBoundDetail): string[] {
  const { result, throughput: run } = detail;
  const actions = Object.entries(detail.perAction)
    .map(
      ([name, action]) =>
        `${name} ${action.calls} calls, ${action.refused} refused, peak ${action.peak} in one second, ${fixed(action.steadyPerSecond, 2)}/s steady`,
    )
    .join('; ');
  const peak = Math.max(0, ...Object.values(result.peakCallsInOneSecond));
  const tokenRate = detail.perAction.ApplyLivenessToken?.steadyPerSecond ?? 0;
  const held =
    result.refusedCalls > 0 || peak > result.quotaPerSecond
      ? `The quota did not hold: the workers sent more than Q in some one-second window (peak ${peak} > ${result.quotaPerSecond}; ${result.refusedCalls} calls refused, which FaceID activities retry).`
      : 'The quota held: no one-second window saw more than Q calls of any action, and nothing was refused.';
  const limit =
    detail.throughput.completed === 0
      ? 'No journey completed (see the errors above).'
      : result.ratioToQuota >= 0.95
        ? 'Throughput is limited by the quota itself.'
        : `Throughput is limited below the quota (${fixed(result.ratioToQuota * 100, 0)} %; steady ApplyLivenessToken calls ${fixed(tokenRate, 2)}/s against ${result.quotaPerSecond}/s) by the workers' FaceID dispatch pacing or by the stack itself (compare the headroom part).`;
  return [
    `**Quota ${result.quotaPerSecond}/s** (${result.journeys} journeys arriving at ${detail.arrivalsPerSecond}/s, open loop, ${detail.workers} worker processes): ` +
      `${fixed(result.seconds, 1)} s from the first start to the last outcome; ${fixed(result.journeysPerSecond, 2)} journeys/s in the steady window ` +
      `(${run.steady ? `${fixed(run.steadyFromS, 0)}–${fixed(run.steadyToS, 0)} s` : 'too short for one: whole run'}), ` +
      `${result.failedJourneys} not approved${detail.errors ? ` (${detail.errors})` : ''}; ${phasesText(detail.phases)} (the backlog waits in the first). As the emulator counted: ${actions}. ` +
      `Afterwards \`temporal workflow count --query 'ExecutionStatus="Running"'\` (through \`client.workflow.count\`): ` +
      `${detail.runningAfter.all} running, of which ${detail.runningAfter.journeys} \`ekycJourney\`` +
      (detail.runningAfter.all > detail.runningAfter.journeys
        ? ' (the rest are the retention sweep and webhook deliveries still retrying). '
        : '. ') +
      `${held} ${limit}`,
    '',
  ];
}

const roleList = (reading: Record<string, number>, unit: string) =>
  Object.entries(reading)
    .map(([role, value]) => `${role} ${fixed(value)}${unit}`)
    .join(', ');

function headroomGoalRows(detail: HeadroomDetail): string[] {
  const { result } = detail;
  const total = totalOf(result.cpuMsPerJourney);
  const mode = `${result.backend} backend`;
  const idle = [totalOf(result.idlePercentOfCore.afterStartup), totalOf(result.idlePercentOfCore.afterLoad)];
  return [
    `| journeys/s, quota out of the way (${detail.users} users, ${mode}) | ${fixed(result.journeysPerSecond, 1)} | ≥ 15 on the way to ≥ 40 | ${yes(result.journeysPerSecond >= 15)}; ${yes(result.journeysPerSecond >= 40)} |`,
    `| CPU per journey, every process of the stack (${mode}) | ${fixed(total, 0)} ms | ≤ 100 ms on the way to ~50 ms | ${yes(total <= 100)}; ${yes(total <= 55)} |`,
    `| idle, % of one core, all processes: after start-up; from 30 s after the load (${mode}) | ${idle.map((value) => fixed(value)).join('; ')} | ≤ 5 | ${idle.map((value) => yes(value <= 5)).join('; ')} |`,
  ];
}

function headroomText(detail: HeadroomDetail): string {
  const { result, throughput: t } = detail;
  const cpu = result.cpuMsPerJourney;
  const busyCores = ((totalOf(cpu) + detail.benchCpuMsPerJourney) * result.journeysPerSecond) / 1000;
  const largest = Object.entries(cpu).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const backend =
    result.backend === 'polling'
      ? `polling backend: \`GET /v1/journeys/{id}/result\` every ${fixed((detail.pollIntervalMs ?? 0) / 1000)} s after "finished" until 200, ${fixed(detail.pollsPerJourney ?? 0)} requests per journey, the workers without a webhook URL`
      : 'webhook backend';
  const gateways =
    detail.gateways > 1
      ? `${detail.gateways} gateways (each journey starts and polls on one, finishes on the next)`
      : 'one gateway';
  return (
    `**Headroom, ${result.backend}** (${result.journeys} journeys, ${detail.users} concurrent users back to back, quota ${detail.quotaPerSecond}/s, ` +
    `${detail.workers} worker process${detail.workers > 1 ? 'es' : ''}, ${gateways}; ${backend}): ` +
    `${fixed(result.journeysPerSecond, 1)} journeys/s steady (${fixed(t.seconds, 1)} s in all, ${detail.failed} not approved${detail.errors ? `: ${detail.errors}` : ''}); ` +
    `${phasesText(detail.phases)}. ` +
    `CPU per journey (utime + stime from /proc, descendants included): ${roleList(cpu, ' ms')}; the bench process itself ${fixed(detail.benchCpuMsPerJourney)} ms. ` +
    `Idle, per cent of one core over ${IDLE_WINDOW_MS / 1000} s: after start-up ${roleList(result.idlePercentOfCore.afterStartup, ' %')}; ` +
    `from ${IDLE_WINDOW_MS / 1000} s after the load ${roleList(result.idlePercentOfCore.afterLoad, ' %')}. ` +
    (busyCores >= cpus().length * 0.8
      ? `Limited by CPU: at this rate the stack and the bench keep ${fixed(busyCores, 2)} of ${cpus().length} cores busy, the ${largest} most of all.`
      : detail.loadAverage > cpus().length
        ? `The stack and the bench kept ${fixed(busyCores, 2)} of ${cpus().length} cores busy (the ${largest} most of all) while the machine's load average was ${fixed(detail.loadAverage)}: ` +
          'other processes held the rest, and the stack waited for CPU.'
        : `Not CPU-bound (${fixed(busyCores, 2)} of ${cpus().length} cores busy, the ${largest} most of all; load average ${fixed(detail.loadAverage)}): the waits between ` +
          'the processes limit it, each journey being a chain of task dispatches through the server and its store.')
  );
}

/** The reads part's goal rows (pushed onto `lines`) and its paragraph. */
function readsText(detail: ReadsDetail, lines: string[]): string[] {
  const { result: r, saturated: most, atGoalRate: atGoal, counters } = detail;
  const flat = r.replaysDuring === 0 && r.queryTasksDuring === 0;
  lines.push(
    `| reads of ended journeys, one gateway: the most answered (${detail.clients} clients back to back) | ${r.requestsPerSecond}/s | ≥ 500/s | ${yes(r.requestsPerSecond >= 500)} |`,
    `| reads of ended journeys at ${detail.goalRate}/s offered: p99 | ${r.p99Ms} ms (p50 ${r.p50Ms}) | ≤ 50 ms | ${yes(r.p99Ms <= 50)} |`,
    `| reads of ended journeys: 5xx answers; worker replays and query tasks meanwhile | ${r.serverErrors}; ${r.replaysDuring} and ${r.queryTasksDuring} | 0; 0 and 0 | ${yes(r.serverErrors === 0 && flat)} |`,
  );
  const phaseText = (p: ReadsDetail['saturated']) => {
    const cpu = p.cpuMsPerRead;
    const busy = ((cpu.gateway + cpu.server + cpu.worker + cpu.bench) * p.requestsPerSecond) / 1000;
    return (
      `${p.requests} requests in ${p.seconds} s (${p.requestsPerSecond}/s), p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms (${p.p99FromSentMs} ms from when it left the client), max ${p.maxMs} ms, ` +
      `${p.serverErrors} answers 5xx and ${p.otherRefusals} other refusals${p.transportErrors ? `, unanswered: ${p.transportErrors}` : ''}; CPU per read: gateway ${cpu.gateway} ms, server ${cpu.server} ms, ` +
      `worker ${cpu.worker} ms, the bench's clients ${cpu.bench} ms (${fixed(busy, 2)} of ${cpus().length} cores busy)`
    );
  };
  return [
    `**Reads of ended journeys** (${r.journeys} liveness journeys ended first, then \`GET /v1/journeys/{id}\` and ` +
      '`GET /v1/journeys/{id}/result` of each in turn, with the API key, through the one gateway). ' +
      `${detail.clients} clients back to back: ${phaseText(most)}. ${detail.goalRate} reads a second on a fixed schedule, each ` +
      `timed from when it was due: ${phaseText(atGoal)}. The worker's \`temporal_workflow_task_replay_latency_count\` went from ` +
      `${counters.before.replays} to ${counters.after.replays} and its \`RespondQueryTaskCompleted\` requests from ` +
      `${counters.before.queryTasks} to ${counters.after.queryTasks} over both phases: ${flat ? 'no read reached a worker' : '**some reads reached a worker**'}; ` +
      `one direct \`status\` query of an ended journey afterwards (the control) took them to ${counters.afterControl.replays} and ${counters.afterControl.queryTasks}. ` +
      'An ended journey is read from its close event once per gateway and kept, and its erasure check for 60 s: past the ' +
      "first read of each journey a read is the gateway's own work (authentication, two in-memory lookups, " +
      'serialisation), so the figures are limited by the gateway process and the clients that share its two cores.',
    '',
  ];
}

/** The docs/benchmarks.md section of a run: command, machine, goals table, then what each part saw and what limits it. */
export function journeysSection(run: JourneysRun, options: JourneysOptions): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const lines = [
    options.cluster ? CLUSTER_HEADING : JOURNEYS_HEADING,
    '',
    `Command: \`${commandOf(options)}\` (one part: \`--only quota-bound|headroom|open-journeys|latency|review-queue|reads\`, with \`--journeys N\`, ` +
      `\`--quota N\`, \`--rate N\`, \`--backend webhook|polling\` and \`--poll-ms N\` for the headroom part; a part alone prints its JSON line and leaves this page alone). Run on ` +
      `${new Date().toISOString().slice(0, 10)}: ${cpus().length} CPUs (${model}), ${Math.round(totalmem() / 1024 ** 3)} GiB memory, ` +
      `Node ${process.version}, ${temporalVersion().split('\n')[0]}.`,
    '',
    (options.cluster
      ? 'The same parts on the topology of `npm run cluster`, started by its own modules (scripts/cluster/services.ts) ' +
        'on free ports and a temporary folder: the Temporal server built from `go.temporal.io/server` v1.29.1 (all four ' +
        'services in one process, 4 history shards) with PostgreSQL 15 for persistence and SQL visibility and mutual TLS ' +
        'on its frontend, the Temporal UI server, MinIO as the archive, the FaceID emulator, two worker processes and two ' +
        'gateways, the load spread over both. CPU per journey: "server" is the Temporal server and its UI server, ' +
        '"database" PostgreSQL with its backends, "archive" MinIO. '
      : 'The product as `npm start` runs it, each part on a fresh stack of separate processes on loopback ports with a ' +
        'temporary data dir: the Temporal dev server (the pinned CLI, SQLite file in WAL mode), the FaceID emulator ' +
        '(`src/bin/emulator.ts`, whose per-action quota follows ' +
        "`FACEID_RATE_LIMIT` like the workers', so both sides share one quota Q), the worker (`src/bin/worker.ts`) and the " +
        'gateway (`src/bin/gateway.ts`), at `LOG_LEVEL=info`. ') +
      'The bench process plays backend, user and client app: ' +
      '`POST /v1/journeys` (liveness, sandbox API key; update-with-start answers with the token), the user passes through ' +
      "the emulator's sandbox controls, the client app's `POST /v1/journeys/{id}/finished` with the journey's client " +
      'secret, and the outcome arrives by signed webhook (verified). The emulator refuses any call beyond Q in a sliding ' +
      `one-second window and counts every call. Steady window: the first and last ${EDGE_SECONDS} s of a run (first start ` +
      'sent to last outcome received) left out; journeys/s counts the outcome webhooks that arrived inside it.',
    '',
    '| measure | result | goal | met |',
    '| --- | --- | --- | --- |',
  ];
  const text: string[] = [];
  for (const detail of run.quotaBound) {
    lines.push(...quotaGoalRows(detail));
    text.push(...quotaText(detail));
  }
  for (const detail of run.headroom) {
    lines.push(...headroomGoalRows(detail));
    text.push(headroomText(detail), '');
  }
  if (run.latency) {
    const l = run.latency;
    lines.push(
      `| start-to-token p99 (POST /v1/journeys round trip) | ${l.result.startToTokenP99Ms} ms (p50 ${l.result.startToTokenP50Ms}) | ≤ 250 ms | ${yes(l.result.startToTokenP99Ms <= 250)} |`,
      `| user finished to outcome webhook p99 | ${l.result.finishedToOutcomeP99Ms} ms (p50 ${l.result.finishedToOutcomeP50Ms}) | ≤ 1,000 ms + download | ${yes(l.result.finishedToOutcomeP99Ms <= 1000)} |`,
    );
    text.push(
      `**Latency** (${l.journeys} journeys at ${l.perSecond}/s, ${l.rateReason}; quota out of the way; ${l.measured} measured, those started in the first ${EDGE_SECONDS} s left out; ` +
        `${l.failed} not approved${l.errors ? `: ${l.errors}` : ''}): start-to-token p50 ${l.result.startToTokenP50Ms} ms, p99 ${l.result.startToTokenP99Ms} ms, max ${l.startToTokenMaxMs} ms; ` +
        `finished-to-outcome p50 ${l.result.finishedToOutcomeP50Ms} ms, p99 ${l.result.finishedToOutcomeP99Ms} ms, max ${l.finishedToOutcomeMaxMs} ms. ` +
        'Start-to-token is the gateway, update-with-start and one workflow task, inside which ApplyLivenessToken runs ' +
        'as a local activity; finished-to-outcome is the signal and one workflow task, inside which GetLivenessResult ' +
        'runs as a local activity with the download and archiving of the video and best frame (from the emulator over ' +
        'loopback, so the download is small here), the journey decides, and a second local activity files the ' +
        'retention record and delivers the webhook. Each is one task dispatch through the server; on a busy 2-core ' +
        'machine the wait for a turn on the CPU is most of the rest.',
      '',
    );
  }
  if (run.openJourneys) {
    const o = run.openJourneys;
    // Judged on the minute's medians (a single reading lands anywhere in a garbage-collection swing); both shown.
    const atEnd = o.workerRssMiBMinuteAtEnd;
    const at1000 = o.workerRssMiBMinuteAt1000;
    const within = at1000 > 0 && atEnd <= at1000 * 1.1;
    lines.push(
      `| worker RSS with ${o.result.journeys} journeys open (median of the last minute; the reading at the end) | ${atEnd} MiB; ${o.result.workerRssMiB} MiB | ≤ 512 MiB | ${yes(atEnd <= 512)} |`,
      `| worker RSS at ${o.result.journeys} open vs at 1,000 open (medians of a minute; single readings) | ${atEnd} vs ${at1000} MiB; ${o.result.workerRssMiB} vs ${o.result.workerRssMiBAt1000} MiB | within 10 % | ${yes(within)} |`,
    );
    const growth =
      o.result.workerRssMiBAt1000 > 0 ? (o.result.workerRssMiB / o.result.workerRssMiBAt1000 - 1) * 100 : 0;
    text.push(
      `**Open journeys** (${o.result.journeys} offered at ${o.perSecond}/s and left waiting for their users, start window ` +
        `${o.startWindowMs / 3_600_000} h through \`timers.startWindowMs\`, which the gateway accepts up to 30 days): ${o.opened} opened ` +
        `at ${fixed(o.openedPerSecond, 1)}/s${o.openedPerSecond < o.perSecond * 0.95 ? ' (the stack could not issue tokens as fast as offered: the starts queued)' : ''}, ` +
        `${o.runningJourneys} \`ekycJourney\` running at the end${o.errors ? ` (${o.errors})` : ''}. Worker RSS (VmRSS) ${o.workerRssMiBBefore} MiB before the first start, ` +
        `${o.result.workerRssMiBAt1000} MiB at 1,000 open, ${o.result.workerRssMiB} MiB at the end (${growth >= 0 ? '+' : ''}${fixed(growth, 0)} %), peak ${o.workerRssMiBPeak} MiB; ` +
        `sampled every second, the median of the minute from 1,000 open was ${o.workerRssMiBMinuteAt1000} MiB and of the last minute ${o.workerRssMiBMinuteAtEnd} MiB; ` +
        `dev server RSS ${o.result.serverRssMiB} MiB. What bounds the worker is its sticky workflow cache ` +
        `(\`WORKER_MAX_CACHED_WORKFLOWS\`, ${workerConfig({}).worker.maxCachedWorkflows} journeys); waiting journeys beyond it live only in the server, whose memory grows with them instead, and ` +
        'a journey evicted from the cache is replayed from its history when its user finishes. ' +
        (o.workerRssMiBBefore > o.result.workerRssMiB / 2
          ? `Its baseline before the first journey (${o.workerRssMiBBefore} MiB) is most of that.`
          : ''),
      '',
    );
  }
  if (run.reviewQueue) {
    const { result: r, ...q } = run.reviewQueue;
    const bound = 2 * WINDOW_SLACK * (r.limit + 1);
    const ms = (l: { p50Ms: number; p99Ms: number; maxMs: number }) =>
      `p50 ${l.p50Ms} / p99 ${l.p99Ms} / max ${l.maxMs} ms`;
    lines.push(
      `| review queue with ${r.cases} waiting: every case once, in deadline order | ${yes(r.everyCaseOnceInOrder)} | yes | ${yes(r.everyCaseOnceInOrder)} |`,
      `| review queue: records read for one page of ${r.limit}, at most | ${r.recordsReadMax} | ≤ ${bound} | ${yes(r.recordsReadMax <= bound)} |`,
    );
    text.push(
      `**Review queue** (${r.cases} journeys in review, seeded in ${fixed(r.seedSeconds, 1)} s through the Temporal client with the queue's search attributes on a stack without a worker: ` +
        `${r.cases - r.overdue - r.undated} due the default review deadline after they entered review, ${r.overdue} overdue by up to a day, ${r.undated} without a deadline): ` +
        `\`GET /v1/review-queue?limit=${r.limit}\` with the operator key, paged through the whole queue in ${r.pages} pages, every case once and in order: ${yes(r.everyCaseOnceInOrder)}. ` +
        `Page latency over the pass ${ms(r.page)}; the first page ${ms(r.firstPage)}, the middle one ${ms(r.middlePage)}, the last ${ms(r.lastPage)} (${q.samples} fetches each). ` +
        `Each page read again in the bench (\`readReviewQueue\`, which tallies what a page costs): at most ${r.recordsReadMax} records listed (mean ${q.recordsReadMean}) and ${r.countsMax} count queries (mean ${q.countsMean}) per page; ` +
        `the bound is two windows of ${WINDOW_SLACK} times the page's need (limit + 1), as the cursor's ties may leave the first one short. Dev server RSS ${r.serverRssMiB} MiB at the end.`,
      '',
    );
  }
  if (run.reads) text.push(...readsText(run.reads, lines));
  if (run.failures.length > 0) text.push(`Parts that failed: ${run.failures.join('; ')}.`, '');
  return [...lines, '', ...text].map((line) => line.trimEnd()).join('\n');
}
