import { createHash, type KeyObject } from 'node:crypto';
import { extract } from 'tar-stream';
import { BundleFormatError, MANIFEST_FILE, parseManifest, SIGNATURE_FILE, type BundleManifest } from './bundle-format';
import { SANDBOX_EVIDENCE_KEY_ID, signatureMatches } from './bundle-signing';

/** The manifest and its signature are small; anything larger is not one (and is not held in memory). */
const MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024;

/** What the verifier found: `problems` is empty exactly when the bundle verifies. */
export interface VerificationReport {
  ok: boolean;
  /** One line per problem, each naming the file it is about. */
  problems: string[];
  /** Facts worth printing whatever the outcome, such as a bundle signed with the sandbox key. */
  notes: string[];
  manifest?: BundleManifest;
  /** Files in the bundle besides the manifest and its signature. */
  fileCount: number;
}

/** A file of the tar as read: its size and digests. */
interface SeenFile {
  size: number;
  sha256: string;
  md5: string;
}

/** Where the verifier finds the public key of a key id; undefined when it has none. */
export type PublicKeyLookup = (keyId: string) => KeyObject | undefined;

/**
 * Verifies an evidence bundle read from `tar` in one pass, without writing anything to disk: the manifest's
 * signature under the key its id names, and every file's SHA-256 and size (and, for media, the MD5 the journey
 * recorded). Reports files the manifest does not name and files it names that are missing. Resolves with the report;
 * rejects only when `tar` cannot be read at all.
 */
export async function verifyBundle(
  tar: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  publicKeyFor: PublicKeyLookup,
): Promise<VerificationReport> {
  const problems: string[] = [];
  const notes: string[] = [];
  const seen = new Map<string, SeenFile>();
  const descriptors = new Map<string, Buffer>();
  const reader = extract();
  const feeding = feed(tar, reader);

  try {
    for await (const entry of reader) {
      const { name, type } = entry.header;
      const descriptor = name === MANIFEST_FILE || name === SIGNATURE_FILE;
      if (type !== 'file') problems.push(`${name}: a ${type} entry, not a file`);
      if (seen.has(name) || descriptors.has(name)) problems.push(`${name}: appears more than once in the bundle`);
      const sha256 = createHash('sha256');
      const md5 = createHash('md5');
      const kept: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (descriptor && size <= MAX_DESCRIPTOR_BYTES) kept.push(Buffer.from(chunk));
        sha256.update(chunk);
        md5.update(chunk);
      }
      if (descriptor) {
        if (size > MAX_DESCRIPTOR_BYTES) problems.push(`${name}: larger than ${MAX_DESCRIPTOR_BYTES} bytes`);
        else descriptors.set(name, Buffer.concat(kept));
      } else seen.set(name, { size, sha256: sha256.digest('hex'), md5: md5.digest('hex') });
    }
  } catch (error) {
    // A source that cannot be read fails the verification; a tar that ends early or is malformed is a problem of it.
    if (!(await feeding)) problems.push(`the bundle is not a complete tar file (${(error as Error).message})`);
  }
  const unreadable = await feeding;
  if (unreadable) throw unreadable;

  const manifest = readManifest(descriptors.get(MANIFEST_FILE), problems);
  if (manifest) {
    checkSignature(manifest, descriptors, publicKeyFor, problems);
    if (manifest.signature.keyId === SANDBOX_EVIDENCE_KEY_ID) {
      notes.push(
        `signed with the published sandbox key "${SANDBOX_EVIDENCE_KEY_ID}": it proves nothing outside the sandbox`,
      );
    }
    checkFiles(manifest, seen, problems);
  } else if (!descriptors.has(SIGNATURE_FILE)) problems.push(`${SIGNATURE_FILE}: missing from the bundle`);
  return { ok: problems.length === 0, problems, notes, ...(manifest ? { manifest } : {}), fileCount: seen.size };
}

/**
 * Writes `tar` into the extractor, respecting its backpressure, and ends it. Resolves with the source's own read error
 * (after failing the extractor with it), or undefined; stops early once the extractor has stopped reading.
 */
async function feed(
  tar: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  reader: ReturnType<typeof extract>,
): Promise<Error | undefined> {
  try {
    for await (const chunk of tar) {
      if (reader.destroyed) return undefined;
      if (!reader.write(chunk) && !(await wantsMore(reader))) return undefined;
    }
    reader.end(null);
    return undefined;
  } catch (error) {
    reader.destroy(error as Error);
    return error as Error;
  }
}

/** True once the extractor drains, false if it closes first. */
function wantsMore(reader: ReturnType<typeof extract>): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (more: boolean) => {
      reader.off('drain', onDrain);
      reader.off('close', onClose);
      resolve(more);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    reader.on('drain', onDrain);
    reader.on('close', onClose);
  });
}

function readManifest(bytes: Buffer | undefined, problems: string[]): BundleManifest | undefined {
  if (!bytes) {
    problems.push(`${MANIFEST_FILE}: missing from the bundle`);
    return undefined;
  }
  try {
    return parseManifest(bytes);
  } catch (error) {
    const reason = error instanceof BundleFormatError ? error.message : 'unreadable';
    problems.push(`${MANIFEST_FILE}: not an evidence manifest of a known format (${reason})`);
    return undefined;
  }
}

function checkSignature(
  manifest: BundleManifest,
  descriptors: Map<string, Buffer>,
  publicKeyFor: PublicKeyLookup,
  problems: string[],
): void {
  const { keyId } = manifest.signature;
  const signature = descriptors.get(SIGNATURE_FILE);
  if (!signature) {
    problems.push(`${SIGNATURE_FILE}: missing from the bundle`);
    return;
  }
  const key = publicKeyFor(keyId);
  if (!key) {
    problems.push(
      `${SIGNATURE_FILE}: no public key for key id "${keyId}" (give it with --public-key or EVIDENCE_PUBLIC_KEYS)`,
    );
    return;
  }
  const text = signature.toString('utf8').trim();
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (!signatureMatches(descriptors.get(MANIFEST_FILE) as Buffer, bytes, key)) {
    problems.push(
      `${MANIFEST_FILE}: the signature in ${SIGNATURE_FILE} does not match its bytes under key "${keyId}" (the manifest or its signature was changed)`,
    );
  }
}

function checkFiles(manifest: BundleManifest, seen: Map<string, SeenFile>, problems: string[]): void {
  const named = new Set<string>();
  for (const file of manifest.files) {
    if (named.has(file.path)) problems.push(`${file.path}: named more than once by the manifest`);
    named.add(file.path);
    const actual = seen.get(file.path);
    if (!actual) {
      problems.push(`${file.path}: named by the manifest, missing from the bundle`);
      continue;
    }
    if (actual.size !== file.size) problems.push(`${file.path}: ${actual.size} bytes, the manifest says ${file.size}`);
    if (actual.sha256 !== file.sha256) problems.push(`${file.path}: SHA-256 differs from the manifest`);
    if (file.recordedMd5 !== undefined && actual.md5 !== file.recordedMd5) {
      problems.push(`${file.path}: MD5 differs from the one the journey recorded when it archived the object`);
    }
  }
  for (const path of seen.keys()) {
    if (!named.has(path)) problems.push(`${path}: in the bundle, not named by the manifest`);
  }
}
