import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Worker, type ReplayResult } from '@temporalio/worker';
import { FilesystemStore } from '../../src/store/filesystem-store';
import { ArchiveDataKeys, dataConverterFor, parseKeyRing, SANDBOX_CODEC_KEYS } from '../../src/codec';
import { bundleJourneyWorkflows } from '../../src/workers/workflow-bundle';
import { historyFromJson } from '../support/history-json';

const historiesDir = join(__dirname, '..', 'fixtures', 'histories');
const logger = new DefaultLogger('ERROR');
// The histories were recorded with the sandbox codec: replay decodes them with the same key ring, and those recorded
// with per-journey data keys with the journey's key, which the capture keeps beside them (`data-keys/`, wrapped by the
// published sandbox key).
const ring = parseKeyRing(SANDBOX_CODEC_KEYS);
const dataConverter = dataConverterFor(ring, {
  dataKeys: { vault: new ArchiveDataKeys(new FilesystemStore(historiesDir), ring), erased: 'fail' },
});

function recordedHistories() {
  return readdirSync(historiesDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => file.replace(/\.json$/, ''))
    .map((name) => ({
      name,
      // The journey derives its children's ids from its own: replay under the id it ran with (the capture script
      // starts `<name>` with reference `capture-<name>`).
      workflowId: `ekyc:capture-${name}`,
      history: historyFromJson(JSON.parse(readFileSync(join(historiesDir, `${name}.json`), 'utf8'))),
    }));
}

async function replayAll(workflowsPath: string): Promise<ReplayResult[]> {
  const workflowBundle = await bundleJourneyWorkflows({ workflowsPath, logger });
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter }, recordedHistories())) {
    results.push(result);
  }
  return results;
}

describe('recorded journey histories', () => {
  it('covers every flow and the review, reconcile, expiry and cancel paths', () => {
    const names = recordedHistories().map((entry) => entry.name);
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
