import { setMaxListeners } from 'node:events';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Agent } from 'undici';
import { gatewaySettings } from '../../../src/config/gateway';
import { workerConfig } from '../../../src/config/worker';
import { stackConfig } from '../../lib/stack';
import { SandboxClient } from '../../../src/emulator/sandbox-client';
import { WORKER_READY_MESSAGE } from '../../../src/workers/readiness';
import { devServerArgs, TEMPORAL_CLI_PATH } from '../../../src/temporal/dev-server';
import { freePorts, freePortsBetween } from '../../lib/free-port';
import { Supervisor, type ChildSpec, type ReplaceOptions } from '../../lib/supervisor';
import { waitForHttp, waitForPort, waitForTemporal } from '../../lib/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../../lib/webhook-receiver';
import { initPostgres, postgresChild, provisionTemporalDatabases, type PostgresSettings } from '../../cluster/postgres';
import {
  applyTemporalSchemas,
  registerNamespace,
  temporalServerChild,
  writeTemporalConfig,
  type TemporalPorts,
} from '../../cluster/temporal-server';
import { requireClusterTools } from '../../cluster/tools';
import { OutcomeBook } from './outcomes';

const ROOT = resolve(__dirname, '..', '..', '..');

/** Which Temporal the stack runs on: the CLI's dev server (`npm start`), or the local cluster (`npm run cluster`). */
export type StackTarget = 'dev-server' | 'cluster';

/** How one section's stack is configured. */
export interface StackOptions {
  /** FaceID quota per action and second, for the workers (FACEID_RATE_LIMIT) and the emulator alike. */
  quotaPerSecond: number;
  /** Worker processes polling the same queues; none leaves what is started on the journey queue as it started. */
  workers: number;
  target?: StackTarget;
  /** Settings for every child beyond the bench's own (e.g. an archive elsewhere, a key ring). */
  env?: NodeJS.ProcessEnv;
}

/** Process ids of the stack's children, for /proc readings. */
export interface StackPids {
  server: number;
  /** PostgreSQL (its server and backends), on the cluster. */
  database?: number;
  emulator: number;
  workers: number[];
  gateway: number;
}

