import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { manifestKey, mediaClaimKey, mediaKey } from '../../../src/archive/keys';
import { readManifest, recordArchived, type ArchivedObject } from '../../../src/archive/manifest';
import { purgeJourneyMedia } from '../../../src/archive/retention';

const journeyId = 'ekyc:manifest-test';

function object(kind: ArchivedObject['kind'], md5: string): ArchivedObject {
  return { key: mediaKey(journeyId, kind, md5, 'image/jpeg'), kind, md5, size: 3, contentType: 'image/jpeg' };
}

describe('journey manifest', () => {
  let root: string;
  let store: FilesystemStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ekyc-manifest-'));
    store = new FilesystemStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('lists archived objects once, keeping the first archivedAt when a retry records them again', async () => {
    const frame = object('best-frame', 'a'.repeat(32));
    await recordArchived(store, journeyId, [frame], '2030-01-01T00:00:00.000Z');
    await recordArchived(store, journeyId, [frame, object('card-image', 'b'.repeat(32))], '2030-01-02T00:00:00.000Z');
    const manifest = await readManifest(store, journeyId);
    expect(manifest).toMatchObject({ version: 1, journeyId, deletions: [] });
    expect(manifest?.entries).toEqual([
      { ...frame, archivedAt: '2030-01-01T00:00:00.000Z' },
      { ...object('card-image', 'b'.repeat(32)), archivedAt: '2030-01-02T00:00:00.000Z' },
    ]);
  });

  it('keeps every entry when many updates of one journey race from several processes', async () => {
    const objects = Array.from({ length: 20 }, (_, index) =>
      object('best-frame', index.toString(16).padStart(32, '0')),
    );
    // Three store instances on one folder stand for three worker processes: nothing is serialised between them but
    // the store's compare-and-swap.
    const stores = [store, new FilesystemStore(root), new FilesystemStore(root)];
    await Promise.all(
      objects.map((item, index) => recordArchived(stores[index % stores.length] as FilesystemStore, journeyId, [item])),
    );
    const manifest = await readManifest(store, journeyId);
    expect(manifest?.entries.map((entry) => entry.key).sort()).toEqual(objects.map((item) => item.key).sort());
  });

  it('answers undefined for a journey that archived nothing', async () => {
    expect(await readManifest(store, 'ekyc:nothing')).toBeUndefined();
  });
});

describe('purgeJourneyMedia', () => {
  let root: string;
  let store: FilesystemStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ekyc-retention-'));
    store = new FilesystemStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function archive(item: ArchivedObject): Promise<void> {
    await store.put(item.key, Buffer.from('abc'), { contentType: item.contentType });
  }

  it('deletes media and leftover claims, keeps the manifest, and records every deletion', async () => {
    const frame = object('best-frame', 'c'.repeat(32));
    const card = object('card-image', 'd'.repeat(32));
    for (const item of [frame, card]) await archive(item);
    await recordArchived(store, journeyId, [frame, card]);
    const claim = mediaClaimKey(journeyId, 'req-1');
    await store.put(claim, Buffer.from('[]'), { contentType: 'application/json' });
    const other = object('best-frame', 'e'.repeat(32));
    await store.put(mediaKey('ekyc:other-journey', 'best-frame', other.md5, 'image/jpeg'), Buffer.from('x'), {
      contentType: 'image/jpeg',
    });

    const result = await purgeJourneyMedia(store, journeyId, { now: () => '2030-02-01T00:00:00.000Z' });

    expect(result.deleted.sort()).toEqual([card.key, frame.key, claim].sort());
    expect(await store.list(`journeys/${journeyId}/`)).toEqual([manifestKey(journeyId)]);
    expect(await store.list('journeys/ekyc:other-journey/')).toHaveLength(1);
    const manifest = await readManifest(store, journeyId);
    expect(manifest?.entries.map((entry) => entry.deletedAt)).toEqual([
      '2030-02-01T00:00:00.000Z',
      '2030-02-01T00:00:00.000Z',
    ]);
    expect(manifest?.deletions.map((deletion) => deletion.key).sort()).toEqual([card.key, frame.key, claim].sort());
    expect(manifest?.deletions.every((deletion) => deletion.reason === 'retention')).toBe(true);
  });

  it('removes what a crashed write left in the journey folder, however recent', async () => {
    const frame = object('best-frame', 'a'.repeat(32));
    await archive(frame);
    const partial = join(root, 'journeys', journeyId, 'video-0123.mp4.crashed-attempt.partial');
    await writeFile(partial, 'part of a video');

    await purgeJourneyMedia(store, journeyId);

    expect((await readdir(join(root, 'journeys', journeyId))).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('records deletions a crashed run made before it could update the manifest, and is harmless to repeat', async () => {
    const frame = object('best-frame', 'f'.repeat(32));
    await archive(frame);
    await recordArchived(store, journeyId, [frame]);
    await store.delete(frame.key);

    expect((await purgeJourneyMedia(store, journeyId, { now: () => '2030-03-01T00:00:00.000Z' })).deleted).toEqual([]);
    expect((await purgeJourneyMedia(store, journeyId, { now: () => '2030-03-02T00:00:00.000Z' })).deleted).toEqual([]);
    const manifest = await readManifest(store, journeyId);
    expect(manifest?.entries[0]?.deletedAt).toBe('2030-03-01T00:00:00.000Z');
    expect(manifest?.deletions).toEqual([
      { key: frame.key, deletedAt: '2030-03-01T00:00:00.000Z', reason: 'retention' },
    ]);
  });
});
