import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { EmulatorClock } from '../../../src/emulator/clock';
import { encodeJpeg } from '../../../src/emulator/jpeg';
import { MediaStore, SyntheticAssets, VIDEO_BYTES, jsonAsset } from '../../../src/emulator/media';
import { PNG_SIGNATURE, crc32, encodePng } from '../../../src/emulator/png';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** Walks PNG chunks, checking every CRC; returns the chunk types and the IHDR / concatenated IDAT data. */
function readPng(bytes: Buffer) {
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const types: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer = Buffer.alloc(0);
  let offset = 8;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    expect(crc).toBe(crc32(bytes.subarray(offset + 4, offset + 8 + length)));
    types.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  expect(offset).toBe(bytes.length);
  return { types, width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), pixels: inflateSync(Buffer.concat(idat)) };
}

/** Walks JPEG marker segments up to SOS, then checks the entropy-coded data only escapes 0xFF properly until EOI. */
function readJpeg(bytes: Buffer) {
  expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]); // SOI
  expect([bytes[bytes.length - 2], bytes[bytes.length - 1]]).toEqual([0xff, 0xd9]); // EOI
  const markers: number[] = [];
  let offset = 2;
  let size = { width: 0, height: 0 };
  for (;;) {
    expect(bytes[offset]).toBe(0xff);
    const marker = bytes[offset + 1] as number;
    const length = bytes.readUInt16BE(offset + 2);
    markers.push(marker);
    if (marker === 0xc0) size = { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    offset += 2 + length;
    if (marker === 0xda) break;
  }
  for (let i = offset; i < bytes.length - 2; i += 1) {
    if (bytes[i] === 0xff) expect(bytes[i + 1]).toBe(0x00);
    if (bytes[i] === 0xff) i += 1;
  }
  return { markers, ...size };
}

describe('synthetic PNG', () => {
  it('is a valid PNG: signature, IHDR first, IEND last, correct CRCs, inflatable scanlines', () => {
    const width = 16;
    const height = 8;
    const rgb = new Uint8Array(width * height * 3).map((_, i) => (i * 7) % 256);
    const png = readPng(encodePng(width, height, rgb));
    expect(png.types).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([png.width, png.height]).toEqual([width, height]);
    expect(png.pixels.length).toBe((width * 3 + 1) * height);
    expect(png.pixels.subarray(1, 1 + width * 3).equals(Buffer.from(rgb.subarray(0, width * 3)))).toBe(true);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});

describe('synthetic JPEG', () => {
  it('is a baseline JPEG: SOI, JFIF, DQT, SOF0 with the size, DHT, SOS, stuffed entropy data, EOI', () => {
    const jpeg = readJpeg(encodeJpeg(32, 16, new Uint8Array(32 * 16 * 3).fill(200), 85, 'comment'));
    expect(jpeg.markers).toEqual([0xe0, 0xfe, 0xdb, 0xc0, 0xc4, 0xda]);
    expect([jpeg.width, jpeg.height]).toEqual([32, 16]);
  });

  it('refuses sizes that are not multiples of 8', () => {
    expect(() => encodeJpeg(10, 8, new Uint8Array(10 * 8 * 3))).toThrow(RangeError);
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
    expect(readJpeg(asset.bytes)).toMatchObject({ width, height });
  });

  it('the PNG assets are valid PNGs with matching MD5s', () => {
    for (const asset of [assets.bestFramePng(0), assets.cardCut(3)]) {
      expect(asset.contentType).toBe('image/png');
      expect(asset.md5).toBe(md5(asset.bytes));
      // Variants carry a tEXt comment after IHDR, so their bytes differ while the picture is the same.
      expect(readPng(asset.bytes).types).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    }
  });

  it('variants differ and are deterministic', () => {
    expect(assets.bestFrame(0).md5).not.toBe(assets.bestFrame(1).md5);
    expect(assets.cardCut(0).md5).not.toBe(assets.cardCut(1).md5);
    const pixels = new Uint8Array(16 * 16 * 3).map((_, i) => i % 256);
    expect(encodeJpeg(16, 16, pixels).equals(encodeJpeg(16, 16, pixels))).toBe(true);
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
