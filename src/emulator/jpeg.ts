/**
 * A small baseline (SOF0) JPEG encoder for synthetic sandbox images: YCbCr 4:4:4, 8x8 float DCT, the usual
 * quantisation tables and fixed-length Huffman tables (4-bit DC, 8-bit AC codes). Fixed-length codes are valid
 * canonical tables and keep the encoder short; the files are a little larger than an optimised encoder's.
 */

const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_QUANT = [
  17,
  18,
  24,
  47,
  99,
  99,
  99,
  99,
  18,
  21,
  26,
  66,
  99,
  99,
  99,
  99,
  24,
  26,
  56,
  99,
  99,
  99,
  99,
  99,
  47,
  66,
  99,
  99,
  99,
  99,
  99,
  99,
  ...new Array<number>(32).fill(99),
];

/** Natural (row-major) index of each zig-zag position. */
const ZIGZAG: number[] = (() => {
  const order: number[] = [];
  for (let sum = 0; sum <= 14; sum += 1) {
    const rows: number[] = [];
    for (let row = Math.max(0, sum - 7); row <= Math.min(sum, 7); row += 1) rows.push(row);
    if (sum % 2 === 0) rows.reverse();
    for (const row of rows) order.push(row * 8 + (sum - row));
  }
  return order;
})();

const COS = (() => {
  const table = new Float64Array(64);
  for (let x = 0; x < 8; x += 1)
    for (let u = 0; u < 8; u += 1) table[x * 8 + u] = Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  return table;
})();

// Symbol lists of the Huffman tables: every DC size category and every AC (run, size) pair plus EOB and ZRL.
const DC_SYMBOLS = Array.from({ length: 12 }, (_, i) => i);
const AC_SYMBOLS = [0x00, 0xf0];
for (let run = 0; run < 16; run += 1) for (let size = 1; size <= 10; size += 1) AC_SYMBOLS.push((run << 4) | size);
const DC_BITS = 4;
const AC_BITS = 8;
// With fixed-length canonical codes, a symbol's code is its position in the table's symbol list.
const DC_CODE = Int32Array.from(DC_SYMBOLS);
const AC_CODE = new Int32Array(256);
AC_SYMBOLS.forEach((symbol, index) => (AC_CODE[symbol] = index));

function scaledTable(table: number[], quality: number): number[] {
  const scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
  return table.map((q) => Math.min(255, Math.max(1, Math.floor((q * scale + 50) / 100))));
}

class BitWriter {
  private readonly bytes: number[] = [];
  private accumulator = 0;
  private count = 0;

  /** Appends the low `length` bits of `value` (at most 16), most significant first. */
  write(value: number, length: number): void {
    this.accumulator = (this.accumulator << length) | (value & ((1 << length) - 1));
    this.count += length;
    while (this.count >= 8) {
      const byte = (this.accumulator >>> (this.count - 8)) & 0xff;
      this.bytes.push(byte);
      if (byte === 0xff) this.bytes.push(0x00); // byte stuffing inside entropy-coded data
      this.count -= 8;
    }
    this.accumulator &= (1 << this.count) - 1;
  }

  finish(): Buffer {
    if (this.count > 0) this.write(0x7f, 8 - this.count); // pad with one-bits
    return Buffer.from(this.bytes);
  }
}

function category(value: number): number {
  return value === 0 ? 0 : 32 - Math.clz32(Math.abs(value));
}

function writeValue(writer: BitWriter, value: number, size: number): void {
  writer.write(value >= 0 ? value : value + (1 << size) - 1, size);
}

function segment(marker: number, payload: number[]): Buffer {
  const length = payload.length + 2;
  return Buffer.from([0xff, marker, length >> 8, length & 0xff, ...payload]);
}

function huffmanTable(tableClass: number, id: number, symbols: number[], codeLength: number): number[] {
  const counts = new Array<number>(16).fill(0);
  counts[codeLength - 1] = symbols.length;
  return [(tableClass << 4) | id, ...counts, ...symbols];
}

