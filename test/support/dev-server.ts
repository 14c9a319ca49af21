import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEMPORAL_CLI_PATH } from '../../src/temporal/dev-server';
import { EKYC_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';

/**
 * A throwaway Temporal dev server (the CLI built into .tools/, a free port on loopback, in-memory SQLite, the journey's
 * search attributes registered), for the integration run, benchmarks and history capture.
 */
export function startTestDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI_PATH },
      ip: '127.0.0.1',
      searchAttributes: EKYC_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
}
