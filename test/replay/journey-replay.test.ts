import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Worker, type ReplayResult } from '@temporalio/worker';

const historiesDir = join(__dirname, '..', 'fixtures', 'histories');
const logger = new DefaultLogger('ERROR');

function recordedHistories() {
  return readdirSync(historiesDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(join(historiesDir, file), 'utf8'))),
    }));
}

async function replayAll(workflowsPath: string): Promise<ReplayResult[]> {
  const workflowBundle = await bundleWorkflowCode({ workflowsPath, logger });
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, recordedHistories())) results.push(result);
  return results;
}

describe('recorded journey histories', () => {
  it('covers every flow and the review, reconcile, expiry and cancel paths', () => {
    const names = recordedHistories().map((entry) => entry.workflowId);
    for (const expected of ['selfie', 'ekyc', 'liveness', 'web', 'web-legacy']) {
      expect(names).toContain(`${expected}-approved`);
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'ekyc-review-approved',
        'liveness-reconciled-approved',
        'liveness-expired',
        'selfie-renewed-cancelled',
      ]),
    );
  });

  it('replay against the current workflow code without a determinism error', async () => {
    const results = await replayAll(require.resolve('../../src/workflows'));
    expect(results.length).toBe(recordedHistories().length);
    const failures = results
      .filter((result) => result.error)
      .map((result) => `${result.workflowId}: ${String(result.error)}`);
    expect(failures).toEqual([]);
  });

  it('fail against a deliberately changed workflow (the check has teeth)', async () => {
    const results = await replayAll(require.resolve('./changed-workflows'));
    expect(results.length).toBe(recordedHistories().length);
    for (const result of results) {
      expect(result.error?.name).toBe('DeterminismViolationError');
    }
  });
});
