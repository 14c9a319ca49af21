import { createHash } from 'node:crypto';
import { decode } from 'jpeg-js';
import { PNG } from 'pngjs';
import { EmulatorClock } from '../../../src/emulator/clock';
import { encodeJpeg, encodePng } from '../../../src/emulator/image-encoding';
import { IMAGE_VARIANTS, MediaStore, SyntheticAssets, VIDEO_BYTES, jsonAsset } from '../../../src/emulator/media';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** Decodes a PNG with pngjs, which checks the signature and every chunk CRC. */
const readPng = (bytes: Buffer) => PNG.sync.read(bytes, { checkCRC: true });

/** Decodes a JPEG with jpeg-js (RGBA pixels, COM segments as `comments`). */
const readJpeg = (bytes: Buffer) => decode(bytes, { useTArray: true });

describe('PNG encoding', () => {
  it('decodes back to the same size and pixels, whatever the scanline filter', () => {
    const width = 16;
    const height = 8;
    const rgb = new Uint8Array(width * height * 3).map((_, i) => (i * 7) % 256);
    const encodings = [-1, 0, 1, 2, 3, 4].map((filterType) => encodePng(width, height, rgb, filterType));
    for (const bytes of encodings) {
      const png = readPng(bytes);
      expect([png.width, png.height, png.colorType]).toEqual([width, height, 2]);
      // pngjs decodes to RGBA: drop the alpha bytes to compare.
      expect(Buffer.from(png.data.filter((_, i) => i % 4 !== 3)).equals(Buffer.from(rgb))).toBe(true);
    }
    expect(new Set(encodings.map(md5)).size).toBe(encodings.length);
  });

  it('refuses pixels that do not match the size', () => {
    expect(() => encodePng(4, 4, new Uint8Array(4 * 4 * 4))).toThrow(RangeError);
  });
});

describe('JPEG encoding', () => {
  it('decodes back to the size, carries the comment and keeps a flat colour close to the input', () => {
    const jpeg = readJpeg(encodeJpeg(32, 16, new Uint8Array(32 * 16 * 3).fill(200), 85, 'comment'));
    expect([jpeg.width, jpeg.height]).toEqual([32, 16]);
    expect(jpeg.comments).toEqual(['comment']);
    const colours = jpeg.data.filter((_, i) => i % 4 !== 3);
    expect(Math.max(...colours.map((value) => Math.abs(value - 200)))).toBeLessThanOrEqual(2);
  });

  it('is deterministic, and a comment changes the bytes', () => {
    const pixels = new Uint8Array(16 * 16 * 3).map((_, i) => i % 256);
    expect(encodeJpeg(16, 16, pixels).equals(encodeJpeg(16, 16, pixels))).toBe(true);
    expect(encodeJpeg(16, 16, pixels, 85, 'a').equals(encodeJpeg(16, 16, pixels, 85, 'b'))).toBe(false);
  });

  it('refuses pixels that do not match the size', () => {
    expect(() => encodeJpeg(10, 8, new Uint8Array(10 * 10 * 3))).toThrow(RangeError);
  });
});

describe('synthetic assets', () => {
  const assets = new SyntheticAssets();

  it.each([
    ['bestFrame', () => assets.bestFrame(0), 480, 640],
    ['profileImage', () => assets.profileImage(1), 240, 320],
    ['cardImage', () => assets.cardImage(2), 856, 536],
  ])('%s is a decodable JPEG whose MD5 and content type match', (_name, get, width, height) => {
    const asset = get();
    expect(asset.contentType).toBe('image/jpeg');
    expect(asset.md5).toBe(md5(asset.bytes));
    const jpeg = readJpeg(asset.bytes);
    expect([jpeg.width, jpeg.height]).toEqual([width, height]);
    expect(jpeg.comments).toEqual([expect.stringContaining('synthetic image, not a real person')]);
  });

  it.each([
    ['bestFramePng', () => assets.bestFramePng(0), 240, 320],
    ['cardCut', () => assets.cardCut(3), 428, 268],
  ])('%s is a decodable PNG whose MD5 and content type match', (_name, get, width, height) => {
    const asset = get();
    expect(asset.contentType).toBe('image/png');
    expect(asset.md5).toBe(md5(asset.bytes));
    const png = readPng(asset.bytes);
    expect([png.width, png.height]).toEqual([width, height]);
  });

  it('variants show the same picture with different bytes', () => {
    for (const kind of ['bestFrame', 'cardCut'] as const) {
      const variants = Array.from({ length: IMAGE_VARIANTS }, (_, v) => assets[kind](v));
      expect(new Set(variants.map((asset) => asset.md5)).size).toBe(IMAGE_VARIANTS);
      const decode = kind === 'bestFrame' ? readJpeg : readPng;
      const [first, ...others] = variants.map((asset) => Buffer.from(decode(asset.bytes).data));
      for (const other of others) expect(other.equals(first as Buffer)).toBe(true);
    }
    expect(assets.bestFrame(IMAGE_VARIANTS + 1)).toBe(assets.bestFrame(1));
  });

  it('the video is video-sized and starts with an MP4 ftyp box', () => {
    const video = assets.video();
    expect(video.bytes.length).toBe(VIDEO_BYTES);
    expect(video.bytes.length).toBeGreaterThan(2_000_000);
    expect(video.bytes.toString('ascii', 4, 12)).toBe('ftypisom');
    expect(video.md5).toBe(md5(video.bytes));
    expect(assets.inlineVideo().bytes.toString('ascii', 4, 8)).toBe('ftyp');
  });

  it('OCR JSON assets carry the MD5 of their exact bytes', () => {
    const asset = jsonAsset('ocr.json', { FullName: 'SANDBOX TESTER' });
    expect(JSON.parse(asset.bytes.toString('utf8'))).toEqual({ FullName: 'SANDBOX TESTER' });
    expect(asset.md5).toBe(md5(asset.bytes));
  });
});

describe('media store', () => {
  it('publishes FileInfo with the asset MD5 and size at a fresh URL each time', () => {
    const store = new MediaStore(new EmulatorClock(), () => 'http://127.0.0.1:1');
    const asset = jsonAsset('a.json', [1, 2, 3]);
    const first = store.publish(asset);
    const second = store.publish(asset);
    expect(first).toMatchObject({ MD5: asset.md5, Size: asset.bytes.length });
    expect(first.Url).toMatch(
      /^http:\/\/127\.0\.0\.1:1\/media\/[0-9a-f]{32}\/a\.json\?expires=\d+&signature=[0-9a-f]{32}$/,
    );
    expect(second.Url).not.toBe(first.Url);
  });
});
