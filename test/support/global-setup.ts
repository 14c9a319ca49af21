import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestDevServer } from './dev-server';
import { startTestPostgres, type TestPostgres } from './test-postgres';

/** What the global setup started, for the global teardown. */
export interface TestServers {
  temporal: TestWorkflowEnvironment;
  postgres: TestPostgres;
}

/**
 * One real Temporal dev server (free port, in-memory SQLite, the journey's search attributes registered) and one
 * PostgreSQL 15 (temporary folder, free port) for the whole integration run, started side by side; test files reach
 * them through EKYC_TEST_TEMPORAL_ADDRESS (isolating themselves by task queue) and EKYC_TEST_POSTGRES_URL (each making
 * a database of its own, `test/support/test-database.ts`).
 */
export default async function globalSetup(): Promise<void> {
  const [temporal, postgres] = await Promise.allSettled([startTestDevServer(), startTestPostgres()]);
  if (temporal.status === 'rejected' || postgres.status === 'rejected') {
    if (temporal.status === 'fulfilled') await temporal.value.teardown();
    if (postgres.status === 'fulfilled') await postgres.value.stop();
    throw temporal.status === 'rejected' ? temporal.reason : (postgres as PromiseRejectedResult).reason;
  }
  process.env.EKYC_TEST_TEMPORAL_ADDRESS = temporal.value.address;
  process.env.EKYC_TEST_POSTGRES_URL = postgres.value.adminUrl;
  (globalThis as { ekycTestServers?: TestServers }).ekycTestServers = {
    temporal: temporal.value,
    postgres: postgres.value,
  };
}
