import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { S3Store } from '../../../src/store/s3-store';
import { ArchiveIntegrityError, ArchiveObjectMissingError } from '../../../src/store/object-store';
import { startMinio, type MinioServer } from '../archive/minio';
import { expectCompareAndSwap } from '../../support/compare-and-swap';
import { mediaKey } from '../../../src/archive/keys';
import { readManifest, recordArchived } from '../../../src/archive/manifest';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream of `bytes` in 64 KiB chunks that breaks with a reset after `breakAfter` bytes, if given. */
function chunked(bytes: Buffer, breakAfter?: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (breakAfter !== undefined && offset >= breakAfter) {
        this.destroy(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
        return;
      }
      if (offset >= bytes.length) {
        this.push(null);
        return;
      }
      this.push(bytes.subarray(offset, offset + 65_536));
      offset += 65_536;
    },
  });
}

let minio: MinioServer;
let store: S3Store;
// Small parts, so a 12 MiB body takes the multipart path (three parts) like a long FaceID video would.
let multipart: S3Store;
beforeAll(async () => {
  minio = await startMinio();
  store = minio.openStore('archive-tests');
  multipart = new S3Store({
    client: minio.client,
    bucket: minio.bucket,
    prefix: 'multipart/',
    partSize: 5 * 1024 * 1024,
  });
});
afterAll(async () => {
  await store?.close();
  await minio?.stop();
});

async function bucketKeys(): Promise<string[]> {
  const page = await minio.client.send(new ListObjectsV2Command({ Bucket: minio.bucket }));
  return (page.Contents ?? []).map((item) => item.Key ?? '');
}

async function pendingUploads(): Promise<number> {
  const page = await minio.client.send(new ListMultipartUploadsCommand({ Bucket: minio.bucket }));
  return page.Uploads?.length ?? 0;
}

