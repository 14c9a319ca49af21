import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { readManifest } from '../../src/archive/manifest';
import { openArchiveStore } from '../../src/store/open-store';
import type { ObjectStore } from '../../src/store/object-store';
import { ArchiveDataKeys, dataConverterFor } from '../../src/codec';
import { stackConfig } from '../../scripts/lib/stack';
import { SandboxClient } from '../../src/emulator/sandbox-client';
import { SANDBOX_API_KEY } from '../../src/gateway/sandbox-defaults';
import { archiveEnv } from '../../scripts/cluster/minio';
import { clusterTlsFiles, tlsConnectionOption, type ClusterTls } from '../../scripts/cluster/tls';
import { startWebhookReceiver, type WebhookReceiver } from '../../scripts/lib/webhook-receiver';
import { eventually } from '../support/eventually';
import { clusterSecrets, startClusterProcess, type ClusterProcess } from './cluster-process';

/**
 * The production-shaped cluster (`npm run cluster`: PostgreSQL, the Temporal server with mutual TLS, MinIO, two workers,
 * two gateways) under faults, driven as its users drive it: backends start journeys through both gateways (retrying
 * with an Idempotency-Key while a gateway answers 503), users finish on the emulator, client apps report through the
 * other gateway, outcomes arrive by signed webhook. Mid-run a worker is SIGKILLed, the Temporal server is stopped and
 * PostgreSQL restarted; the cluster starts each again, as a service manager would.
 */
const QUOTA = 5;
const WAVES = 3;
const PER_WAVE = 8;
const ROOT = resolve(__dirname, '..', '..');

jest.setTimeout(20 * 60_000);

let cluster: ClusterProcess;
let receiver: WebhookReceiver;
let temporal: Client;
let archive: ObjectStore;
let sandbox: SandboxClient;
const defaults = stackConfig({});

beforeAll(async () => {
  receiver = await startWebhookReceiver({
    host: '127.0.0.1',
    port: 0,
    path: '/webhooks',
    secrets: defaults.worker.webhook.secrets,
  });
  cluster = await startClusterProcess({ WEBHOOK_URL: receiver.url, FACEID_RATE_LIMIT: String(QUOTA) });
  const connection = await Connection.connect({ address: cluster.temporalAddress, tls: tlsConnectionOption(tls()) });
  const secrets = clusterSecrets(cluster);
  const env = archiveEnv({
    dataDir: '',
    port: cluster.minioPort,
    accessKeyId: secrets.minioAccessKey,
    secretAccessKey: secrets.minioSecretKey,
    bucket: 'ekyc-archive',
  });
  archive = openArchiveStore(env.ARCHIVE_URL, cluster.dataDir, env);
  // The cluster runs in sandbox mode, with the published sandbox codec key; each journey's data key is in its archive.
  const dataKeys = new ArchiveDataKeys(archive, defaults.worker.codec.keyRing);
  temporal = new Client({
    connection,
    namespace: 'default',
    dataConverter: dataConverterFor(defaults.worker.codec.keyRing, { dataKeys: { vault: dataKeys, erased: 'marker' } }),
  });
  sandbox = new SandboxClient(cluster.emulatorUrl, defaults.emulator.emulator.adminToken);
});

afterAll(async () => {
  await archive?.close?.();
  await temporal?.connection.close();
  const code = await cluster?.stop();
  await receiver?.close();
  expect(code).toBe(0);
});

function tls(): ClusterTls {
  return clusterTlsFiles(join(cluster.dataDir, 'cluster', 'tls'));
}

/** An HTTP call a backend would retry: network errors and 502/503/504 (Temporal down, a gateway restarting). */
async function retrying(url: string, init: RequestInit, attempts = 120): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
      if (![502, 503, 504].includes(response.status) || attempt >= attempts) return response;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    // The backend's own back-off between two tries: part of the behaviour this test plays, not a wait for an event.
    await new Promise((wait) => setTimeout(wait, 1_000));
  }
}

/** The gateways' error lines (a moment after the answer, so its log line is in), to explain an unexpected answer. */
async function gatewayErrors(): Promise<string> {
  // Only on a failure, to explain it: nothing marks the last log line of a request, so this gives it a moment.
  await new Promise((wait) => setTimeout(wait, 2_000));
  const lines = cluster
    .output()
    .split('\n')
    .filter((line) => /^\[gateway-\d\].*("level":"(error|warn|fatal)"|"status":5\d\d)/.test(line));
  return lines.length > 0 ? `\n${lines.slice(-10).join('\n')}` : '';
}

