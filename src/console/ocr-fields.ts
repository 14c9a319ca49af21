import type { ObjectStore } from '../store/object-store';

/** One field FaceID read from the document: a dotted path into its OCR answer and the value as text. */
interface OcrField {
  name: string;
  value: string;
}

/** The OCR answer a case shows, or why it cannot (a corrupt or deleted object never breaks the page). */
export type OcrFields = { fields: OcrField[]; omitted: number } | { unreadable: string };

/** An OCR answer is a few kilobytes; anything far larger is not one. */
const MAX_BYTES = 256 * 1024;
const MAX_FIELDS = 80;
/** Longer values are embedded images or blobs, not fields a reviewer reads. */
const MAX_VALUE_CHARS = 200;

/** Reads an archived OCR answer (`ocr-json`) and flattens it to named fields, in FaceID's order. */
export async function readOcrFields(store: ObjectStore, key: string): Promise<OcrFields> {
  let text: string;
  try {
    text = await readSmall(store, key);
  } catch (error) {
    return { unreadable: (error as Error).name === 'ArchiveObjectMissingError' ? 'deleted' : 'unreadable' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { unreadable: 'not JSON' };
  }
  const fields: OcrField[] = [];
  let omitted = 0;
  flatten(json, '', (name, value) => {
    if (fields.length < MAX_FIELDS) fields.push({ name, value });
    else omitted += 1;
  });
  return { fields, omitted };
}

async function readSmall(store: ObjectStore, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await store.get(key)) {
    size += (chunk as Buffer).length;
    if (size > MAX_BYTES) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flatten(value: unknown, path: string, emit: (name: string, value: string) => void): void {
  if (value === null || value === undefined || value === '') return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => flatten(item, `${path}[${index}]`, emit));
    return;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flatten(item, path ? `${path}.${key}` : key, emit);
    return;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return;
  const text = String(value);
  emit(path || 'value', text.length > MAX_VALUE_CHARS ? `(${text.length} characters, not shown)` : text);
}