describe('S3Store against a real MinIO server', () => {
  const bytes = randomBytes(300_000);

  it('puts a verified object under its prefix, reads it back, heads, lists and deletes it', async () => {
    const key = 'journeys/ekyc:s3-a/video-x.mp4';
    const stored = await store.put(key, chunked(bytes), {
      contentType: 'video/mp4',
      md5: md5(bytes),
      size: bytes.length,
    });
    expect(stored).toEqual({ key, md5: md5(bytes), size: bytes.length, contentType: 'video/mp4' });
    expect(await bucketKeys()).toContain(`archive-tests/${key}`);
    expect(md5(await readAll(await store.get(key)))).toBe(md5(bytes));
    expect(await store.head(key)).toEqual({ ...stored, modifiedAtMs: expect.any(Number) as number });
    expect(await store.list('journeys/ekyc:s3-a/')).toEqual([key]);
    await store.delete(key);
    expect(await store.head(key)).toBeUndefined();
    await expect(store.get(key)).rejects.toBeInstanceOf(ArchiveObjectMissingError);
  });

  it('uploads a large body in parts, verified, with its MD5 kept as metadata', async () => {
    const large = randomBytes(12 * 1024 * 1024);
    const key = 'journeys/ekyc:s3-b/video-large.mp4';
    await multipart.put(key, chunked(large), { contentType: 'video/mp4', md5: md5(large), size: large.length });
    const head = await minio.client.send(new HeadObjectCommand({ Bucket: minio.bucket, Key: `multipart/${key}` }));
    // A multipart ETag is not an MD5 ("<hash>-<parts>"), which is why the store keeps its own.
    expect(head.ETag).toMatch(/-3"$/);
    expect(await multipart.head(key)).toMatchObject({ md5: md5(large), size: large.length });
    expect(md5(await readAll(await multipart.get(key)))).toBe(md5(large));
  });

  it('refuses a small body whose MD5 differs and leaves no object behind', async () => {
    const key = 'journeys/ekyc:s3-c/best-frame-bad.jpg';
    await expect(
      store.put(key, chunked(bytes), { contentType: 'image/jpeg', md5: md5(Buffer.from('other')) }),
    ).rejects.toBeInstanceOf(ArchiveIntegrityError);
    expect(await store.head(key)).toBeUndefined();
    expect(await bucketKeys()).not.toContain(`archive-tests/${key}`);
  });

  it('aborts a multipart upload whose MD5 differs: no object and no dangling parts', async () => {
    const large = randomBytes(11 * 1024 * 1024);
    const key = 'journeys/ekyc:s3-d/video-bad.mp4';
    await expect(
      multipart.put(key, chunked(large), { contentType: 'video/mp4', md5: 'f'.repeat(32), size: large.length }),
    ).rejects.toBeInstanceOf(ArchiveIntegrityError);
    expect(await multipart.head(key)).toBeUndefined();
    expect(await pendingUploads()).toBe(0);
  });

  it('refuses a body longer or shorter than expected and leaves nothing behind', async () => {
    await expect(
      store.put('journeys/ekyc:s3-e/long.bin', chunked(bytes), { contentType: 'video/mp4', size: bytes.length - 1 }),
    ).rejects.toBeInstanceOf(ArchiveIntegrityError);
    await expect(
      store.put('journeys/ekyc:s3-e/short.bin', chunked(bytes), { contentType: 'video/mp4', size: bytes.length + 1 }),
    ).rejects.toBeInstanceOf(ArchiveIntegrityError);
    expect(await store.list('journeys/ekyc:s3-e/')).toEqual([]);
  });

  it('leaves nothing visible when the source breaks mid-write, in one part or many', async () => {
    await expect(
      store.put('journeys/ekyc:s3-f/small.mp4', chunked(bytes, 131_072), { contentType: 'video/mp4' }),
    ).rejects.toThrow('connection reset');
    const large = randomBytes(12 * 1024 * 1024);
    await expect(
      multipart.put('journeys/ekyc:s3-f/large.mp4', chunked(large, 7 * 1024 * 1024), { contentType: 'video/mp4' }),
    ).rejects.toThrow('connection reset');
    expect(await store.list('journeys/ekyc:s3-f/')).toEqual([]);
    expect(await multipart.list('journeys/ekyc:s3-f/')).toEqual([]);
    expect(await pendingUploads()).toBe(0);
  });

  it('fails at once, without hanging, on a source that broke before the upload began', async () => {
    const broken = new Readable({ read() {} });
    broken.destroy(new Error('socket closed early'));
    await expect(store.put('journeys/ekyc:s3-f/early.mp4', broken, { contentType: 'video/mp4' })).rejects.toThrow(
      'socket closed early',
    );
    expect(await store.head('journeys/ekyc:s3-f/early.mp4')).toBeUndefined();
  });

  it('records the MD5 of a stream given without one, also when it went up in parts', async () => {
    const large = randomBytes(6 * 1024 * 1024);
    await multipart.put('journeys/ekyc:s3-g/unknown.bin', chunked(large), { contentType: 'application/octet-stream' });
    expect(await multipart.head('journeys/ekyc:s3-g/unknown.bin')).toMatchObject({ md5: md5(large) });
    await store.put('journeys/ekyc:s3-g/claim.json', Buffer.from('[]'), { contentType: 'application/json' });
    expect(await store.head('journeys/ekyc:s3-g/claim.json')).toMatchObject({ md5: md5(Buffer.from('[]')), size: 2 });
  });

  it('writes conditionally (If-None-Match, If-Match): one winner among racing writers of several processes', async () => {
    const others = [minio.openStore('archive-tests'), minio.openStore('archive-tests')];
    try {
      await expectCompareAndSwap([store, ...others], 'journeys/ekyc:cas/manifest.json');
    } finally {
      for (const other of others) await other.close();
    }
  });

  it('keeps every manifest entry when workers on separate clients archive one journey at once', async () => {
    const others = [minio.openStore('archive-tests'), minio.openStore('archive-tests')];
    const stores = [store, ...others];
    const journeyId = 'ekyc:s3-manifest-race';
    const objects = Array.from({ length: 15 }, (_, index) => {
      const md5 = index.toString(16).padStart(32, '0');
      return {
        key: mediaKey(journeyId, 'best-frame', md5, 'image/jpeg'),
        kind: 'best-frame' as const,
        md5,
        size: 3,
        contentType: 'image/jpeg',
      };
    });
    try {
      await Promise.all(objects.map((item, index) => recordArchived(stores[index % 3] as S3Store, journeyId, [item])));
      const manifest = await readManifest(store, journeyId);
      expect(manifest?.entries.map((entry) => entry.key).sort()).toEqual(objects.map((item) => item.key).sort());
    } finally {
      for (const other of others) await other.close();
    }
  });

  it('refuses keys with empty, "." or ".." segments', async () => {
    await expect(store.put('journeys/../escape', bytes, { contentType: 'image/jpeg' })).rejects.toThrow(/segment/);
    await expect(store.put('/journeys/x', bytes, { contentType: 'image/jpeg' })).rejects.toThrow(/segment/);
  });
});
