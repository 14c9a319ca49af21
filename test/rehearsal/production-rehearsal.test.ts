/**
 * The production rehearsal (`npm run rehearsal`) as an operator runs it before going live: sandbox mode off, FaceID
 * over TLS from a CA of its own, its own key pair and keys, media over https, webhooks over https; then the same
 * through a forward proxy (the `proxy` npm package in its own process, on 127.0.0.4, wanting credentials), and the
 * start-up checks that stop a worker or gateway with a wrong CA, a refused proxy or a missing key.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { MediaDownloader, MediaUnsafeUrlError } from '../../src/archive/download';
import { FilesystemStore } from '../../src/store/filesystem-store';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { parseProxySettings } from '../../src/egress/proxy-settings';
import { createAuthority } from '../../scripts/lib/certificates';
import {
  prepareRehearsal,
  REHEARSAL_ADDRESSES,
  rehearsalEnv,
  type RehearsalFiles,
} from '../../scripts/rehearsal/setup';
import { freePorts } from '../../scripts/lib/free-port';

jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '..', '..');
const PROXY_ADDRESS = '127.0.0.4';
const PROXY_USER = 'egress-user';
const PROXY_PASSWORD = 'proxy-pass-Zk93';

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a process of the project to its end (or kills it after `timeoutMs`), collecting its output. */
function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Finished> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), timeoutMs);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

interface ForwardProxy {
  url: string;
  /** `host:port` of every CONNECT, with whether it carried the right credentials. */
  connects: Array<{ connect: string; authorized: boolean }>;
  stop(): Promise<void>;
}

/** The `proxy` package in its own process, as a bank's egress proxy: Basic credentials, its own source address. */
async function startForwardProxy(): Promise<ForwardProxy> {
  const child = spawn(process.execPath, [join(ROOT, 'test/support/forward-proxy.mjs'), PROXY_ADDRESS, '0'], {
    env: { ...process.env, PROXY_USER, PROXY_PASSWORD },
  });
  const connects: ForwardProxy['connects'] = [];
  const lines = createInterface({ input: child.stdout });
  const listening = await new Promise<string>((ready, fail) => {
    child.once('exit', (code) => fail(new Error(`the forward proxy exited with ${code}`)));
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { listening?: string; connect?: string; authorized?: boolean };
      if (message.listening) ready(message.listening);
      if (message.connect) connects.push({ connect: message.connect, authorized: message.authorized === true });
    });
  });
  return {
    url: `http://${PROXY_USER}:${PROXY_PASSWORD}@${listening}`,
    connects,
    stop: () =>
      new Promise((stopped) => {
        child.once('exit', () => stopped());
        child.kill('SIGTERM');
      }),
  };
}

interface Report {
  rows: Array<{ flow: string; outcome: string; expectedOk: boolean }>;
  failures: string[];
  peers: { api: Record<string, number>; media: Record<string, number>; webhooks: Record<string, number> };
}