interface Played {
  reference: string;
  journeyId: string;
  expected: 'approved' | 'rejected';
}

/** One journey: started on one gateway (then `onStarted`), reported finished on the other. */
async function play(index: number, onStarted: () => void = () => undefined): Promise<Played> {
  const reference = `cluster-fault-${index}`;
  const expected = index % 4 === 3 ? 'rejected' : 'approved';
  const [startOn, finishOn] = index % 2 === 0 ? cluster.gatewayUrls : [...cluster.gatewayUrls].reverse();
  const started = await retrying(`${startOn}/v1/journeys`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${SANDBOX_API_KEY}`,
      'content-type': 'application/json',
      'idempotency-key': `key-${reference}`,
    },
    body: JSON.stringify({ reference, flow: 'liveness', region: 'ap-singapore', liveness: { SecureLevel: '4' } }),
  });
  if (started.status !== 201)
    throw new Error(`start answered ${started.status} ${await started.text()}${await gatewayErrors()}`);
  const { journeyId, token, clientSecret } = (await started.json()) as Record<string, string>;
  onStarted();
  await sandbox.complete(token as string, expected === 'approved' ? 'pass' : 'spoof');
  const finished = await retrying(`${finishOn}/v1/journeys/${encodeURIComponent(journeyId as string)}/finished`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientSecret}` },
  });
  if (finished.status !== 202) {
    throw new Error(`finished answered ${finished.status} ${await finished.text()}${await gatewayErrors()}`);
  }
  return { reference, journeyId: journeyId as string, expected };
}

/** Runs a wave of journeys, and `fault` once half of them have started. */
async function wave(first: number, fault: () => void | Promise<void>): Promise<Played[]> {
  let started = 0;
  const journeys = Array.from({ length: PER_WAVE }, (_, offset) =>
    // Backends' traffic arrives spread out (one journey every 250 ms), so the fault meets journeys in every stage.
    new Promise((wait) => setTimeout(wait, offset * 250)).then(() => play(first + offset, () => (started += 1))),
  );
  await eventually(
    () => {
      if (started < PER_WAVE / 2) throw new Error(`${started} of ${PER_WAVE} journeys started`);
    },
    { what: 'half of the wave started', timeoutMs: 5 * 60_000 },
  );
  await fault();
  return Promise.all(journeys);
}

function only(pids: number[], what: string): number {
  expect(pids.length).toBeGreaterThan(0);
  const [pid] = pids;
  if (pid === undefined) throw new Error(`no ${what} process`);
  return pid;
}

