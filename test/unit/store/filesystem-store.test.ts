import { createHash } from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { ArchiveIntegrityError, ArchiveObjectMissingError } from '../../../src/store/object-store';
import { expectCompareAndSwap } from '../../support/compare-and-swap';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('FilesystemStore', () => {
  let root: string;
  let store: FilesystemStore;
  const bytes = Buffer.from('synthetic media bytes '.repeat(1000));

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ekyc-store-'));
    store = new FilesystemStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('puts a verified object, reads it back and reports its metadata', async () => {
    const stored = await store.put('journeys/ekyc:a/video-x.mp4', Readable.from([bytes]), {
      contentType: 'video/mp4',
      md5: md5(bytes),
      size: bytes.length,
    });
    expect(stored).toEqual({
      key: 'journeys/ekyc:a/video-x.mp4',
      md5: md5(bytes),
      size: bytes.length,
      contentType: 'video/mp4',
    });
    expect(await readAll(await store.get(stored.key))).toEqual(bytes);
    expect(await store.head(stored.key)).toEqual({ ...stored, modifiedAtMs: expect.any(Number) as number });
    expect(await store.list('journeys/ekyc:a/')).toEqual([stored.key]);
  });

  it('refuses bytes whose MD5 differs and leaves nothing behind', async () => {
    await expect(
      store.put('journeys/j/best-frame-1.jpg', bytes, { contentType: 'image/jpeg', md5: md5(Buffer.from('other')) }),
    ).rejects.toBeInstanceOf(ArchiveIntegrityError);
    expect(await allFiles(root)).toEqual([]);
  });

  it('refuses a body longer or shorter than the expected size and leaves nothing behind', async () => {
    await expect(
      store.put('a/long', bytes, { contentType: 'video/mp4', size: bytes.length - 1 }),
    ).rejects.toBeInstanceOf(ArchiveIntegrityError);
    await expect(
      store.put('a/short', bytes, { contentType: 'video/mp4', size: bytes.length + 1 }),
    ).rejects.toBeInstanceOf(ArchiveIntegrityError);
    expect(await allFiles(root)).toEqual([]);
  });

  it('leaves nothing visible when the source stream breaks mid-write', async () => {
    const broken = new Readable({
      read() {
        this.push(bytes.subarray(0, 1000));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(store.put('a/broken', broken, { contentType: 'video/mp4' })).rejects.toThrow('connection reset');
    expect(await store.head('a/broken')).toBeUndefined();
    expect(await allFiles(root)).toEqual([]);
  });

  it('fails at once, without hanging, on a source that broke before the write began', async () => {
    const broken = new Readable({ read() {} });
    broken.destroy(new Error('socket closed early'));
    await expect(store.put('a/early', broken, { contentType: 'video/mp4' })).rejects.toThrow('socket closed early');
    expect(await allFiles(root)).toEqual([]);
  });

  it('reports a missing object with a typed error', async () => {
    await expect(store.get('journeys/none/video.mp4')).rejects.toBeInstanceOf(ArchiveObjectMissingError);
    expect(await store.head('journeys/none/video.mp4')).toBeUndefined();
  });

  it('refuses keys that escape the store root', async () => {
    await expect(store.put('../outside', bytes, { contentType: 'image/jpeg' })).rejects.toThrow('escapes');
  });

  it('writes conditionally, one winner among racing writers of several processes', async () => {
    await expectCompareAndSwap(
      [store, new FilesystemStore(root), new FilesystemStore(root)],
      'journeys/ekyc:cas/manifest.json',
    );
  });

  it('takes over a lock left by a writer that crashed', async () => {
    const key = 'journeys/ekyc:crashed/manifest.json';
    expect(await store.putIfVersion(key, Buffer.from('{}'), 'application/json', undefined)).toBe(true);
    const version = (await store.readVersioned(key))?.version;
    await writeFile(join(root, `${key}.lock`), '');
    const old = new Date(Date.now() - 60_000);
    await utimes(join(root, `${key}.lock`), old, old);
    expect(await store.putIfVersion(key, Buffer.from('{"v":2}'), 'application/json', version)).toBe(true);
    expect(await readdir(dirname(join(root, key)))).toEqual(['manifest.json', 'manifest.json.meta.json']);
  });

  it('creates only if absent without a lock: of writers racing to create one object, exactly one wins', async () => {
    const key = 'data-keys/ekyc:race.json';
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.putIfVersion(key, Buffer.from(`{"writer":${index}}`), 'application/json', undefined),
      ),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    const winner = answers.indexOf(true);
    expect((await store.readVersioned(key))?.body.toString()).toBe(`{"writer":${winner}}`);
    expect(await store.head(key)).toMatchObject({ key, size: `{"writer":${winner}}`.length });
    expect(await readdir(dirname(join(root, key)))).toEqual(['ekyc:race.json', 'ekyc:race.json.meta.json']);
  });

  it('leaves no metadata without its object when the object cannot be put in place, and keeps the earlier one', async () => {
    const fresh = 'journeys/ekyc:c/best-frame-x.jpg';
    // A folder where the object should go: the final rename fails with the file system's own error.
    await mkdir(join(root, fresh, 'occupied'), { recursive: true });
    const failure = await store
      .put(fresh, bytes, { contentType: 'image/jpeg', md5: md5(bytes) })
      .catch((error: unknown) => error);
    expect((failure as NodeJS.ErrnoException).code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST)$/);
    expect(await allFiles(join(root, 'journeys/ekyc:c'))).toEqual([]);

    // An object already stored keeps its own metadata when a replacement fails the same way.
    const kept = 'journeys/ekyc:c/video-y.mp4';
    const first = await store.put(kept, bytes, { contentType: 'video/mp4', md5: md5(bytes) });
    await rm(join(root, kept));
    await mkdir(join(root, kept, 'occupied'), { recursive: true });
    const other = Buffer.from('other bytes');
    await expect(store.put(kept, other, { contentType: 'video/mp4', md5: md5(other) })).rejects.toThrow();
    await rm(join(root, kept), { recursive: true });
    await writeFile(join(root, kept), bytes);
    expect(await store.head(kept)).toMatchObject({ md5: first.md5, size: first.size });
  });

  it("reports the write's own failure when cleaning up after it fails too", async () => {
    // The module object the store's own calls go through.
    const fsPromises = jest.requireActual<typeof FsPromises>('node:fs/promises');
    const removal = jest.spyOn(fsPromises, 'rm').mockRejectedValue(Object.assign(new Error('EIO'), { code: 'EIO' }));
    try {
      const failure = await store
        .put('journeys/ekyc:d/video-z.mp4', bytes, { contentType: 'video/mp4', md5: '0'.repeat(32) })
        .catch((error: unknown) => error);
      expect(removal).toHaveBeenCalled();
      expect(failure).toBeInstanceOf(ArchiveIntegrityError);
    } finally {
      removal.mockRestore();
    }
  });

  it('deletes an object and its metadata', async () => {
    await store.put('a/b.jpg', bytes, { contentType: 'image/jpeg' });
    await store.delete('a/b.jpg');
    expect(await allFiles(root)).toEqual([]);
  });

  describe('leftovers of writes a crash interrupted', () => {
    const hourAgo = new Date(Date.now() - 3600_000);
    /** A `.partial` file as a crashed attempt leaves it, with its modification time set to `at`. */
    async function leftover(relativePath: string, at: Date): Promise<void> {
      const path = join(root, relativePath);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, 'part of a video');
      await utimes(path, at, at);
    }

    it('removeLeftovers clears a prefix of partial files older than the age given, and nothing else', async () => {
      await store.put('journeys/j1/best-frame.jpg', bytes, { contentType: 'image/jpeg' });
      await leftover('journeys/j1/video.mp4.a.partial', hourAgo);
      await leftover('journeys/j2/video.mp4.b.partial', hourAgo);
      await leftover('journeys/j1/video.mp4.c.partial', new Date());
      expect(await store.removeLeftovers('journeys/j1/', 60_000)).toBe(1);
      expect((await allFiles(root)).sort()).toEqual([
        'best-frame.jpg',
        'best-frame.jpg.meta.json',
        'video.mp4.b.partial',
        'video.mp4.c.partial',
      ]);
      expect(await store.removeLeftovers('', 0)).toBe(2);
      expect((await allFiles(root)).sort()).toEqual(['best-frame.jpg', 'best-frame.jpg.meta.json']);
    });
  });
});