/** A running product stack: dev server, emulator, workers and gateway as separate processes, plus the backend's side. */
export interface Stack {
  /** The children's data folder (DATA_DIR), removed when the stack stops. */
  dataDir: string;
  gatewayUrl: string;
  apiKey: string;
  /** A key of the gateway's operator routes (the review queue, decisions). */
  operatorKey: string;
  /** The journeys' task queue (TASK_QUEUE), which the review queue filters on. */
  taskQueue: string;
  /** The emulator's `/sandbox/*` controls (the user's device, and the call counters). */
  sandbox: SandboxClient;
  /** Keep-alive HTTP pool for the load, without undici's 300 s header timeout (a start may queue behind the quota). */
  http: Agent;
  receiver: WebhookReceiver;
  outcomes: OutcomeBook;
  /** A Temporal client of the bench itself (visibility counts only). */
  client: Client;
  /** Each worker's Prometheus endpoint (`METRICS_PORT`), in the order of `pids.workers`. */
  workerMetricsUrls: string[];
  pids: StackPids;
  /** Aborted when a child exits unexpectedly or the stack stops: every load loop checks it. */
  signal: AbortSignal;
  /** Rejects when a child exits unexpectedly; race the section's work against it. */
  crashed: Promise<never>;
  /** The last lines the children wrote (their log file), for a failure message. */
  logTail(lines: number): string;
  /** Stops one child (`server`, `worker`, `gateway`, …) with a signal and starts it again; see {@link Supervisor.replace}. */
  replace(name: string, options: ReplaceOptions): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection after `ms` (a ready line that never comes must not hang the bench). */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms / 1000} s for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the stack the way `npm start` does (scripts/dev-stack.ts), on free loopback ports with a temporary data dir,
 * with the webhook receiver listening first so every outcome reaches it. Child output goes to a log file (kept, its path
 * printed on stderr), whose tail is printed to stderr if the stack fails.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  if (!existsSync(TEMPORAL_CLI_PATH)) throw new Error(`no Temporal CLI at ${TEMPORAL_CLI_PATH}: run npm run tools`);
  if (process.env.FACEID_SECRET_ID || process.env.FACEID_SECRET_KEY) {
    throw new Error('the journey bench plays users through the emulator: unset FACEID_SECRET_ID / FACEID_SECRET_KEY');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'ekyc-bench-'));
  // Beside the data dir, not in it: the children's log lines outlive the teardown for a look after the run.
  const logPath = `${dataDir}.log`;
  const log = createWriteStream(logPath);
  log.on('error', () => undefined); // a lost log line must not fail the run
  // Lines a child flushes while it exits can come after the stack stopped and the stream ended.
  const write = (text: string) => {
    if (!log.writableEnded) log.write(text);
  };
  process.stderr.write(`[journeys] stack log: ${logPath}\n`);
  const aborter = new AbortController();
  // Every waiting journey listens on it: thousands of listeners are expected, not a leak.
  setMaxListeners(0, aborter.signal);
  let rejectCrashed: (error: Error) => void = () => undefined;
  const crashed = new Promise<never>((_, reject) => (rejectCrashed = reject));
  crashed.catch(() => undefined); // observed by whoever races it; never an unhandled rejection
  const supervisor = new Supervisor((name, code) => {
    rejectCrashed(new Error(`${name} exited unexpectedly (code ${code}); see its log lines above`));
    aborter.abort();
  });
  const killOnExit = () => supervisor.killNow();
  process.on('exit', killOnExit);

  let receiver: WebhookReceiver | undefined;
  let client: Client | undefined;
  const http = new Agent({ headersTimeout: 0, bodyTimeout: 0, connections: 2048, keepAliveTimeout: 30_000 });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      aborter.abort();
      await client?.connection.close().catch(() => undefined);
      await supervisor.stop(10_000);
      await receiver?.close();
      await http.close().catch(() => undefined);
      log.end();
      process.off('exit', killOnExit);
      rmSync(dataDir, { recursive: true, force: true });
    })());

  try {
    const outcomes = new OutcomeBook();
    // Below the kernel's ephemeral range (32768 and up): a child restarted by `replace` must get its port back, and no
    // outgoing connection or port-0 listener can take a port from there while the child is down.
    const [temporalPort, uiPort, emulatorPort, gatewayPort, ...metricsPorts] = (await freePortsBetween(
      20_000,
      32_000,
      4 + options.workers,
    )) as [number, number, number, number, ...number[]];
    // Sandbox defaults (published keys) everywhere; the receiver's URL is the workers' WEBHOOK_URL.
    receiver = await startWebhookReceiver({
      host: '127.0.0.1',
      port: 0,
      path: '/webhooks',
      secrets: workerConfig({}).webhook.secrets,
      onDelivery: (delivery) => outcomes.deliver(delivery),
    });
    const env: NodeJS.ProcessEnv = {
      // Unset: values from the caller's environment must not reconfigure the bench's stack.
      ...Object.fromEntries(INHERITED_CONFIG.map((name) => [name, undefined])),
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      TEMPORAL_NAMESPACE: 'default',
      TASK_QUEUE: 'ekyc-bench',
      DATA_DIR: dataDir,
      EMULATOR_PORT: String(emulatorPort),
      FACEID_RATE_LIMIT: String(options.quotaPerSecond),
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      WEBHOOK_URL: receiver.url,
      // The product's default level; the worker announces readiness in an info line.
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const { gateway: cfg, emulator } = stackConfig({ ...env });
    const gateway = gatewaySettings(cfg);
    const node = (name: string, entry: string, extraEnv: NodeJS.ProcessEnv = {}): ChildSpec => ({
      name,
      command: process.execPath,
      // BENCH_PROFILE_DIR=<dir>: every Node child writes a V8 CPU profile there on exit, to see what costs most.
      args: [...profileArgs(), '--import', 'tsx', join(ROOT, entry)],
      env: { ...env, ...extraEnv },
      output: (line) => write(`[${name}] ${line}\n`),
    });

    const address = `127.0.0.1:${temporalPort}`;
    if (options.target === 'cluster') {
      await startClusterServer(supervisor, { dataDir, frontendPort: temporalPort, write });
    } else {
      await supervisor.start({
        name: 'server',
        command: TEMPORAL_CLI_PATH,
        args: devServerArgs(cfg.temporal, cfg.store.dataDir),
        env,
        output: (line) => write(`[server] ${line}\n`),
        ready: () => waitForTemporal(address),
      });
    }
    await supervisor.start({
      ...node('emulator', 'src/bin/emulator.ts'),
      ready: () => waitForPort('127.0.0.1', emulatorPort),
    });
    raiseInstrumentPriority(supervisor.pids().emulator, write);
    // Started one after the other: two workers bundling the workflow code at once would double the start-up time.
    for (let i = 0; i < options.workers; i += 1) {
      await within(
        180_000,
        'the worker to report ready',
        supervisor.start({
          ...node('worker', 'src/bin/worker.ts', { METRICS_PORT: String(metricsPorts[i]) }),
          readyMessage: WORKER_READY_MESSAGE,
        }),
      );
    }
    await supervisor.start({
      ...node('gateway', 'src/bin/gateway.ts'),
      ready: () => waitForHttp(`http://127.0.0.1:${gatewayPort}/healthz`, 60_000),
    });
    const connection = await Connection.connect({ address });
    client = new Client({ connection, namespace: cfg.temporal.namespace });

    const pids = supervisor.pids();
    const pid = (name: string) => {
      const value = pids[name];
      if (value === undefined) throw new Error(`no process ${name}`);
      return value;
    };
    // Let the processes finish their start-up work (JIT, pollers) before anything is measured.
    await sleep(2_000);
    return {
      dataDir,
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      apiKey: gateway.apiKeys[0] as string,
      operatorKey: gateway.operatorKeys[0]?.key as string,
      taskQueue: cfg.temporal.taskQueue,
      sandbox: new SandboxClient(`http://127.0.0.1:${emulatorPort}`, emulator.emulator.adminToken),
      http,
      receiver,
      outcomes,
      client,
      workerMetricsUrls: metricsPorts.slice(0, options.workers).map((port) => `http://127.0.0.1:${port}/metrics`),
      pids: {
        server: pid('server'),
        ...(options.target === 'cluster' ? { database: pid('postgres') } : {}),
        emulator: pid('emulator'),
        workers: Array.from({ length: options.workers }, (_, i) => pid(i === 0 ? 'worker' : `worker#${i + 1}`)),
        gateway: pid('gateway'),
      },
      signal: aborter.signal,
      crashed,
      logTail: (lines) => tail(logPath, lines),
      replace: (name, replaceOptions) => supervisor.replace(name, replaceOptions),
      stop: async () => {
        await stop();
      },
    };
  } catch (error) {
    process.stderr.write(`stack start-up failed; last log lines:\n${tail(logPath, 40)}\n`);
    await stop();
    throw error;
  }
}

