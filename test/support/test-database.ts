import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrations';
import { createLogger } from '../../src/logging';

/** A test file's own database in the run's PostgreSQL. */
export interface TestDatabase {
  url: string;
  database: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

const quiet = createLogger({ component: 'database', level: 'silent' });

/** Runs `sql` as the run's PostgreSQL superuser (`EKYC_TEST_POSTGRES_URL`, set by the integration global setup). */
async function asAdmin(sql: string): Promise<void> {
  const adminUrl = process.env.EKYC_TEST_POSTGRES_URL;
  if (!adminUrl) throw new Error('EKYC_TEST_POSTGRES_URL is unset: run this test in the integration or e2e project');
  const admin = openDatabase({ url: adminUrl, maxConnections: 1 }, quiet);
  try {
    await admin.query(sql);
  } finally {
    await admin.close();
  }
}

/**
 * A fresh database of the test's own, migrated unless `{ migrated: false }` (a test of the migrations themselves),
 * with a pool open on it.
 */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await asAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.EKYC_TEST_POSTGRES_URL ?? '');
  url.pathname = `/${name}`;
  const database = openDatabase({ url: url.toString(), applicationName: 'ekyc-test' }, quiet);
  if (migrated) await migrate(database);
  return {
    url: url.toString(),
    database,
    drop: async () => {
      await database.close();
      await asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
