import { createHash, createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerResponse } from 'node:http';
import type { EmulatorClock } from './clock';
import { NO_MEDIA_FAULTS, type MediaFaults } from './faults';
import { encodeJpeg, encodePng } from './image-encoding';
import { memo } from './memo';
import { safeEqual } from './signature';

/** A file the emulator hands out: its bytes and the MD5 it advertises. */
export interface Asset {
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Buffer;
  readonly md5: string;
}

/** FaceID's `FileInfo` structure. */
export interface FileInfo {
  Url: string;
  MD5: string;
  Size: number;
}

/** How long a handed-out media URL works, in emulator seconds (FaceID documents 10 minutes). */
const MEDIA_URL_TTL_SECONDS = 600;

/** Number of distinct images per kind; a session's token picks one, so neighbouring sessions differ. */
export const IMAGE_VARIANTS = 4;

/** Size in bytes of the URL-served selfie video (real FaceID videos are a few MB). */
export const VIDEO_BYTES = 2_621_440;

/** Size in bytes of videos returned inline as Base64 (kept smaller to keep result bodies reasonable). */
const INLINE_VIDEO_BYTES = 655_360;

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Wraps bytes as an {@link Asset}, computing the MD5 once. */
function makeAsset(name: string, contentType: string, bytes: Buffer): Asset {
  return { name, contentType, bytes, md5: md5(bytes) };
}

/** Deterministic pseudo-random bytes (xorshift32): cheap, reproducible filler for videos and liveness packages. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 0x9e3779b9;
  let offset = 0;
  for (; offset + 4 <= length; offset += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out.writeUInt32LE(state >>> 0, offset);
  }
  for (; offset < length; offset += 1) out[offset] = (state >>> (8 * (offset % 4))) & 0xff;
  return out;
}

function box(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, 'ascii');
  return Buffer.concat([head, payload]);
}

/** A video-sized file that starts like an ISO BMFF (MP4) file: `ftyp` box, then one `mdat` box of filler. */
function syntheticMp4(totalBytes: number, seed: number): Buffer {
  const ftyp = box('ftyp', Buffer.from('isom\x00\x00\x02\x00isomiso2avc1mp41', 'latin1'));
  const mdatPayload = pseudoRandomBytes(Math.max(0, totalBytes - ftyp.length - 8), seed);
  return Buffer.concat([ftyp, box('mdat', mdatPayload)]);
}

type Rgb = [number, number, number];

function fill(width: number, height: number, paint: (x: number, y: number) => Rgb): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [r, g, b] = paint(x, y);
      const offset = (y * width + x) * 3;
      rgb[offset] = r;
      rgb[offset + 1] = g;
      rgb[offset + 2] = b;
    }
  }
  return rgb;
}

/** Paints an obviously synthetic face: an ellipse with eyes and a mouth on a gradient; `variant` shifts the colours. */
function face(width: number, height: number, variant: number): (x: number, y: number) => Rgb {
  const tint = (variant * 37) % 96;
  const eyeRx = width * 0.045;
  const eyeRy = height * 0.025;
  return (x, y) => {
    const nx = (x - width / 2) / (width * 0.3);
    const ny = (y - height * 0.48) / (height * 0.3);
    const ey = ((y - height * 0.42) / eyeRy) ** 2;
    const leftEye = ((x - width * 0.4) / eyeRx) ** 2 + ey < 1;
    const rightEye = ((x - width * 0.6) / eyeRx) ** 2 + ey < 1;
    const mouth = Math.abs(y - height * 0.6) < height * 0.012 && Math.abs(x - width / 2) < width * 0.09;
    if (leftEye || rightEye) return [40, 40, 60];
    if (mouth) return [150, 60, 60];
    if (nx * nx + ny * ny < 1) return [222, 184 - tint / 4, 150];
    return [Math.round((x / width) * 120) + tint, 140, Math.round((y / height) * 100) + 120];
  };
}

