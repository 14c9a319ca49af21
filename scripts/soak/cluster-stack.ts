import { setMaxListeners } from 'node:events';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Agent } from 'undici';
import { stackTeardown } from '../lib/stack-teardown';
import { gatewaySettings } from '../../src/config/gateway';
import { SandboxClient } from '../../src/emulator/sandbox-client';
import { openArchiveStore } from '../../src/store/open-store';
import { OutcomeBook } from '../bench/journeys/outcomes';
import { newClusterSecrets, startClusterServices } from '../cluster/services';
import { startServiceProcesses } from '../cluster/service-processes';
import type { TemporalPorts } from '../cluster/temporal-server';
import { tlsConnectionOption } from '../cluster/tls';
import { freePortsBetween } from '../lib/free-port';
import { stackConfig } from '../lib/stack';
import { Supervisor } from '../lib/supervisor';
import { startWebhookReceiver } from '../lib/webhook-receiver';
import type { SoakStack } from './soak-stack';

/** Workers and gateways, as `npm run cluster` runs them by default. */
const WORKERS = 2;
const GATEWAYS = 2;

/** Log lines kept in memory for a failure message. */
const RECENT_LINES = 200;

/** How the soak's cluster is configured beyond the topology. */
export interface ClusterSoakOptions {
  /** FaceID quota per action and second (FACEID_RATE_LIMIT), shared by both workers. */
  quotaPerSecond: number;
  /** Settings for every child beyond the soak's own (a key ring, the media cap). */
  env?: NodeJS.ProcessEnv;
  /** Where start-up progress goes. */
  log: (line: string) => void;
}

/**
 * Starts the topology of `npm run cluster` for the soak: PostgreSQL, the Temporal server with mutual TLS, MinIO and the
 * UI server (the cluster's own services module), the FaceID emulator, two workers and two gateways, each a child that
 * is started again when it dies, as the cluster's service manager does. Every port is a free one below the kernel's
 * ephemeral range (a restarted child gets its port back), every folder a temporary one, so it runs beside another
 * stack; the children's output goes to a log file kept beside the data folder.
 */
