import { createHash } from 'node:crypto';
import { inputKey } from '../archive/keys';
import type { ObjectStore } from '../store/object-store';

/** An image a backend hands over as bytes; the client stores it in the archive and passes only its key on. */
export interface ImageBytes {
  bytes: Buffer | Uint8Array;
  contentType: 'image/jpeg' | 'image/png';
}

/** Largest image accepted: 3 MB, which stays under FaceID's 5 MB Base64 limit once encoded. */
export const MAX_IMAGE_BYTES = 3_000_000;

/** Where images may appear in a journey input, and the name each is stored under. */
const IMAGE_SLOTS = [
  { path: ['compareImage'], name: 'compare' },
  { path: ['document', 'front'], name: 'document-front' },
  { path: ['document', 'back'], name: 'document-back' },
] as const;

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

/** Result of {@link extractImages}: the input with keys in place of bytes, what to store, and what was wrong. */
export interface ExtractedImages {
  input: unknown;
  pending: PendingImage[];
  issues: { path: string; message: string }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkImage(value: Record<string, unknown>): string | undefined {
  const { bytes, contentType } = value;
  if (!(bytes instanceof Uint8Array)) return 'bytes must be a Buffer or Uint8Array';
  if (contentType !== 'image/jpeg' && contentType !== 'image/png') return 'contentType must be image/jpeg or image/png';
  if (bytes.length === 0) return 'image is empty';
  if (bytes.length > MAX_IMAGE_BYTES) return `image is larger than ${MAX_IMAGE_BYTES} bytes`;
  // FaceID rejects what it cannot decode only after a round trip; a wrong type is caught here instead.
  if (!SIGNATURES[contentType].every((byte, index) => bytes[index] === byte))
    return `bytes are not a ${contentType === 'image/jpeg' ? 'JPEG' : 'PNG'} image`;
  return undefined;
}

/**
 * Replaces every `{ bytes, contentType }` image of a raw journey input with `{ key }` (content-addressed under the
 * journey's reference), without storing anything yet: nothing is written for an input that turns out invalid.
 */
export function extractImages(raw: unknown): ExtractedImages {
  if (!isRecord(raw)) return { input: raw, pending: [], issues: [] };
  const input: Record<string, unknown> = { ...raw };
  if (isRecord(raw.document)) input.document = { ...raw.document };
  const pending: PendingImage[] = [];
  const issues: ExtractedImages['issues'] = [];
  const reference = typeof raw.reference === 'string' ? raw.reference : '';
  for (const slot of IMAGE_SLOTS) {
    const parent = slot.path.length === 1 ? input : (input.document as Record<string, unknown> | undefined);
    const field = slot.path[slot.path.length - 1] as string;
    const value = parent?.[field];
    if (!parent || !isRecord(value) || !('bytes' in value)) continue;
    const problem = checkImage(value);
    if (problem) {
      issues.push({ path: slot.path.join('.'), message: problem });
      // A placeholder keeps the rest of the input checkable, so every problem is reported at once.
      parent[field] = { key: 'invalid-image' };
      continue;
    }
    const bytes = Buffer.from(value.bytes as Uint8Array);
    const contentType = value.contentType as string;
    const md5 = createHash('md5').update(bytes).digest('hex');
    const key = inputKey(reference, slot.name, md5, contentType);
    pending.push({ key, bytes, contentType, md5 });
    parent[field] = { key };
  }
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