/** Encodes 8-bit RGB pixels (row-major) as a baseline JPEG; width and height must be multiples of 8. */
export function encodeJpeg(width: number, height: number, rgb: Uint8Array, quality = 85, comment?: string): Buffer {
  if (width % 8 !== 0 || height % 8 !== 0) throw new RangeError('width and height must be multiples of 8');
  if (rgb.length !== width * height * 3) throw new RangeError('rgb must hold width * height * 3 bytes');
  const quant = [scaledTable(LUMA_QUANT, quality), scaledTable(CHROMA_QUANT, quality)];
  const writer = new BitWriter();
  const previousDc = [0, 0, 0];
  const block = new Float64Array(64);
  const rows = new Float64Array(64);
  const coefficients = new Int32Array(64);

  // Level-shifted Y, Cb, Cr planes, converted once per pixel.
  const planes = [
    new Float64Array(width * height),
    new Float64Array(width * height),
    new Float64Array(width * height),
  ] as const;
  for (let i = 0; i < width * height; i += 1) {
    const r = rgb[i * 3] as number;
    const g = rgb[i * 3 + 1] as number;
    const b = rgb[i * 3 + 2] as number;
    planes[0][i] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
    planes[1][i] = -0.168736 * r - 0.331264 * g + 0.5 * b;
    planes[2][i] = 0.5 * r - 0.418688 * g - 0.081312 * b;
  }

  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let component = 0; component < 3; component += 1) {
        const plane = planes[component as 0 | 1 | 2];
        for (let y = 0; y < 8; y += 1) {
          for (let x = 0; x < 8; x += 1) block[y * 8 + x] = plane[(by + y) * width + bx + x] as number;
        }
        const table = quant[component === 0 ? 0 : 1] as number[];
        // Separable DCT: transform the rows, then the columns of the row result.
        for (let y = 0; y < 8; y += 1) {
          for (let u = 0; u < 8; u += 1) {
            let sum = 0;
            for (let x = 0; x < 8; x += 1) sum += (block[y * 8 + x] as number) * (COS[x * 8 + u] as number);
            rows[y * 8 + u] = sum;
          }
        }
        for (let v = 0; v < 8; v += 1) {
          for (let u = 0; u < 8; u += 1) {
            let sum = 0;
            for (let y = 0; y < 8; y += 1) sum += (rows[y * 8 + u] as number) * (COS[y * 8 + v] as number);
            const cu = u === 0 ? Math.SQRT1_2 : 1;
            const cv = v === 0 ? Math.SQRT1_2 : 1;
            const limit = v === 0 && u === 0 ? 2047 : 1023;
            const quantised = Math.round((0.25 * cu * cv * sum) / (table[v * 8 + u] as number));
            coefficients[v * 8 + u] = Math.max(-limit, Math.min(limit, quantised));
          }
        }
        const dc = coefficients[0] as number;
        const diff = dc - (previousDc[component] as number);
        previousDc[component] = dc;
        const dcSize = category(diff);
        writer.write(DC_CODE[dcSize] as number, DC_BITS);
        if (dcSize > 0) writeValue(writer, diff, dcSize);
        let run = 0;
        for (let k = 1; k < 64; k += 1) {
          const value = coefficients[ZIGZAG[k] as number] as number;
          if (value === 0) {
            run += 1;
            continue;
          }
          while (run > 15) {
            writer.write(AC_CODE[0xf0] as number, AC_BITS);
            run -= 16;
          }
          const size = category(value);
          writer.write(AC_CODE[(run << 4) | size] as number, AC_BITS);
          writeValue(writer, value, size);
          run = 0;
        }
        if (run > 0) writer.write(AC_CODE[0x00] as number, AC_BITS);
      }
    }
  }

  const parts: Buffer[] = [
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
  ];
  if (comment) parts.push(commentSegment(comment));
  parts.push(
    segment(0xdb, [
      0x00,
      ...ZIGZAG.map((index) => quant[0]?.[index] as number),
      0x01,
      ...ZIGZAG.map((index) => quant[1]?.[index] as number),
    ]),
    segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]),
    segment(0xc4, [...huffmanTable(0, 0, DC_SYMBOLS, DC_BITS), ...huffmanTable(1, 0, AC_SYMBOLS, AC_BITS)]),
    segment(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]),
    writer.finish(),
    Buffer.from([0xff, 0xd9]),
  );
  return Buffer.concat(parts);
}

function commentSegment(comment: string): Buffer {
  return segment(0xfe, [...Buffer.from(comment, 'latin1')]);
}

/** Inserts a COM segment right after a JFIF file's APP0 segment: same picture, different bytes (and MD5). */
export function withJpegComment(jpeg: Buffer, comment: string): Buffer {
  const app0End = 4 + jpeg.readUInt16BE(4);
  return Buffer.concat([jpeg.subarray(0, app0End), commentSegment(comment), jpeg.subarray(app0End)]);
}
