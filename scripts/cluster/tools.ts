import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** Where `npm run tools -- --for=cluster` puts each binary (two are called `server`, so each has its own folder). */
const TOOLS = resolve(__dirname, '..', '..', '.tools');
export const CLUSTER_TOOLS = {
  temporalCli: join(TOOLS, 'bin', 'temporal'),
  temporalServer: join(TOOLS, 'temporal-server', 'server'),
  sqlTool: join(TOOLS, 'temporal-sql-tool', 'sql'),
  uiServer: join(TOOLS, 'temporal-ui-server', 'server'),
  minio: join(TOOLS, 'bin', 'minio'),
  postgresBin: '/usr/lib/postgresql/15/bin',
};

/** The Temporal server module whose schema files the SQL tool applies: the version the server binary is built from. */
const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server@v1.29.1';

/** Thrown for a step of the cluster that failed; the message names what to fix, never a secret. */
export class ClusterSetupError extends Error {
  override readonly name = 'ClusterSetupError';
}

/** Runs a command to completion and returns its stdout; a non-zero exit throws with the command's own words. */
export async function run(
  what: string,
  command: string,
  args: string[],
  options: SpawnOptions & { input?: string } = {},
): Promise<string> {
  const stdin = options.input === undefined ? 'ignore' : 'pipe';
  const child = spawn(command, args, { ...options, stdio: [stdin, 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A command that exits before reading its input (psql refused by a server still starting) closes the pipe: its exit
  // code reports that, and the write's EPIPE must not crash the caller.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(options.input);
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', done);
  });
  if (code !== 0) {
    const said = (stderr.trim() || stdout.trim()).split('\n').slice(-3).join(' / ');
    throw new ClusterSetupError(`${what} failed (exit ${code}): ${said}`);
  }
  return stdout;
}

/** The folder of the Temporal server module in Go's module cache, downloaded if missing (it holds the SQL schemas). */
export function temporalSchemaDir(): string {
  const go = [...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'go')), '/usr/local/go/bin/go'].find(
    (candidate) => existsSync(candidate),
  );
  if (!go) throw new ClusterSetupError('the Go toolchain is needed to find the Temporal SQL schemas; put `go` on PATH');
  const result = spawnSync(go, ['mod', 'download', '-json', TEMPORAL_SERVER_MODULE], { encoding: 'utf8' });
  const dir = result.status === 0 ? (JSON.parse(result.stdout) as { Dir?: string }).Dir : undefined;
  if (!dir) throw new ClusterSetupError(`go mod download ${TEMPORAL_SERVER_MODULE} failed: ${result.stderr.trim()}`);
  return join(dir, 'schema', 'postgresql', 'v12');
}

/** Fails early, naming the command that builds them, when a cluster binary is missing. */
export function requireClusterTools(): void {
  const missing = Object.entries(CLUSTER_TOOLS)
    .filter(([key, path]) => key !== 'postgresBin' && !existsSync(path))
    .map(([, path]) => path);
  if (!existsSync(join(CLUSTER_TOOLS.postgresBin, 'postgres')))
    missing.push(join(CLUSTER_TOOLS.postgresBin, 'postgres'));
  if (missing.length > 0) {
    throw new ClusterSetupError(`missing ${missing.join(', ')}: run \`npm run tools -- --for=cluster\``);
  }
}