/**
 * The Temporal server of `npm run cluster` in place of the dev server: PostgreSQL on a free port with the schemas,
 * the server on the stack's ports (frontend on `frontendPort`, the other services beside it), namespace and search
 * attributes registered. The archive stays the stack's folder, which both workers share as they would a bucket.
 */
async function startClusterServer(
  supervisor: Supervisor,
  { dataDir, frontendPort, write }: { dataDir: string; frontendPort: number; write: (text: string) => void },
): Promise<void> {
  requireClusterTools();
  type Five = [number, number, number, number, number];
  const [postgresPort, history, matching, worker, frontendHttp] = (await freePorts(5)) as Five;
  const membership = (await freePortsBetween(20_000, 32_000, 4)) as [number, number, number, number];
  const password = () => randomBytes(18).toString('base64url');
  const postgres: PostgresSettings = {
    dataDir: join(dataDir, 'postgres'),
    port: postgresPort,
    superuserPassword: password(),
    temporalPassword: password(),
  };
  // PostgreSQL runs as its own user, who must reach the data folder: the bench's temporary folder is root's 0700.
  chmodSync(dataDir, 0o755);
  await initPostgres(postgres);
  await supervisor.start(postgresChild(postgres));
  await provisionTemporalDatabases(postgres);
  const ports: TemporalPorts = {
    frontend: frontendPort,
    frontendHttp,
    history,
    matching,
    worker,
    membership: { frontend: membership[0], history: membership[1], matching: membership[2], worker: membership[3] },
  };
  const temporal = { rootDir: join(dataDir, 'temporal'), ports, historyShards: 4, postgres };
  await applyTemporalSchemas(temporal);
  writeTemporalConfig(temporal);
  await supervisor.start({
    ...temporalServerChild(temporal),
    name: 'server',
    output: (line) => write(`[server] ${line}\n`),
  });
  await registerNamespace(`127.0.0.1:${frontendPort}`, 'default', '24h');
}

function profileArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Configuration variables the bench sets itself or wants at their sandbox defaults. */
const INHERITED_CONFIG = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_PROFILE',
  'FACEID_ENDPOINT',
  'FACEID_RATE_LIMITS',
  'FACEID_TIMEOUT_SECONDS',
  'SANDBOX_ADMIN_TOKEN',
  'WORKER_MAX_CACHED_WORKFLOWS',
  'METRICS_HOST',
  'ARCHIVE_URL',
  'RETENTION_DAYS',
  'MEDIA_ALLOWED_HOSTS',
  'MEDIA_MAX_BYTES',
  'GATEWAY_PUBLIC_URL',
  'GATEWAY_API_KEYS',
  'GATEWAY_OPERATOR_KEYS',
  'CLIENT_SECRET_KEY',
  'WEBHOOK_SECRETS',
  'WEB_FINAL_URL',
  'CODEC_KEYS',
  'CODEC_AUTH_TOKENS',
  'CODEC_UI_ORIGIN',
];

/**
 * The emulator stands in for Tencent's gateway, which counts calls as they arrive, on machines of its own. Sharing two
 * cores with the stack, a starved emulator stamps arrivals late and counts windows the workers never sent (measured
 * under a CPU hog: peak 6 at quota 5, every departure in its slot); a higher scheduling priority keeps the instrument
 * honest. It needs root (CI and sessions are); without it the bench runs as before and says so.
 */
function raiseInstrumentPriority(pid: number | undefined, write: (line: string) => void): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, -10);
  } catch {
    write('[journeys] the emulator runs at normal priority (raising it needs root)\n');
  }
}