function card(width: number, height: number, variant: number): (x: number, y: number) => Rgb {
  const portraitWidth = Math.round(width * 0.3);
  const portraitHeight = Math.round(height * 0.6);
  const portrait = face(portraitWidth, portraitHeight, variant);
  const top = Math.round(height * 0.25);
  const left = Math.round(width * 0.06);
  return (x, y) => {
    if (x >= left && x < left + portraitWidth && y >= top && y < top + portraitHeight)
      return portrait(x - left, y - top);
    if (y < height * 0.16) return [30, 70 + variant * 20, 140];
    const line = Math.floor((y - height * 0.3) / (height * 0.1));
    const inText = line >= 0 && line < 5 && (y - height * 0.3) % (height * 0.1) < height * 0.04;
    if (inText && x > width * 0.42 && x < width * (0.9 - line * 0.06)) return [50, 50, 50];
    return [236, 240, 246];
  };
}

const COMMENT = 'ekyc-journeys sandbox: synthetic image, not a real person';

// Shared by every emulator in the process: the assets are deterministic and immutable, and building them is the
// costliest thing the emulator does.
const cache = new Map<string, Asset>();
const base64Cache = new WeakMap<Asset, string>();
const pixelCache = new Map<string, Uint8Array>();

/**
 * One of an image's variants, each with other bytes and MD5 for the same picture: a JPEG's variants differ only by
 * their comment; pngjs writes no text chunks, so a PNG's variants use another scanline filter each (0-3).
 */
function imageVariant(
  kind: string,
  name: string,
  format: 'jpeg' | 'png',
  [width, height]: readonly [number, number],
  paint: (w: number, h: number) => (x: number, y: number) => Rgb,
  variant: number,
): Asset {
  const v = variant % IMAGE_VARIANTS;
  return memo(cache, `${kind}-${v}`, () => {
    // Painted once; the variants are encodings of the same pixels.
    const rgb = memo(pixelCache, kind, () => fill(width, height, paint(width, height)));
    return format === 'jpeg'
      ? makeAsset(name, 'image/jpeg', encodeJpeg(width, height, rgb, 85, `${COMMENT} (variant ${v})`))
      : makeAsset(name, 'image/png', encodePng(width, height, rgb, v));
  });
}

/** Lazily built, process-wide cached synthetic media (bytes are immutable once built). */
export class SyntheticAssets {
  /** The liveness best frame (480x640 JPEG). */
  bestFrame(variant: number): Asset {
    return imageVariant('best-frame', 'best-frame.jpg', 'jpeg', [480, 640], (w, h) => face(w, h, 0), variant);
  }

  /** The legacy web flow's best frame, a PNG like the documented `faceid.png`. */
  bestFramePng(variant: number): Asset {
    return imageVariant('best-frame-png', 'best-frame.png', 'png', [240, 320], (w, h) => face(w, h, 0), variant);
  }

  /** The portrait cut from the document (240x320 JPEG). */
  profileImage(variant: number): Asset {
    return imageVariant('profile', 'profile-image.jpg', 'jpeg', [240, 320], (w, h) => face(w, h, 1), variant);
  }

  /** The full document photo (856x536 JPEG, ID-1 proportions). */
  cardImage(variant: number): Asset {
    return imageVariant('card', 'card-image.jpg', 'jpeg', [856, 536], (w, h) => card(w, h, 0), variant);
  }

  /** The cropped document (PNG), as the web flow's `CardCutImageBase64`. */
  cardCut(variant: number): Asset {
    return imageVariant('card-cut', 'card-cut.png', 'png', [428, 268], (w, h) => card(w, h, 0), variant);
  }

  /** The liveness video served at a URL (MP4-looking, {@link VIDEO_BYTES} bytes). */
  video(): Asset {
    return memo(cache, 'video', () => makeAsset('video.mp4', 'video/mp4', syntheticMp4(VIDEO_BYTES, 0x5eed0001)));
  }

  /** The action video served at a URL. */
  actionVideo(): Asset {
    return memo(cache, 'action-video', () =>
      makeAsset('action-video.mp4', 'video/mp4', syntheticMp4(Math.round(VIDEO_BYTES / 2), 0x5eed0002)),
    );
  }

  /** The video returned inline as Base64 by the selfie and intl web flows. */
  inlineVideo(): Asset {
    return memo(cache, 'inline-video', () =>
      makeAsset('video.mp4', 'video/mp4', syntheticMp4(INLINE_VIDEO_BYTES, 0x5eed0003)),
    );
  }

