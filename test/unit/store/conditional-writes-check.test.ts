import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveCapabilityError, checkConditionalWrites } from '../../../src/store/conditional-writes-check';
import { FilesystemStore } from '../../../src/store/filesystem-store';

describe('checkConditionalWrites', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ekyc-cas-check-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('passes on a store that honours conditional writes, leaving nothing behind', async () => {
    const store = new FilesystemStore(root);
    await checkConditionalWrites(store);
    expect(await store.list('health/')).toEqual([]);
  });

  it('stops start-up, naming ARCHIVE_URL, on a store that ignores them', async () => {
    const store = new FilesystemStore(root);
    // An S3-compatible service that drops If-None-Match: every conditional write "succeeds".
    const ignoring = Object.assign(Object.create(store) as FilesystemStore, {
      putIfVersion: async (key: string, body: Buffer, contentType: string) => {
        await store.put(key, body, { contentType });
        return true;
      },
    });
    const check = checkConditionalWrites(ignoring);
    await expect(check).rejects.toBeInstanceOf(ArchiveCapabilityError);
    await expect(check).rejects.toThrow(/^ARCHIVE_URL: the object store ignores conditional writes/);
    expect(await store.list('health/')).toEqual([]);
  });
});
