import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logToFile, type ChildSpec } from '../lib/supervisor';
import { ClusterSetupError, CLUSTER_TOOLS, run } from './tools';

/** The databases Temporal needs: persistence and SQL visibility, both owned by the `temporal` role. */
const TEMPORAL_DATABASES = ['temporal', 'temporal_visibility'] as const;
export const TEMPORAL_DB_USER = 'temporal';

/**
 * A local PostgreSQL 15 of a stack's own (the cluster's, `npm start`'s, the integration tests'): its data folder,
 * loopback port and superuser password.
 */
export interface PostgresSettings {
  dataDir: string;
  port: number;
  superuserPassword: string;
  /** A test's throwaway server: no fsync, so starting and migrating cost what the CPU does, not the disk. */
  throwaway?: boolean;
}

/** The cluster's PostgreSQL, which also holds the Temporal databases under their own role. */
export interface ClusterPostgresSettings extends PostgresSettings {
  temporalPassword: string;
}

/** A database of the service's own and the role that owns it. */
export interface ServiceDatabase {
  database: string;
  role: string;
  password: string;
}

/** The `ekyc` database of policy versions and decision records, owned by the `ekyc` role with `password`. */
export function ekycDatabase(password: string): ServiceDatabase {
  return { database: 'ekyc', role: 'ekyc', password };
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
      ...(settings.throwaway ? ['--no-sync'] : []),
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
    // Temporal's history, matching, visibility and SQL tool each keep a pool, beside the service's small ones.
    '-c',
    'max_connections=200',
    '-c',
    'log_min_messages=warning',
    ...(settings.throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
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

/** A login role with `password` (set again if the role exists), and `databases` owned by it, each created once. */
async function provisionRole(
  settings: PostgresSettings,
  role: string,
  password: string,
  databases: readonly string[],
): Promise<void> {
  const literal = password.replace(/'/g, "''");
  const found = await psql(settings, 'postgres', `SELECT 1 FROM pg_roles WHERE rolname = '${role}'`);
  await psql(
    settings,
    'postgres',
    found.trim() === '1'
      ? `ALTER ROLE ${role} LOGIN PASSWORD '${literal}'`
      : `CREATE ROLE ${role} LOGIN PASSWORD '${literal}'`,
  );
  for (const database of databases) {
    const exists = await psql(settings, 'postgres', `SELECT 1 FROM pg_database WHERE datname = '${database}'`);
    if (exists.trim() !== '1') await psql(settings, 'postgres', `CREATE DATABASE ${database} OWNER ${role}`);
  }
}

/** The `temporal` role and its two databases, created once; a restart finds them. */
export async function provisionTemporalDatabases(settings: ClusterPostgresSettings): Promise<void> {
  await provisionRole(settings, TEMPORAL_DB_USER, settings.temporalPassword, TEMPORAL_DATABASES);
}

/**
 * The service's own database and role (migrated by the gateway and the worker themselves at start-up), created once;
 * returns the `DATABASE_URL` that reaches it.
 */
export async function provisionServiceDatabase(settings: PostgresSettings, service: ServiceDatabase): Promise<string> {
  await provisionRole(settings, service.role, service.password, [service.database]);
  return postgresUrl(settings.port, service.role, service.password, service.database);
}

/** A `postgres://` URL on loopback, the user and password encoded. */
export function postgresUrl(port: number, user: string, password: string, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Whether `database` already carries Temporal's schema version table (set up once, then only updated). */
export async function hasTemporalSchema(settings: PostgresSettings, database: string): Promise<boolean> {
  const found = await psql(settings, database, `SELECT to_regclass('public.schema_version') IS NOT NULL`);
  return found.trim() === 't';
}
