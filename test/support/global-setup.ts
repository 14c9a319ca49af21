import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestDevServer } from './dev-server';

/**
 * One real Temporal dev server for the whole integration run (free port, in-memory SQLite, the journey's search
 * attributes registered); test files reach it through EKYC_TEST_TEMPORAL_ADDRESS and isolate themselves by task queue.
 */
export default async function globalSetup(): Promise<void> {
  const env = await startTestDevServer();
  process.env.EKYC_TEST_TEMPORAL_ADDRESS = env.address;
  (globalThis as { ekycTemporalEnv?: TestWorkflowEnvironment }).ekycTemporalEnv = env;
}