export async function startClusterSoakStack(options: ClusterSoakOptions): Promise<SoakStack> {
  if (process.env.FACEID_SECRET_ID || process.env.FACEID_SECRET_KEY) {
    throw new Error('the soak plays users through the emulator: unset FACEID_SECRET_ID / FACEID_SECRET_KEY');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'ekyc-soak-cluster-'));
  // PostgreSQL runs as its own user, who must reach its folder in here (mkdtemp makes it root's 0700, and a folder made
  // on the way to PostgreSQL's own would be 0700 too).
  chmodSync(dataDir, 0o755);
  const clusterDir = join(dataDir, 'cluster');
  mkdirSync(clusterDir, { mode: 0o755 });
  const logPath = `${dataDir}.log`;
  const log = createWriteStream(logPath);
  log.on('error', () => undefined); // a lost log line must not fail the run
  // The last lines stay in memory too, for a failure message.
  const recent: string[] = [];
  const write = (line: string) => {
    recent.push(line);
    if (recent.length > RECENT_LINES) recent.shift();
    if (!log.writableEnded) log.write(`${line}\n`);
  };
  const logTail = (lines: number) => recent.slice(-lines).join('\n');
  options.log(`[soak] cluster log: ${logPath}`);
  const aborter = new AbortController();
  // Every waiting journey listens on it: many listeners are expected, not a leak.
  setMaxListeners(0, aborter.signal);
  let rejectCrashed: (error: Error) => void = () => undefined;
  const crashed = new Promise<never>((_, reject) => (rejectCrashed = reject));
  crashed.catch(() => undefined); // observed by whoever races it
  const restarts: string[] = [];
  const supervisor = new Supervisor(
    (name, code) => {
      rejectCrashed(new Error(`${name} kept exiting (last code ${code}); see the cluster log`));
      aborter.abort();
    },
    (name) => restarts.push(name),
  );
  const killOnExit = () => supervisor.killNow();
  process.on('exit', killOnExit);
  const http = new Agent({ headersTimeout: 0, bodyTimeout: 0, connections: 512, keepAliveTimeout: 30_000 });
  const outcomes = new OutcomeBook();
  const receiver = await startWebhookReceiver({
    host: '127.0.0.1',
    port: 0,
    path: '/webhooks',
    secrets: stackConfig({}).worker.webhook.secrets,
    onDelivery: (delivery) => outcomes.deliver(delivery),
  });
  let client: Client | undefined;
  const stop = stackTeardown({ aborter, supervisor, http, log, killOnExit, dataDir }, () => ({ client, receiver }));

  try {
    const free = await freePortsBetween(20_000, 32_000, 13 + GATEWAYS);
    const port = () => free.shift() as number;
    const temporal: TemporalPorts = {
      frontend: port(),
      frontendHttp: port(),
      history: port(),
      matching: port(),
      worker: port(),
      membership: { frontend: port(), history: port(), matching: port(), worker: port() },
    };
    const [postgres, minio, ui, emulatorPort] = [port(), port(), port(), port()];
    const gatewayPorts = Array.from({ length: GATEWAYS }, port);
    const env: NodeJS.ProcessEnv = {
      DATA_DIR: dataDir,
      TEMPORAL_NAMESPACE: 'default',
      TASK_QUEUE: 'ekyc-soak',
      EMULATOR_PORT: String(emulatorPort),
      FACEID_RATE_LIMIT: String(options.quotaPerSecond),
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPorts[0]),
      WEBHOOK_URL: receiver.url,
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const config = stackConfig({ ...process.env, ...env });
    const gateway = gatewaySettings(config.gateway);
    const child = (spec: Parameters<Supervisor['start']>[0]) => ({
      ...spec,
      env: { ...env, ...spec.env },
      output: spec.output ?? ((line: string) => write(`[${spec.name}] ${line}`)),
      restart: true,
    });
    options.log(
      '[soak] starting the cluster: PostgreSQL, the Temporal server (mutual TLS), MinIO, 2 workers, 2 gateways',
    );
    const services = await startClusterServices(supervisor, {
      dir: clusterDir,
      secrets: newClusterSecrets(),
      ports: { postgres, temporal, minio, ui },
      historyShards: 4,
      tls: true,
      namespace: 'default',
      retention: '24h',
      codecEndpoint: `${gateway.publicUrl}/codec`,
      child,
    });
    await startServiceProcesses(supervisor, {
      env: services.env,
      emulatorPort,
      workerMetricsPorts: Array.from({ length: WORKERS }, () => 0),
      gatewayHost: '127.0.0.1',
      gatewayPorts: gatewayPorts,
      child,
    });
    const connection = await Connection.connect({
      address: services.address,
      ...(services.tls ? { tls: tlsConnectionOption(services.tls) } : {}),
    });
    client = new Client({ connection, namespace: 'default' });
    return {
      gatewayUrls: gatewayPorts.map((port) => `http://127.0.0.1:${port}`),
      apiKey: gateway.apiKeys[0] as string,
      sandbox: new SandboxClient(`http://127.0.0.1:${emulatorPort}`, config.emulator.emulator.adminToken),
      http,
      receiver,
      outcomes,
      client,
      archive: openArchiveStore(services.env.ARCHIVE_URL, dataDir, services.env),
      signal: aborter.signal,
      crashed,
      logTail,
      replace: (name, replaceOptions) => supervisor.replace(name, replaceOptions),
      unplannedRestarts: () => restarts,
      stop,
    };
  } catch (error) {
    process.stderr.write(`cluster start-up failed; last log lines:\n${logTail(40)}\n`);
    await stop();
    throw error;
  }
}
