import { encode } from 'jpeg-js';
import { PNG } from 'pngjs';

/** PNG colour type 2: 8-bit truecolour without alpha, the layout of the RGB pixels passed in. */
const TRUECOLOUR = 2;

function checkSize(width: number, height: number, rgb: Uint8Array): void {
  if (rgb.length !== width * height * 3) throw new RangeError('rgb must hold width * height * 3 bytes');
}

/**
 * Encodes 8-bit RGB pixels (row-major, 3 bytes per pixel) as a baseline JPEG with jpeg-js; a `comment` becomes a COM
 * segment, so one picture can be handed out with different bytes (and MD5).
 */
export function encodeJpeg(width: number, height: number, rgb: Uint8Array, quality = 85, comment?: string): Buffer {
  checkSize(width, height, rgb);
  // jpeg-js reads RGBA and ignores the alpha byte.
  const rgba = Buffer.alloc(width * height * 4);
  for (let pixel = 0; pixel < width * height; pixel += 1) {
    rgba[pixel * 4] = rgb[pixel * 3] as number;
    rgba[pixel * 4 + 1] = rgb[pixel * 3 + 1] as number;
    rgba[pixel * 4 + 2] = rgb[pixel * 3 + 2] as number;
  }
  return encode({ width, height, data: rgba, comments: comment === undefined ? [] : [comment] }, quality).data;
}

/**
 * Encodes 8-bit RGB pixels (row-major, 3 bytes per pixel) as a truecolour PNG with pngjs. `filterType` (0-4, or -1 for
 * pngjs's per-row choice) picks the scanline filter: it changes the bytes, never the decoded picture.
 */
export function encodePng(width: number, height: number, rgb: Uint8Array, filterType = -1): Buffer {
  checkSize(width, height, rgb);
  const options = { colorType: TRUECOLOUR, inputColorType: TRUECOLOUR, inputHasAlpha: false } as const;
  const png = new PNG({ width, height, ...options });
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.length);
  return PNG.sync.write(png, { ...options, filterType });
}
