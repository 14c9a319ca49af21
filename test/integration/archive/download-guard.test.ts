import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConnector } from 'undici';
import {
  MediaDownloader,
  MediaDownloadError,
  MediaTooLargeError,
  MediaUnsafeUrlError,
  MediaUrlExpiredError,
  type MediaDownloaderOptions,
} from '../../../src/archive/download';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { guardedConnector } from '../../../src/archive/guarded-connector';
import { ArchiveIntegrityError } from '../../../src/store/object-store';
import { asset, startMediaServer, startTripwire, type MediaServer, type Tripwire } from './media-server';

const CAP = 256 * 1024;

let media: MediaServer;
let wire: Tripwire;
let root: string;
let store: FilesystemStore;
const downloaders: MediaDownloader[] = [];
/** Every address the routing connector was asked to open (it would deliver the bytes to the tripwire). */
let routed: string[] = [];

beforeAll(async () => {
  media = await startMediaServer({ capBytes: CAP });
  wire = await startTripwire();
});
afterAll(async () => {
  await Promise.all(downloaders.map((downloader) => downloader.close()));
  await media?.close();
  await wire?.close();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ekyc-guard-'));
  store = new FilesystemStore(root);
  routed = [];
});
afterEach(() => rm(root, { recursive: true, force: true }));

/**
 * A downloader whose socket opener, if the guard ever let a connection through, would deliver it to the tripwire
 * whatever the address: the proof that nothing reached an internal target works even for 10.0.0.1.
 */
function downloader(options: MediaDownloaderOptions = {}): MediaDownloader {
  const toTripwire = buildConnector({ timeout: 2_000 });
  const created = new MediaDownloader({
    maxBytes: CAP,
    idleTimeoutMs: 800,
    connectTimeoutMs: 2_000,
    openSocket: (target, callback) => {
      if (target.hostname === '127.0.0.1' && target.port === String(media.host.split(':')[1])) {
        toTripwire(target, callback);
        return;
      }
      routed.push(target.hostname);
      toTripwire({ ...target, hostname: '127.0.0.1', port: String(wire.port), protocol: 'http:' }, callback);
    },
    ...options,
  });
  downloaders.push(created);
  return created;
}

async function storedFiles(): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

async function attempt(url: string, options: MediaDownloaderOptions, size: number | null = 64): Promise<unknown> {
  return downloader(options)
    .archive(store, {
      url,
      key: 'journeys/ekyc:guard/video-x.mp4',
      md5: '0'.repeat(32),
      size,
      contentType: 'video/mp4',
    })
    .then(
      () => new Error('the download succeeded'),
      (error: unknown) => error,
    );
}

describe('the download guard refuses every internal target, and no byte reaches it', () => {
  // An operator who allowlisted far too much: the connect-time address check must still hold.
  const permissive = (): MediaDownloaderOptions & { allowedHosts: string[]; sandboxHosts: string[] } => ({
    allowedHosts: ['localhost', '127.0.0.1', '10.0.0.1', '169.254.169.254', '[::1]', '[::ffff:7f00:1]', '*.media.test'],
    sandboxHosts: [media.host],
  });

  afterEach(() => {
    expect(routed).toEqual([]);
    expect(wire.connections).toBe(0);
    expect(wire.bytes).toBe(0);
  });

  it.each([
    [
      'http:// outside the sandbox',
      () => `http://localhost:${wire.port}/video.mp4`,
      () => ({ allowedHosts: ['localhost'] }),
    ],
    ['127.0.0.1', () => `https://127.0.0.1:${wire.port}/video.mp4`, permissive],
    ['10.0.0.1', () => 'https://10.0.0.1/video.mp4', permissive],
    ['169.254.169.254 (cloud metadata)', () => 'https://169.254.169.254/latest/meta-data/iam/', permissive],
    ['[::1]', () => `https://[::1]:${wire.port}/video.mp4`, permissive],
    ['[::ffff:127.0.0.1]', () => `https://[::ffff:127.0.0.1]:${wire.port}/video.mp4`, permissive],
    ['a decimal-encoded IP (2130706433 = 127.0.0.1)', () => `https://2130706433:${wire.port}/video.mp4`, permissive],
    ['a host name that resolves to loopback (localhost)', () => `https://localhost:${wire.port}/video.mp4`, permissive],
    [
      'a redirect to an internal address',
      () => `${media.origin}/redirect/x?to=${encodeURIComponent(`http://127.0.0.1:${wire.port}/video.mp4`)}`,
      permissive,
    ],
    [
      'a redirect to an allowlisted name that resolves to loopback',
      () => `${media.origin}/redirect/x?to=${encodeURIComponent(`https://localhost:${wire.port}/video.mp4`)}`,
      permissive,
    ],
    [
      'a redirect to the cloud metadata service',
      () => `${media.origin}/redirect/x?to=${encodeURIComponent('https://169.254.169.254/latest/meta-data/')}`,
      permissive,
    ],
    [
      'the sandbox host on another port',
      () => `http://127.0.0.1:${wire.port}/video.mp4`,
      () => ({ allowedHosts: [], sandboxHosts: [media.host] }),
    ],
  ])('%s', async (_name, url, options) => {
    const error = await attempt(url(), options());
    expect(error).toBeInstanceOf(MediaUnsafeUrlError);
    expect(await storedFiles()).toEqual([]);
  });

  it('a name resolved at connect time: a DNS answer of 127.0.0.1 is refused at the socket, not only in the URL', async () => {
    const asked: string[] = [];
    const error = await attempt(`https://cdn.media.test:${wire.port}/video.mp4`, {
      ...permissive(),
      lookup: (hostname) => {
        asked.push(hostname);
        return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
      },
    });
    expect(error).toBeInstanceOf(MediaUnsafeUrlError);
    expect((error as Error).message).toMatch(/resolves to the internal address 127\.0\.0\.1/);
    expect(asked).toEqual(['cdn.media.test']);
  });

  it('a name with one public and one internal answer is refused whole', async () => {
    const error = await attempt(`https://mixed.media.test:${wire.port}/video.mp4`, {
      ...permissive(),
      lookup: () =>
        Promise.resolve([
          { address: '43.152.10.7', family: 4 },
          { address: '10.0.0.1', family: 4 },
        ]),
    });
    expect(error).toBeInstanceOf(MediaUnsafeUrlError);
  });

  it('the connector alone refuses each internal address, whatever checks ran before it', async () => {
    const connect = guardedConnector({
      policy: permissive(),
      connectTimeoutMs: 1_000,
      openSocket: (target, callback) => {
        routed.push(target.hostname);
        callback(new Error('the guard let a connection through'), null);
      },
    });
    for (const hostname of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1', '::ffff:7f00:1', 'localhost']) {
      const error = await new Promise<Error | null>((done) =>
        connect({ hostname, protocol: 'https:', port: String(wire.port) }, (...result) => done(result[0])),
      );
      expect(error).toBeInstanceOf(MediaUnsafeUrlError);
    }
  });
});

