import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { mediaClaimKey, mediaKey } from '../archive/keys';
import { recordArchived, type ArchivedObject } from '../archive/manifest';
import { ArchiveObjectMissingError, type ObjectStore } from '../store/object-store';
import type { ArchiveRef, RemoteMedia, StoredImageRef } from '../workflows/types';
import { MEDIA_FAILURE_TYPES } from '../contracts/failure-types';
import type { InlineMedia } from './normalize';
import { recordArchivedBytes } from './observe';

/** Largest input image sent to FaceID (its documented limits are 5–8 MB of Base64). */
const MAX_INPUT_IMAGE_BYTES = 6 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Content type from the first bytes: FaceID's inline media carries no type of its own. */
function sniffContentType(bytes: Buffer): string {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  return 'application/octet-stream';
}

function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw ApplicationFailure.create({
      type: MEDIA_FAILURE_TYPES.integrity,
      message: 'inline media is not valid Base64',
    });
  }
  return Buffer.from(compact, 'base64');
}

/**
 * Stores media that arrived inside a FaceID response (Base64 media, OCR fields as JSON), lists it in the journey's
 * manifest, and returns claim checks, so no bytes or personal data reach workflow history. Keys are
 * content-addressed: a retry rewrites nothing.
 */
export async function storeInlineMedia(
  archive: ObjectStore,
  journeyId: string,
  items: InlineMedia[],
): Promise<ArchiveRef[]> {
  const refs: ArchiveRef[] = [];
  const listed: ArchivedObject[] = [];
  for (const item of items) {
    const bytes = item.json !== undefined ? Buffer.from(JSON.stringify(item.json)) : decodeBase64(item.base64 ?? '');
    if (bytes.length === 0) continue;
    const contentType = item.json !== undefined ? 'application/json' : sniffContentType(bytes);
    const md5 = createHash('md5').update(bytes).digest('hex');
    const key = mediaKey(journeyId, item.kind, md5, contentType);
    const existing = await archive.head(key);
    const stored =
      existing?.md5 === md5 ? existing : await archive.put(key, bytes, { contentType, md5, size: bytes.length });
    if (stored !== existing) recordArchivedBytes(item.kind, bytes.length);
    refs.push({ key, kind: item.kind, md5: stored.md5, size: stored.size });
    listed.push({ key, kind: item.kind, md5: stored.md5, size: stored.size, contentType });
  }
  // Inline evidence belongs in the journey's manifest as much as downloaded media does.
  if (listed.length > 0) await recordArchived(archive, journeyId, listed);
  return refs;
}

/** Reads an input image the caller stored before the journey, as the Base64 FaceID expects. */
export async function readStoredImageBase64(archive: ObjectStore, ref: StoredImageRef): Promise<string> {
  let stream;
  try {
    stream = await archive.get(ref.key);
  } catch (error) {
    if (error instanceof ArchiveObjectMissingError) {
      throw ApplicationFailure.create({
        type: MEDIA_FAILURE_TYPES.inputMissing,
        message: 'a stored input image is missing from the archive',
        nonRetryable: true,
      });
    }
    throw error;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_INPUT_IMAGE_BYTES) {
      stream.destroy();
      throw ApplicationFailure.create({
        type: 'FaceIdInvalidRequest',
        message: `a stored input image exceeds ${MAX_INPUT_IMAGE_BYTES} bytes`,
        nonRetryable: true,
      });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('base64');
}

/**
 * Parks a result's temporary media URLs in the archive and returns the claim key: the URLs are bearer links to
 * someone's face and documents, so they stay out of workflow history, logs and the UI.
 */
export async function storeMediaClaim(
  archive: ObjectStore,
  journeyId: string,
  requestId: string,
  media: RemoteMedia[],
): Promise<string | undefined> {
  if (media.length === 0) return undefined;
  const key = mediaClaimKey(journeyId, requestId);
  await archive.put(key, Buffer.from(JSON.stringify(media)), { contentType: 'application/json' });
  return key;
}

/** Reads the URLs a claim holds. */
export async function readMediaClaim(archive: ObjectStore, key: string): Promise<RemoteMedia[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of await archive.get(key)) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as RemoteMedia[];
}