  /** The action video returned inline as Base64 by the selfie flow. */
  inlineActionVideo(): Asset {
    return memo(cache, 'inline-action-video', () =>
      makeAsset('action-video.mp4', 'video/mp4', syntheticMp4(Math.round(INLINE_VIDEO_BYTES / 2), 0x5eed0004)),
    );
  }

  /** The liveness algorithm package (`LiveData`): opaque binary. */
  liveData(): Asset {
    return memo(cache, 'live-data', () =>
      makeAsset('live-data.bin', 'application/octet-stream', pseudoRandomBytes(720_896, 0x5eed0005)),
    );
  }

  /** The Base64 text of an asset, computed once per asset. */
  base64(asset: Asset): string {
    return memo(base64Cache, asset, () => asset.bytes.toString('base64'));
  }

  /** Builds every asset up front, so no API call pays for it (and the SDK's timeout never sees it). */
  warm(): void {
    const assets = [this.video(), this.actionVideo(), this.inlineVideo(), this.inlineActionVideo(), this.liveData()];
    for (let v = 0; v < IMAGE_VARIANTS; v += 1) {
      assets.push(this.bestFrame(v), this.bestFramePng(v), this.profileImage(v), this.cardImage(v), this.cardCut(v));
    }
    for (const asset of assets) this.base64(asset);
  }
}

/** A JSON document (e.g. the OCR result file) as an asset. */
export function jsonAsset(name: string, value: unknown): Asset {
  return makeAsset(name, 'application/json', Buffer.from(JSON.stringify(value), 'utf8'));
}

/** How one publication should misbehave, from the `corrupt_media` / `expired_media` faults. */
interface Published {
  asset: Asset;
  /** Downloads still to be served with a flipped byte. */
  corruptLeft: number;
  /** Downloads still to be broken off halfway. */
  truncatedLeft: number;
  slowMs: number;
  expiresAtMs: number;
}

/** Counters for `/sandbox/stats`. */
export interface MediaStats {
  served: number;
  expired: number;
  notFound: number;
  /** Downloads whose bytes are being sent right now. */
  inFlight: number;
}

/** Chunk size of a slowed download: small enough that its pauses stay far below any idle timeout. */
const SLOW_CHUNK_BYTES = 64 * 1024;

/** The last oversize asset built (its bytes are large; a run uses one or two sizes). */
const oversizedCache = new Map<string, Asset>();

/** `asset` grown to `size` bytes (its own bytes, then filler), as an oversize file FaceID could hand out. */
function oversized(asset: Asset, size: number): Asset {
  if (size <= asset.bytes.length) return asset;
  const key = `${asset.md5}:${size}`;
  return memo(oversizedCache, key, () => {
    // One or two sizes in a run: keep only the newest, the bytes are large.
    oversizedCache.clear();
    return makeAsset(
      asset.name,
      asset.contentType,
      Buffer.concat([asset.bytes, Buffer.alloc(size - asset.bytes.length)]),
    );
  });
}

/**
 * Hands out media at expiring URLs on the emulator itself: `/media/<id>/<name>?expires=<unix s>&signature=<hmac>`.
 * The expiry is signed into the URL, so an expired link keeps answering 403 even after its entry has been swept.
 */
export class MediaStore {
  private readonly secret = randomBytes(32);
  private readonly entries = new Map<string, Published>();
  private nextSweepMs = 0;
  private counters: MediaStats = { served: 0, expired: 0, notFound: 0, inFlight: 0 };

  constructor(
    private readonly clock: EmulatorClock,
    private readonly baseUrl: () => string,
  ) {}

