import { setMaxListeners } from 'node:events';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Agent } from 'undici';
import { stackTeardown } from '../../lib/stack-teardown';
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
import { startDevPostgres } from '../../lib/dev-postgres';
import { newClusterSecrets, startClusterServices, type ClusterServices } from '../../cluster/services';
import type { TemporalPorts } from '../../cluster/temporal-server';
import { tlsConnectionOption } from '../../cluster/tls';
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
  /** False: the workers deliver no webhooks (WEBHOOK_URL=none), as for a backend that polls for the result. */
  webhooks?: boolean;
}

/** Process ids of the stack's children, for /proc readings. */
export interface StackPids {
  server: number;
  /** PostgreSQL (its server and backends), on the cluster. */
  database?: number;
  /** MinIO, the cluster's archive. */
  archive?: number;
  /** The Temporal UI server, on the cluster. */
  ui?: number;
  emulator: number;
  workers: number[];
  gateways: number[];
}

/** A running product stack: Temporal, emulator, workers and gateways as separate processes, plus the backend's side. */
export interface Stack {
  /** The children's data folder (DATA_DIR), removed when the stack stops. */
  dataDir: string;
  /** The first gateway. */
  gatewayUrl: string;
  /** Every gateway (two on the cluster, as `npm run cluster` runs them), for load spread over them. */
  gatewayUrls: string[];
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
 * Starts the stack the way `npm start` does (scripts/dev-stack.ts), or with `target: 'cluster'` the way `npm run
 * cluster` does (scripts/cluster.ts: PostgreSQL, the Temporal server with mutual TLS, MinIO as the archive, the UI
 * server, two gateways), on free loopback ports with a temporary data dir, with the webhook receiver listening first
 * so every outcome reaches it. Child output goes to a log file (kept, its path
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
  const stop = stackTeardown({ aborter, supervisor, http, log, killOnExit, dataDir }, () => ({ client, receiver }));

  try {
    const outcomes = new OutcomeBook();
    const cluster = options.target === 'cluster';
    // As `npm run cluster` runs by default: two gateways in front of the cluster, one in front of the dev server.
    const gatewayCount = cluster ? 2 : 1;
    // Below the kernel's ephemeral range (32768 and up): a child restarted by `replace` must get its port back, and no
    // outgoing connection or port-0 listener can take a port from there while the child is down.
    const ports = await freePortsBetween(20_000, 32_000, 4 + gatewayCount + options.workers);
    const [temporalPort, uiPort, emulatorPort, postgresPort] = ports as [number, number, number, number];
    const gatewayPorts = ports.slice(4, 4 + gatewayCount);
    const metricsPorts = ports.slice(4 + gatewayCount);
    const gatewayPort = gatewayPorts[0] as number;
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
      WEBHOOK_URL: options.webhooks === false ? 'none' : receiver.url,
      // The product's default level; the worker announces readiness in an info line.
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const { gateway: cfg, emulator } = stackConfig({ ...env });
    const gateway = gatewaySettings(cfg);
    const logged = (spec: ChildSpec): ChildSpec => ({ ...spec, output: (line) => write(`[${spec.name}] ${line}\n`) });
    let services: ClusterServices | undefined;
    const node = (name: string, entry: string, extraEnv: NodeJS.ProcessEnv = {}): ChildSpec =>
      logged({
        name,
        command: process.execPath,
        // BENCH_PROFILE_DIR=<dir>: every Node child writes a V8 CPU profile there on exit, to see what costs most.
        args: [...profileArgs(), '--import', 'tsx', join(ROOT, entry)],
        // The caller's settings last: they may put the archive elsewhere than the cluster's MinIO.
        env: { ...env, ...services?.env, ...extraEnv, ...options.env },
      });

    const address = `127.0.0.1:${temporalPort}`;
    if (cluster) {
      services = await startCluster(supervisor, {
        dataDir,
        frontendPort: temporalPort,
        uiPort,
        namespace: cfg.temporal.namespace,
        codecEndpoint: `http://127.0.0.1:${gatewayPort}/codec`,
        child: logged,
      });
    } else {
      await supervisor.start({
        name: 'server',
        command: TEMPORAL_CLI_PATH,
        args: devServerArgs(cfg.temporal, cfg.store.dataDir),
        env,
        output: (line) => write(`[server] ${line}\n`),
        ready: () => waitForTemporal(address),
      });
      // As `npm start` runs: a PostgreSQL of its own for policy versions and decision records, unless the caller
      // names a database.
      if (!options.env?.DATABASE_URL) {
        // The temporary data folder is owner-only; PostgreSQL runs as its own user and must pass through it.
        chmodSync(dataDir, 0o711);
        env.DATABASE_URL = await startDevPostgres(supervisor, dataDir, postgresPort);
      }
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
    for (const port of gatewayPorts) {
      await supervisor.start({
        ...node('gateway', 'src/bin/gateway.ts', { GATEWAY_PORT: String(port) }),
        ready: () => waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000),
      });
    }
    const connection = await Connection.connect({
      address,
      ...(services?.tls ? { tls: tlsConnectionOption(services.tls) } : {}),
    });
    client = new Client({ connection, namespace: cfg.temporal.namespace });

    const pids = supervisor.pids();
    const pid = (name: string) => {
      const value = pids[name];
      if (value === undefined) throw new Error(`no process ${name}`);
      return value;
    };
    // The supervisor names a second child of the same name `name#2`.
    const numbered = (name: string, count: number) =>
      Array.from({ length: count }, (_, i) => pid(i === 0 ? name : `${name}#${i + 1}`));
    // Let the processes finish their start-up work (JIT, pollers) before anything is measured.
    await sleep(2_000);
    return {
      dataDir,
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      gatewayUrls: gatewayPorts.map((port) => `http://127.0.0.1:${port}`),
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
        ...(cluster ? { database: pid('postgres'), archive: pid('minio'), ui: pid('temporal-ui') } : {}),
        emulator: pid('emulator'),
        workers: numbered('worker', options.workers),
        gateways: numbered('gateway', gatewayCount),
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
 * The backing services of `npm run cluster` (scripts/cluster/services.ts) on free ports inside the stack's data dir,
 * with fresh secrets; the Temporal server is the child named `server`, as the dev server is.
 */
async function startCluster(
  supervisor: Supervisor,
  settings: {
    dataDir: string;
    frontendPort: number;
    uiPort: number;
    namespace: string;
    codecEndpoint: string;
    child: (spec: ChildSpec) => ChildSpec;
  },
): Promise<ClusterServices> {
  type Six = [number, number, number, number, number, number];
  const [postgresPort, minioPort, history, matching, worker, frontendHttp] = (await freePorts(6)) as Six;
  // Membership ports are stored as smallint: below 32768.
  const membership = (await freePortsBetween(20_000, 32_000, 4)) as [number, number, number, number];
  const temporal: TemporalPorts = {
    frontend: settings.frontendPort,
    frontendHttp,
    history,
    matching,
    worker,
    membership: { frontend: membership[0], history: membership[1], matching: membership[2], worker: membership[3] },
  };
  // PostgreSQL runs as its own user, who must reach its folder: the bench's temporary folder is root's 0700.
  chmodSync(settings.dataDir, 0o755);
  const dir = join(settings.dataDir, 'cluster');
  mkdirSync(dir, { mode: 0o755 });
  return startClusterServices(supervisor, {
    dir,
    secrets: newClusterSecrets(),
    ports: { postgres: postgresPort, temporal, minio: minioPort, ui: settings.uiPort },
    historyShards: 4,
    tls: true,
    namespace: settings.namespace,
    retention: '24h',
    codecEndpoint: settings.codecEndpoint,
    child: (spec) => settings.child(spec.name === 'temporal' ? { ...spec, name: 'server' } : spec),
  });
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
  'DATABASE_URL',
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
