import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePortGroup, freePorts } from '../../scripts/lib/free-port';
import { eventually } from '../support/eventually';

const ROOT = resolve(__dirname, '..', '..');

/** Offsets of the Temporal services' ports from the frontend's, as `npm run cluster` derives them. */
const TEMPORAL_PORT_OFFSETS = [0, 1, 2, 6, 10, -300, -299, -298, -294];

/** `npm run cluster` running as a child of the test, on free ports and a data folder of its own. */
export interface ClusterProcess {
  dataDir: string;
  temporalAddress: string;
  gatewayUrls: [string, string];
  emulatorUrl: string;
  minioPort: number;
  /** Everything the cluster printed so far. */
  output(): string;
  /** Process ids of the cluster's direct children whose command line matches. */
  childPids(match: RegExp): number[];
  /** Ctrl-C, as a user stops it; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts the cluster with `env` on top of its own ports and data folder; resolves once it printed its banner. */
export async function startClusterProcess(env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<ClusterProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ekyc-cluster-test-'));
  // PostgreSQL runs as its own user, who must reach its folder inside this one (mkdtemp makes it root's 0700).
  chmodSync(dataDir, 0o755);
  const frontend = await freePortGroup(21_000, 32_000, TEMPORAL_PORT_OFFSETS);
  const gateway = await freePortGroup(33_000, 40_000, [0, 1]);
  const [ui, emulator, postgres, minio] = (await freePorts(4)) as [number, number, number, number];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'cluster.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      TEMPORAL_DEV_PORT: String(frontend),
      TEMPORAL_UI_PORT: String(ui),
      EMULATOR_PORT: String(emulator),
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gateway),
      METRICS_PORT: '0',
      CLUSTER_POSTGRES_PORT: String(postgres),
      CLUSTER_MINIO_PORT: String(minio),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    await eventually(
      () => {
        // A cluster that exited will never print it: stop waiting, and fail below with its exit code.
        if (child.exitCode === null && !output.includes('Press Ctrl-C to stop.')) throw new Error('no banner yet');
      },
      { what: 'the banner of npm run cluster', timeoutMs },
    );
  } catch (error) {
    child.kill('SIGINT');
    throw new Error(`${(error as Error).message}:\n${output.slice(-4000)}`);
  }
  if (child.exitCode !== null)
    throw new Error(`npm run cluster exited with ${child.exitCode}:\n${output.slice(-4000)}`);
  return {
    dataDir,
    temporalAddress: `127.0.0.1:${frontend}`,
    gatewayUrls: [`http://127.0.0.1:${gateway}`, `http://127.0.0.1:${gateway + 1}`],
    emulatorUrl: `http://127.0.0.1:${emulator}`,
    minioPort: minio,
    output: () => output,
    childPids(match) {
      const listed = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(child.pid)], { encoding: 'utf8' });
      return listed
        .split('\n')
        .map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
        .filter((found): found is RegExpMatchArray => found !== null && match.test(found[2] ?? ''))
        .map((found) => Number(found[1]));
    },
    async stop() {
      child.kill('SIGINT');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** The cluster's generated secrets (PostgreSQL and MinIO passwords). */
export function clusterSecrets(cluster: ClusterProcess): { minioAccessKey: string; minioSecretKey: string } {
  return JSON.parse(readFileSync(join(cluster.dataDir, 'cluster', 'secrets.json'), 'utf8')) as {
    minioAccessKey: string;
    minioSecretKey: string;
  };
}