let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ekyc-rehearsal-'));
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `npm run rehearsal -- --once` (its script directly) with extra environment, and reads its report. */
async function rehearse(env: NodeJS.ProcessEnv): Promise<{ finished: Finished; report: Report }> {
  const reportFile = join(dataDir, `report-${Date.now()}.json`);
  const finished = await run(
    ['--import', 'tsx', 'scripts/rehearsal.ts', '--once', '--report', reportFile],
    { DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    180_000,
  );
  if (finished.code !== 0)
    throw new Error(`rehearsal exited ${finished.code}:\n${finished.stdout}\n${finished.stderr}`);
  return { finished, report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report };
}

function expectEveryFlowApproved(report: Report): void {
  expect(report.failures).toEqual([]);
  expect(report.rows.every((row) => row.expectedOk)).toBe(true);
  const approvedFlows = new Set(report.rows.filter((row) => row.outcome === 'approved').map((row) => row.flow));
  expect([...approvedFlows].sort()).toEqual(['ekyc', 'liveness', 'selfie', 'web', 'web-legacy']);
}

test('the rehearsal runs every flow to its outcome with sandbox mode off, TLS and its own keys', async () => {
  const { report, finished } = await rehearse({});
  expectEveryFlowApproved(report);
  // Straight from the worker (127.0.0.1): no proxy configured.
  expect(Object.keys(report.peers.api)).toEqual(['127.0.0.1']);
  expect(Object.keys(report.peers.media)).toEqual(['127.0.0.1']);
  expect(Object.keys(report.peers.webhooks)).toEqual(['127.0.0.1']);
  expect(finished.stdout).toContain('sandbox mode off');
  // The generated keys are never printed.
  const secrets = prepareRehearsal(dataDir).secrets;
  for (const value of Object.values(secrets)) expect(finished.stdout + finished.stderr).not.toContain(value);
});

describe('through an egress proxy', () => {
  let proxy: ForwardProxy;

  beforeAll(async () => {
    proxy = await startForwardProxy();
  });

  afterAll(async () => {
    await proxy.stop();
  });

  test('every FaceID call, media download and webhook goes through the proxy, with its credentials', async () => {
    proxy.connects.length = 0;
    // Upper case, as most deployments set it; NO_PROXY exempts what is not the worker's egress.
    const { report, finished } = await rehearse({ HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    expectEveryFlowApproved(report);
    // The proxy opens its connections from its own address: everything the emulator and the receiver saw came that way.
    expect(Object.keys(report.peers.api)).toEqual([PROXY_ADDRESS]);
    expect(Object.keys(report.peers.media)).toEqual([PROXY_ADDRESS]);
    expect(Object.keys(report.peers.webhooks)).toEqual([PROXY_ADDRESS]);
    const targets = new Set(proxy.connects.map((entry) => entry.connect.split(':')[0]));
    expect([...targets].sort()).toEqual([REHEARSAL_ADDRESSES.emulator, REHEARSAL_ADDRESSES.receiver]);
    expect(proxy.connects.every((entry) => entry.authorized)).toBe(true);
    // Credentials never reach the output; the proxy is named by host and port only.
    expect(finished.stdout + finished.stderr).not.toContain(PROXY_PASSWORD);
    expect(finished.stdout).toContain(`Egress proxy      http://${PROXY_ADDRESS}:`);
  });

  test('a media URL to a host outside the allowlist is still refused, and never reaches the proxy', async () => {
    const files = prepareRehearsal(dataDir);
    const emulator = await startEmulator({
      host: REHEARSAL_ADDRESSES.emulator,
      tls: { cert: readFileSync(files.emulator.cert), key: readFileSync(files.emulator.key) },
    });
    const store = new FilesystemStore(join(dataDir, 'refused-archive'));
    const downloader = new MediaDownloader({
      allowedHosts: [],
      trustedHosts: [emulator.endpoint],
      egress: { proxy: parseProxySettings({ https_proxy: proxy.url }), extraCa: [readFileSync(files.ca.cert, 'utf8')] },
    });
    try {
      proxy.connects.length = 0;
      const request = { key: 'refused/x.jpg', md5: '0'.repeat(32), size: null, contentType: 'image/jpeg' };
      const outside = [
        `https://127.0.0.5:${emulator.port}/media/x/best.jpg`, // not allowlisted
        `https://${REHEARSAL_ADDRESSES.receiver}/media/x/best.jpg`, // a private address, not trusted
        `http://${emulator.endpoint}/media/x/best.jpg`, // plain http, even to a trusted host
        'https://media.example.com/x.jpg', // a name not on the allowlist
      ];
      for (const url of outside) {
        await expect(downloader.archive(store, { ...request, url })).rejects.toBeInstanceOf(MediaUnsafeUrlError);
      }
      expect(proxy.connects).toEqual([]);
    } finally {
      await downloader.close();
      await emulator.close();
    }
  });

  test('a proxy that refuses the worker stops it at start-up, naming HTTPS_PROXY', async () => {
    const { env } = await stackEnv(prepareRehearsal(dataDir));
    const emulator = await startRehearsalEmulator(env);
    try {
      const wrongCredentials = proxy.url.replace(PROXY_PASSWORD, 'not-the-password');
      const worker = await run(
        ['--import', 'tsx', 'src/bin/worker.ts'],
        { ...env, HTTPS_PROXY: wrongCredentials },
        60_000,
      );
      expect(worker.code).toBe(78);
      expect(worker.stderr).toContain('HTTPS_PROXY');
      expect(worker.stderr).toContain('407');
      expect(worker.stderr).not.toContain('not-the-password');
    } finally {
      await emulator.close();
    }
  });
});

/** The rehearsal's environment on fresh ports, with nothing started. */
async function stackEnv(files: RehearsalFiles): Promise<{ env: NodeJS.ProcessEnv }> {
  const [temporal, temporalUi, emulator, gateway, receiver] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { env: rehearsalEnv(files, { temporal, temporalUi, emulator, gateway, receiver }) };
}

/** The emulator as the rehearsal runs it (https on 127.0.0.2 under the rehearsal's key pair). */
function startRehearsalEmulator(env: NodeJS.ProcessEnv): Promise<RunningEmulator> {
  return startEmulator({
    host: REHEARSAL_ADDRESSES.emulator,
    port: Number(env.EMULATOR_PORT),
    keys: [{ secretId: env.FACEID_SECRET_ID as string, secretKey: env.FACEID_SECRET_KEY as string }],
    tls: {
      cert: readFileSync(env.EMULATOR_TLS_CERT_FILE as string),
      key: readFileSync(env.EMULATOR_TLS_KEY_FILE as string),
    },
  });
}

describe('start-up refuses a production configuration that cannot work', () => {
  test('a wrong CA stops the worker, naming OUTBOUND_CA_FILE', async () => {
    const files = prepareRehearsal(dataDir);
    const { env } = await stackEnv(files);
    const otherCa = createAuthority(mkdtempSync(join(dataDir, 'other-ca-')), 'ca', 'not the rehearsal CA');
    const emulator = await startRehearsalEmulator(env);
    try {
      const worker = await run(
        ['--import', 'tsx', 'src/bin/worker.ts'],
        { ...env, OUTBOUND_CA_FILE: otherCa.cert },
        60_000,
      );
      expect(worker.code).toBe(78);
      expect(worker.stderr).toContain('OUTBOUND_CA_FILE');
      expect(worker.stderr).toContain('not trusted');
    } finally {
      await emulator.close();
    }
  });

  test('a CA file that is missing or holds no certificate stops every process, naming OUTBOUND_CA_FILE', async () => {
    const { env } = await stackEnv(prepareRehearsal(dataDir));
    for (const caFile of [join(dataDir, 'no-such-ca.pem'), prepareRehearsal(dataDir).ca.key]) {
      const gateway = await run(
        ['--import', 'tsx', 'src/bin/gateway.ts'],
        { ...env, OUTBOUND_CA_FILE: caFile },
        60_000,
      );
      expect(gateway.code).toBe(78);
      expect(gateway.stderr).toContain('OUTBOUND_CA_FILE');
    }
  });

  test.each([
    ['src/bin/worker.ts', 'CODEC_KEYS'],
    ['src/bin/gateway.ts', 'CODEC_KEYS'],
    ['src/bin/gateway.ts', 'CLIENT_SECRET_KEY'],
    ['src/bin/gateway.ts', 'GATEWAY_API_KEYS'],
    ['src/bin/gateway.ts', 'WEBHOOK_SECRETS'],
  ])('%s without %s stops at start-up, naming it', async (entry, missing) => {
    const { env } = await stackEnv(prepareRehearsal(dataDir));
    const finished = await run(['--import', 'tsx', entry], { ...env, [missing]: '' }, 60_000);
    expect(finished.code).toBe(78);
    expect(finished.stderr).toContain(missing);
  });
});
