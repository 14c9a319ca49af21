import type { Readable } from 'node:stream';

/** What the caller knows about an object before writing it; a mismatch aborts the write. */
export interface PutExpectations {
  contentType: string;
  /** Lower-case hex MD5 the bytes must have. */
  md5?: string;
  /** Exact byte count the bytes must have. */
  size?: number;
}

/** A committed object. */
export interface StoredObject {
  key: string;
  md5: string;
  size: number;
  contentType: string;
  /** When the object was written (epoch ms), where the store tells. */
  modifiedAtMs?: number;
}

/** Raised when the bytes written do not match what the caller expected; nothing is left behind. */
export class ArchiveIntegrityError extends Error {
  override readonly name = 'ArchiveIntegrityError';
}

/** A small object read together with its version, for a compare-and-swap write ({@link ObjectStore.putIfVersion}). */
export interface VersionedObject {
  body: Buffer;
  /** Opaque; changes with every write (the ETag on S3). */
  version: string;
}

/**
 * The store itself failed (disk full, read-only, permissions, an S3 error), as opposed to the bytes it was given: worth
 * retrying for as long as the source stays readable. The message carries the error code only, never a path or key.
 */
export class ArchiveStoreError extends Error {
  override readonly name = 'ArchiveStoreError';
}

/** Whether an error comes from the store's own I/O: a file system call (it names its `syscall`) or an S3 response. */
export function isStoreFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return typeof (error as { syscall?: unknown }).syscall === 'string' || '$metadata' in error;
}

/** Raised when a key is not in the store. */
export class ArchiveObjectMissingError extends Error {
  override readonly name = 'ArchiveObjectMissingError';
}

/**
 * Media storage behind one interface. `put` streams, hashes on the way, verifies MD5 and size, then commits
 * atomically: a reader sees the whole object or nothing.
 */
export interface ObjectStore {
  put(key: string, body: Readable | Buffer, expect: PutExpectations): Promise<StoredObject>;
  /** The object's bytes as a stream; rejects with {@link ArchiveObjectMissingError}. */
  get(key: string): Promise<Readable>;
  /** The object's metadata, or undefined when absent. */
  head(key: string): Promise<StoredObject | undefined>;
  /** Removes an object; removing an absent one is not an error. */
  delete(key: string): Promise<void>;
  /** A small object (a manifest, a record) with its version, or undefined when absent. */
  readVersioned(key: string): Promise<VersionedObject | undefined>;
  /**
   * Writes a small object only if it is still at `version` (only if absent, when `version` is undefined); answers
   * false, writing nothing, when another writer changed it first. Every process sharing the store sees the same
   * outcome, so read-modify-write of one object holds across workers and gateways.
   */
  putIfVersion(key: string, body: Buffer, contentType: string, version: string | undefined): Promise<boolean>;
  /** Keys under a prefix, for manifests and retention. */
  list(prefix: string): Promise<string[]>;
  /** Releases connections, where the store holds any. */
  close?(): Promise<void>;
  /**
   * Removes what writes that never finished left under a prefix (a crash mid-`put`), if older than `olderThanMs`;
   * returns how many. Only stores that can leave such remains have it (S3 aborts incomplete uploads by lifecycle rule).
   */
  removeLeftovers?(prefix: string, olderThanMs: number): Promise<number>;
}
