import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import type { PutExpectations, StoredObject } from '../../../src/store/object-store';
import { ARCHIVE_UNAVAILABLE_REASON } from '../../../src/contracts/failure-types';
import { eventually } from '../../support/eventually';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { startPassedLiveness } from '../../support/journeys';

// The archive failing (a full disk: every media write refused with ENOSPC) is waited out for as long as FaceID serves
// the media, fetching fresh URLs when needed; only past the result window does the journey end, with a documented
// reason. Fault injection at the store: a small full file system cannot be mounted here.

/** A filesystem store whose media writes fail with ENOSPC while `full` is set (claims and manifests still work). */
class FullDiskStore extends FilesystemStore {
  full = false;
  refused = 0;

  override async put(key: string, body: Readable | Buffer, expect: PutExpectations): Promise<StoredObject> {
    if (this.full && /\/(video|best-frame)-/.test(key)) {
      this.refused += 1;
      if (!Buffer.isBuffer(body)) body.resume();
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${key}'`), {
        code: 'ENOSPC',
        syscall: 'write',
      });
    }
    return super.put(key, body, expect);
  }
}

let harness: JourneyHarness;
let store: FullDiskStore;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ekyc-full-disk-'));
  store = new FullDiskStore(join(dir, 'archive'));
  harness = await startJourneyHarness({ archive: store });
});
afterAll(async () => {
  await harness?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  store.full = false;
  store.refused = 0;
});

test('a disk full for longer than a few attempts is waited out, and every file is archived once it frees', async () => {
  store.full = true;
  const started = await startPassedLiveness(harness, 'disk-full-short', { resultWindowMs: 120_000 });
  await harness.ekyc.userFinished(started.journeyId);
  // More attempts than the four a download gets for its own failures. Retries back off 1, 2, 4, 8, 16 s: the sixth
  // refusal comes about 31 s in when each attempt meets the full disk once.
  await eventually(() => expect(store.refused).toBeGreaterThanOrEqual(6), {
    what: 'six writes refused by the full disk',
    timeoutMs: 60_000,
  });
  store.full = false;
  const result = await harness.ekyc.result(started.journeyId);
  expect(result.outcome).toBe('approved');
  expect(result.media.map((ref) => ref.kind).sort()).toEqual(['best-frame', 'video']);
}, 90_000);

test('a disk full past the result window ends the journey failed with archive_unavailable', async () => {
  store.full = true;
  // Short windows all round: FaceID's result window, and the media URLs' lifetime that bounds each archive round.
  const started = await startPassedLiveness(harness, 'disk-full-long', {
    resultWindowMs: 8_000,
    mediaUrlLifetimeMs: 20_000,
  });
  await harness.ekyc.userFinished(started.journeyId);
  expect(await harness.ekyc.result(started.journeyId)).toMatchObject({
    outcome: 'failed',
    reasons: [ARCHIVE_UNAVAILABLE_REASON],
  });
}, 90_000);
