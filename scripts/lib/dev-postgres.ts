import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { invalid, port } from '../../src/config/env';
import { ekycDatabase, initPostgres, postgresChild, postgresUrl, provisionServiceDatabase } from '../cluster/postgres';
import type { Supervisor } from './supervisor';

/** `npm start`'s PostgreSQL port unless `DEV_POSTGRES_PORT` says otherwise: 5432 is a packaged server's, 5433 the cluster's. */
const DEFAULT_DEV_POSTGRES_PORT = 5434;

/** The loopback port of `npm start`'s PostgreSQL (`DEV_POSTGRES_PORT`). */
export function devPostgresPort(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = port.min(1).safeParse(env.DEV_POSTGRES_PORT?.trim() || DEFAULT_DEV_POSTGRES_PORT);
  if (!parsed.success) throw invalid('DEV_POSTGRES_PORT', 'expected a port from 1 to 65535');
  return parsed.data;
}

/** Passwords of `npm start`'s PostgreSQL: its superuser's and the `ekyc` role's. */
interface DevPostgresSecrets {
  superuser: string;
  ekyc: string;
}

const secretsFile = (dataDir: string): string => join(dataDir, 'postgres-secrets.json');

/** The passwords, generated once into the data folder (owner-only) and read back on later starts; never printed. */
function devPostgresSecrets(dataDir: string): DevPostgresSecrets {
  const file = secretsFile(dataDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevPostgresSecrets;
  const token = () => randomBytes(18).toString('base64url');
  const secrets = { superuser: token(), ekyc: token() };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * Starts `npm start`'s PostgreSQL 15 as a supervised child (data in `<dataDir>/postgres`, created by `initdb` on the
 * first start; loopback TCP on `port`), creates the `ekyc` database and role once, and returns its `DATABASE_URL`.
 */
export async function startDevPostgres(supervisor: Supervisor, dataDir: string, port: number): Promise<string> {
  const root = resolve(dataDir);
  const secrets = devPostgresSecrets(root);
  const settings = { dataDir: join(root, 'postgres'), port, superuserPassword: secrets.superuser };
  await initPostgres(settings);
  await supervisor.start(postgresChild(settings));
  return provisionServiceDatabase(settings, ekycDatabase(secrets.ekyc));
}

/**
 * The `DATABASE_URL` of `npm start`'s PostgreSQL for tools run beside it (`npm run policy`), from the passwords in its
 * data folder; undefined when `npm start` never ran there.
 */
export function devDatabaseUrl(dataDir: string, port: number): string | undefined {
  const file = secretsFile(resolve(dataDir));
  if (!existsSync(file)) return undefined;
  const { database, role, password } = ekycDatabase(
    (JSON.parse(readFileSync(file, 'utf8')) as DevPostgresSecrets).ekyc,
  );
  return postgresUrl(port, role, password, database);
}