describe('the download path', () => {
  const sandbox = (): MediaDownloaderOptions => ({ allowedHosts: [], sandboxHosts: [media.host] });

  it('archives a file from the sandbox host, verified, and reports progress', async () => {
    const file = asset(200 * 1024);
    const progress: number[] = [];
    const stored = await downloader(sandbox()).archive(store, {
      url: media.publish('ok', file),
      key: 'journeys/ekyc:guard/video-ok.mp4',
      md5: file.md5,
      size: file.size,
      contentType: 'video/mp4',
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(stored).toMatchObject({ md5: file.md5, size: file.size });
    expect(progress.at(-1)).toBe(file.size);
  });

  it('follows a redirect between allowed places by hand', async () => {
    const file = asset(4096);
    const target = media.publish('redirected', file);
    const stored = await downloader(sandbox()).archive(store, {
      url: `${media.origin}/redirect/x?to=${encodeURIComponent(target)}`,
      key: 'journeys/ekyc:guard/best-frame-r.jpg',
      md5: file.md5,
      size: file.size,
      contentType: 'image/jpeg',
    });
    expect(stored.md5).toBe(file.md5);
  });

  it('a slow but steady body arrives whole, with progress along the way', async () => {
    const file = asset(40 * 1024);
    media.publish('slow-file', file);
    const progress: number[] = [];
    const stored = await downloader(sandbox()).archive(store, {
      url: `${media.origin}/slow/slow-file`,
      key: 'journeys/ekyc:guard/video-slow.mp4',
      md5: file.md5,
      size: file.size,
      contentType: 'video/mp4',
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(stored.size).toBe(file.size);
    expect(progress.length).toBeGreaterThanOrEqual(10);
  });

  it.each([
    ['a body that stalls past the idle timeout', 'stall', MediaDownloadError],
    ['a truncated body', 'truncated', MediaDownloadError],
    ['a reset connection', 'reset', MediaDownloadError],
    ['a 5xx answer', 'error', MediaDownloadError],
    ['an expired URL (403)', 'expired', MediaUrlExpiredError],
    ['an unknown URL (404)', 'gone', MediaUrlExpiredError],
    ['an announced size over the cap', 'big', MediaTooLargeError],
    ['a chunked body that runs past the cap', 'big-chunked', MediaTooLargeError],
    ['a redirect loop', 'loop', MediaUnsafeUrlError],
  ])('%s fails as %p and stores nothing', async (_name, route, type) => {
    const error = await attempt(`${media.origin}/${route}/x`, sandbox(), null);
    expect(error).toBeInstanceOf(type);
    expect(await storedFiles()).toEqual([]);
  });

  it('a Content-Length that under-states the body: only that much is read, and the MD5 exposes it', async () => {
    const file = asset(64 * 1024);
    media.publish('short', file);
    const error = await downloader(sandbox())
      .archive(store, {
        url: `${media.origin}/lying-short/short`,
        key: 'journeys/ekyc:guard/video-ls.mp4',
        md5: file.md5,
        size: null,
        contentType: 'video/mp4',
      })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ArchiveIntegrityError);
    expect(await storedFiles()).toEqual([]);
  });

  it('a Content-Length that differs from the size FaceID stated is refused before the body is read', async () => {
    const file = asset(64 * 1024);
    media.publish('short-stated', file);
    const error = await attempt(`${media.origin}/lying-short/short-stated`, sandbox(), file.size);
    expect(error).toBeInstanceOf(ArchiveIntegrityError);
  });

  it('a Content-Length that over-states the body, then a close, is a broken download', async () => {
    const file = asset(64 * 1024);
    media.publish('long', file);
    const error = await downloader(sandbox())
      .archive(store, {
        url: `${media.origin}/lying-long/long`,
        key: 'journeys/ekyc:guard/video-ll.mp4',
        md5: file.md5,
        size: file.size,
        contentType: 'video/mp4',
      })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(MediaDownloadError);
    expect(await storedFiles()).toEqual([]);
  });

  it('a file FaceID states as over the cap is refused without a request', async () => {
    const error = await attempt(`${media.origin}/asset/never`, sandbox(), CAP + 1);
    expect(error).toBeInstanceOf(MediaTooLargeError);
  });
});
