import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logToFile, type ChildSpec } from '../lib/supervisor';
import { ClusterSetupError, CLUSTER_TOOLS, run } from './tools';

/** The databases Temporal needs: persistence and SQL visibility, both owned by the `temporal` role. */
const TEMPORAL_DATABASES = ['temporal', 'temporal_visibility'] as const;
export const TEMPORAL_DB_USER = 'temporal';

/** A local PostgreSQL 15 of the cluster's own: its data folder, loopback port and passwords. */
export interface PostgresSettings {
  dataDir: string;
  port: number;
  superuserPassword: string;
  temporalPassword: string;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * PostgreSQL refuses to run as root: as root, its commands run as Debian's `postgres` system user (created by the
 * package); as anyone else, as that user.
 */
function asServerUser(binary: string, args: string[]): { command: string; args: string[] } {
  const path = join(CLUSTER_TOOLS.postgresBin, binary);
  return isRoot() ? { command: 'runuser', args: ['-u', 'postgres', '--', path, ...args] } : { command: path, args };
}

/** Creates the data folder with `initdb` the first time: password authentication over loopback TCP only. */
export async function initPostgres(settings: PostgresSettings): Promise<void> {
  if (existsSync(join(settings.dataDir, 'PG_VERSION'))) return;
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(settings.dataDir, '..', 'postgres-initdb.pw');
  writeFileSync(passwordFile, `${settings.superuserPassword}\n`, { mode: 0o600 });
  try {
    if (isRoot()) {
      const owned = spawnSync('chown', ['postgres:postgres', settings.dataDir, passwordFile], { encoding: 'utf8' });
      if (owned.status !== 0) {
        throw new ClusterSetupError(`could not hand ${settings.dataDir} to the postgres user: ${owned.stderr.trim()}`);
      }
    }
    chmodSync(settings.dataDir, 0o700);
    const { command, args } = asServerUser('initdb', [
      '-D',
      settings.dataDir,
      '-U',
      'postgres',
      '--pwfile',
      passwordFile,
      '--auth-host=scram-sha-256',
      '--auth-local=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
    ]);
    await run(
      `initdb (PostgreSQL runs as the postgres user, which must be able to reach ${settings.dataDir})`,
      command,
      args,
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** Where PostgreSQL's own log lines go. */
function postgresLogFile(settings: PostgresSettings): string {
  return join(settings.dataDir, '..', 'postgres.log');
}

/** The PostgreSQL server as a supervised child: loopback TCP only, no Unix socket, fast shutdown on stop. */
export function postgresChild(settings: PostgresSettings): ChildSpec {
  const { command, args } = asServerUser('postgres', [
    '-D',
    settings.dataDir,
    '-p',
    String(settings.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    // History, matching, visibility and the SQL tool each keep a pool; 2 cores need no more.
    '-c',
    'max_connections=200',
    '-c',
    'log_min_messages=warning',
  ]);
  return {
    name: 'postgres',
    command,
    args,
    output: logToFile(postgresLogFile(settings)),
    stopSignal: 'SIGINT',
    ready: () => waitForPostgres(settings),
  };
}

async function psql(settings: PostgresSettings, database: string, sql: string): Promise<string> {
  return run(
    'psql',
    join(CLUSTER_TOOLS.postgresBin, 'psql'),
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(settings.port),
      '-U',
      'postgres',
      '-d',
      database,
      '-v',
      'ON_ERROR_STOP=1',
      '-tAc',
      sql,
    ],
    {
      env: { ...process.env, PGPASSWORD: settings.superuserPassword, PGCONNECT_TIMEOUT: '3' },
    },
  );
}

async function waitForPostgres(settings: PostgresSettings, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await psql(settings, 'postgres', 'SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new ClusterSetupError(
          `PostgreSQL on port ${settings.port} did not answer (${(error as Error).message}); its log is ${postgresLogFile(settings)}`,
        );
      await new Promise((wait) => setTimeout(wait, 300));
    }
  }
}

/** The `temporal` role and its two databases, created once; a restart finds them. */
export async function provisionTemporalDatabases(settings: PostgresSettings): Promise<void> {
  const literal = settings.temporalPassword.replace(/'/g, "''");
  const role = await psql(settings, 'postgres', `SELECT 1 FROM pg_roles WHERE rolname = '${TEMPORAL_DB_USER}'`);
  await psql(
    settings,
    'postgres',
    role.trim() === '1'
      ? `ALTER ROLE ${TEMPORAL_DB_USER} LOGIN PASSWORD '${literal}'`
      : `CREATE ROLE ${TEMPORAL_DB_USER} LOGIN PASSWORD '${literal}'`,
  );
  for (const database of TEMPORAL_DATABASES) {
    const exists = await psql(settings, 'postgres', `SELECT 1 FROM pg_database WHERE datname = '${database}'`);
    if (exists.trim() !== '1')
      await psql(settings, 'postgres', `CREATE DATABASE ${database} OWNER ${TEMPORAL_DB_USER}`);
  }
}

/** Whether `database` already carries Temporal's schema version table (set up once, then only updated). */
export async function hasTemporalSchema(settings: PostgresSettings, database: string): Promise<boolean> {
  const found = await psql(settings, database, `SELECT to_regclass('public.schema_version') IS NOT NULL`);
  return found.trim() === 't';
}
