import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEMPORAL_CLI_PATH } from '../../src/temporal/dev-server';
import { EKYC_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';

/**
 * One real Temporal dev server for the whole integration run (free port, in-memory SQLite, the journey's search
 * attributes registered); test files reach it through EKYC_TEST_TEMPORAL_ADDRESS and isolate themselves by task queue.
 */
export default async function globalSetup(): Promise<void> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI_PATH },
      ip: '127.0.0.1',
      searchAttributes: EKYC_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
  process.env.EKYC_TEST_TEMPORAL_ADDRESS = env.address;
  (globalThis as { ekycTemporalEnv?: TestWorkflowEnvironment }).ekycTemporalEnv = env;
}