describe('npm run cluster under faults', () => {
  it('refuses clients without the cluster’s client certificate, naming the setting to fix', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ekyc-cluster-tls-'));
    try {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-keyout', join(scratch, 'other.key'), '-out', join(scratch, 'other.pem'), '-subj', '/CN=other-ca-client',
      ], { stdio: 'ignore' }); // prettier-ignore
      const worker = (env: NodeJS.ProcessEnv) =>
        new Promise<{ code: number | null; stderr: string }>((done) => {
          const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'bin', 'worker.ts')], {
            cwd: ROOT,
            env: {
              PATH: process.env.PATH,
              DATA_DIR: scratch,
              METRICS_PORT: '0',
              TEMPORAL_ADDRESS: cluster.temporalAddress,
              ...env,
            },
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.once('exit', (code) => done({ code, stderr }));
        });
      const { caCert } = tls();
      const plain = await worker({});
      expect(plain.code).toBe(78);
      expect(plain.stderr).toContain('TEMPORAL_TLS:');
      const noClientCertificate = await worker({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: caCert });
      expect(noClientCertificate.code).toBe(78);
      expect(noClientCertificate.stderr).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH:');
      const otherCa = await worker({
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: caCert,
        TEMPORAL_TLS_CLIENT_CERT_PATH: join(scratch, 'other.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: join(scratch, 'other.key'),
      });
      expect(otherCa.code).toBe(78);
      expect(otherCa.stderr).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH: the Temporal server');
      const missingFile = await worker({
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: caCert,
        TEMPORAL_TLS_CLIENT_CERT_PATH: join(scratch, 'absent.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: join(scratch, 'other.key'),
      });
      expect(missingFile.code).toBe(78);
      expect(missingFile.stderr).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH:');
      for (const answer of [plain, noClientCertificate, otherCa, missingFile])
        expect(answer.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('ends every journey once, with every webhook, archived file and the quota intact, through a worker kill, a server stop and a database restart', async () => {
    const played: Played[] = [];
    // A worker process dies without a goodbye (its tasks time out and go to the other worker or its restart).
    played.push(
      ...(await wave(0, () => {
        process.kill(only(cluster.childPids(/src\/bin\/worker\.ts/), 'worker'), 'SIGKILL');
      })),
    );
    // The Temporal server stops (all four services in its process) and comes back.
    played.push(
      ...(await wave(PER_WAVE, () => {
        process.kill(only(cluster.childPids(/temporal-server\/server/), 'Temporal server'), 'SIGTERM');
      })),
    );
    // PostgreSQL restarts (fast shutdown, then recovery), under the Temporal server.
    played.push(
      ...(await wave(2 * PER_WAVE, () => {
        const runner = only(cluster.childPids(/postgres/), 'PostgreSQL');
        const postmaster = execFileSync('ps', ['-o', 'pid=', '--ppid', String(runner)], { encoding: 'utf8' }).trim();
        process.kill(Number(postmaster.split('\n')[0] ?? runner), 'SIGINT');
      })),
    );
    expect(played).toHaveLength(WAVES * PER_WAVE);
    // Each fault was survived by starting the process again.
    for (const name of ['worker-\\d', 'temporal', 'postgres']) {
      expect(cluster.output()).toMatch(new RegExp(`\\[${name}\\] exited \\(.*\\); starting it again`));
    }

    // Every outcome arrives by webhook, at least once; a repeated delivery carries the same event id.
    await eventually(
      () => {
        const missing = played.filter(
          (journey) =>
            !receiver.received.some(
              (item) => item.event.journeyId === journey.journeyId && item.event.type === 'journey.completed',
            ),
        );
        if (missing.length > 0) throw new Error(`no completed webhook yet for ${missing.length} journeys`);
      },
      { what: 'a completed webhook for every journey', timeoutMs: 10 * 60_000, intervalMs: 1_000 },
    );
    expect(receiver.refused()).toBe(0);
    for (const journey of played) {
      const completed = receiver.received.filter(
        (item) => item.event.journeyId === journey.journeyId && item.event.type === 'journey.completed',
      );
      expect(new Set(completed.map((item) => item.event.id)).size).toBe(1);
      expect(completed[0]?.event.outcome).toBe(journey.expected);
    }

    // Exactly one run per journey, completed with that outcome.
    for (const journey of played) {
      const result = (await temporal.workflow.getHandle(journey.journeyId).result()) as { outcome: string };
      expect(result.outcome).toBe(journey.expected);
      // Visibility (SQL, written after the history) catches up within moments.
      await eventually(
        async () => {
          const runs = [];
          for await (const run of temporal.workflow.list({ query: `WorkflowId = '${journey.journeyId}'` })) {
            runs.push(run.status.name);
          }
          expect(runs).toEqual(['COMPLETED']);
        },
        { what: `one completed run of ${journey.journeyId} in visibility`, timeoutMs: 30_000, intervalMs: 500 },
      );
    }

    // Every archived file matches the MD5 its manifest records.
    let files = 0;
    for (const journey of played) {
      const manifest = await readManifest(archive, journey.journeyId);
      expect(manifest?.entries.length).toBeGreaterThan(0);
      for (const entry of manifest?.entries ?? []) {
        const hash = createHash('md5');
        for await (const chunk of await archive.get(entry.key)) hash.update(chunk as Buffer);
        expect(hash.digest('hex')).toBe(entry.md5);
        files += 1;
      }
    }
    expect(files).toBeGreaterThanOrEqual(2 * played.length);

    // The quota held across both workers and every restart: nothing refused, no second over it.
    const stats = await sandbox.stats();
    for (const action of ['ApplyLivenessToken', 'GetLivenessResult']) {
      expect(stats.actions[action]?.calls).toBeGreaterThanOrEqual(played.length);
      expect(stats.actions[action]?.rateLimited).toBe(0);
      expect(stats.actions[action]?.peakPerSecond).toBeLessThanOrEqual(QUOTA);
    }
  });
});
