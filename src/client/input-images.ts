import { createHash } from 'node:crypto';
import { inputKey } from '../archive/keys';
import type { ObjectStore } from '../store/object-store';
import type { JourneyInput, StoredImageRef } from '../workflows/types';
import type { FieldIssue, JourneyStart, StartImage } from './journey-input';

/** An image a backend hands over as bytes; the client stores it in the archive and passes only its key on. */
export interface ImageBytes {
  bytes: Buffer | Uint8Array;
  contentType: 'image/jpeg' | 'image/png';
}

/** Largest image accepted: 3 MB, which stays under FaceID's 5 MB Base64 limit once encoded. */
export const MAX_IMAGE_BYTES = 3_000_000;

/** The name each input image is stored under. */
type ImageName = 'compare' | 'document-front' | 'document-back';

const SIGNATURES: Record<ImageBytes['contentType'], number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

/** One image waiting to be stored once the rest of the input is known to be valid. */
export interface PendingImage {
  key: string;
  bytes: Buffer;
  contentType: string;
  md5: string;
}

/** Result of {@link extractImages}: the workflow's input with keys in place of bytes, what to store, what was wrong. */
export interface ExtractedImages {
  input: JourneyInput;
  pending: PendingImage[];
  issues: FieldIssue[];
}

function checkImage({ bytes, contentType }: ImageBytes): string | undefined {
  if (bytes.length === 0) return 'image is empty';
  if (bytes.length > MAX_IMAGE_BYTES) return `image is larger than ${MAX_IMAGE_BYTES} bytes`;
  // FaceID rejects what it cannot decode only after a round trip; a wrong type is caught here instead.
  if (!SIGNATURES[contentType].every((byte, index) => bytes[index] === byte))
    return `bytes are not a ${contentType === 'image/jpeg' ? 'JPEG' : 'PNG'} image`;
  return undefined;
}

/**
 * The workflow's input from a validated start in `region`: every `{ bytes, contentType }` image replaced with
 * `{ key }` (content-addressed under the journey's reference), without storing anything yet, so nothing is written
 * for an input that turns out invalid.
 */
export function extractImages(start: JourneyStart, region: string): ExtractedImages {
  const pending: PendingImage[] = [];
  const issues: FieldIssue[] = [];
  const stored = (image: StartImage, path: string, name: ImageName): StoredImageRef => {
    if (!('bytes' in image)) return image;
    const problem = checkImage(image);
    if (problem) {
      issues.push({ path, message: problem });
      // Never started: the issues refuse the input, and every problem is reported at once.
      return { key: '' };
    }
    const bytes = Buffer.from(image.bytes);
    const md5 = createHash('md5').update(bytes).digest('hex');
    const key = inputKey(start.reference, name, md5, image.contentType);
    pending.push({ key, bytes, contentType: image.contentType, md5 });
    return { key };
  };
  const storedDocument = ({ front, back, ...fields }: NonNullable<JourneyStart['document']>) => ({
    ...fields,
    front: stored(front, 'document.front', 'document-front'),
    ...(back ? { back: stored(back, 'document.back', 'document-back') } : {}),
  });
  const { document, ...rest } = start;
  const common = { ...rest, region, ...(document ? { document: storedDocument(document) } : {}) };
  if (common.flow === 'liveness' || common.flow === 'web-legacy') return { input: common, pending, issues };
  const { compareImage, ...others } = common;
  const input = {
    ...others,
    ...(compareImage ? { compareImage: stored(compareImage, 'compareImage', 'compare') } : {}),
  };
  return { input, pending, issues };
}

/**
 * Stores extracted images and returns the keys this call wrote; an object already stored under its content-addressed
 * key is left as it is (and not returned: it belongs to whoever stored it first).
 */
export async function storeImages(archive: ObjectStore, pending: PendingImage[]): Promise<string[]> {
  const written: string[] = [];
  for (const image of pending) {
    const existing = await archive.head(image.key);
    if (existing?.md5 === image.md5) continue;
    await archive.put(image.key, image.bytes, {
      contentType: image.contentType,
      md5: image.md5,
      size: image.bytes.length,
    });
    written.push(image.key);
  }
  return written;
}