  private sign(id: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${id}:${expires}`).digest('hex').slice(0, 32);
  }

  /**
   * Publishes an asset at a fresh URL valid for {@link MEDIA_URL_TTL_SECONDS} and returns its `FileInfo`, with the
   * call's media faults: an oversize fault grows videos only (the file a real account could see that large).
   */
  publish(original: Asset, faults: MediaFaults = NO_MEDIA_FAULTS): FileInfo {
    const nowMs = this.clock.nowMs();
    this.sweep(nowMs);
    const asset =
      faults.oversizeBytes > 0 && original.contentType.startsWith('video/')
        ? oversized(original, faults.oversizeBytes)
        : original;
    const id = randomBytes(16).toString('hex');
    const expiresAtMs = faults.expired ? nowMs - 1000 : nowMs + MEDIA_URL_TTL_SECONDS * 1000;
    const expires = Math.floor(expiresAtMs / 1000);
    this.entries.set(id, {
      asset,
      corruptLeft: faults.corruptDownloads,
      truncatedLeft: faults.truncatedDownloads,
      slowMs: faults.slowMs,
      expiresAtMs: expires * 1000,
    });
    const url = `${this.baseUrl()}/media/${id}/${asset.name}?expires=${expires}&signature=${this.sign(id, expires)}`;
    return { Url: url, MD5: asset.md5, Size: asset.bytes.length };
  }

  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweepMs) return;
    for (const [id, entry] of this.entries) if (entry.expiresAtMs < nowMs) this.entries.delete(id);
    this.nextSweepMs = nowMs + 60_000;
  }

  /** Answers `GET`/`HEAD /media/...`: 200 with the bytes, 403 once expired (COS style), 404 when unknown. */
  serve(method: string, pathname: string, query: URLSearchParams, res: ServerResponse): void {
    const id = /^\/media\/([0-9a-f]{32})(?:\/[^/]*)?$/.exec(pathname)?.[1];
    const expires = Number(query.get('expires'));
    const signature = query.get('signature') ?? '';
    const authentic = id !== undefined && Number.isInteger(expires) && safeEqual(this.sign(id, expires), signature);
    if (authentic && this.clock.nowMs() > expires * 1000) {
      this.counters.expired += 1;
      return this.xmlError(res, 403, 'AccessDenied', 'Request has expired');
    }
    const entry = authentic ? this.entries.get(id) : undefined;
    if (!entry) {
      this.counters.notFound += 1;
      return this.xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
    this.counters.served += 1;
    let bytes = entry.asset.bytes;
    const download = method !== 'HEAD';
    if (download && entry.corruptLeft > 0) {
      entry.corruptLeft -= 1;
      // Same size, different content: only the MD5 check can catch it.
      bytes = Buffer.from(bytes);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = (bytes[middle] as number) ^ 0xff;
    }
    const truncated = download && entry.truncatedLeft > 0;
    if (truncated) entry.truncatedLeft -= 1;
    res.writeHead(200, {
      'Content-Type': entry.asset.contentType,
      'Content-Length': bytes.length,
      ETag: `"${entry.asset.md5}"`,
      'Cache-Control': 'no-store',
    });
    if (!download) {
      res.end();
      return;
    }
    // The full length is announced; a truncated download sends half of it and drops the connection.
    const sent = truncated ? bytes.subarray(0, Math.floor(bytes.length / 2)) : bytes;
    this.counters.inFlight += 1;
    let counted = true;
    const settle = () => {
      if (counted) this.counters.inFlight -= 1;
      counted = false;
    };
    res.once('close', settle);
    void this.send(res, sent, entry.slowMs).then(() => {
      settle();
      if (truncated) res.destroy();
      else res.end();
    });
  }

  /** Writes `bytes`, spread over `slowMs` in small chunks when the download is slowed. */
  private async send(res: ServerResponse, bytes: Buffer, slowMs: number): Promise<void> {
    if (slowMs <= 0) {
      res.write(bytes);
      return;
    }
    const chunks = Math.max(1, Math.ceil(bytes.length / SLOW_CHUNK_BYTES));
    for (let offset = 0; offset < bytes.length && !res.destroyed; offset += SLOW_CHUNK_BYTES) {
      // Pauses between chunks only: the last byte leaves when the download ends.
      if (offset > 0) await sleep(slowMs / chunks);
      res.write(bytes.subarray(offset, offset + SLOW_CHUNK_BYTES));
    }
  }

  private xmlError(res: ServerResponse, status: number, code: string, message: string): void {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
    res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  /** Download counters since the last reset. */
  stats(): MediaStats {
    return { ...this.counters };
  }

  /** Forgets every published URL and counter. */
  clear(): void {
    this.entries.clear();
    this.counters = { served: 0, expired: 0, notFound: 0, inFlight: this.counters.inFlight };
  }
}
