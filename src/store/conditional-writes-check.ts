import { randomUUID } from 'node:crypto';
import type { ObjectStore } from './object-store';

/** Raised at start-up when the archive store cannot serve as state shared by several processes. */
export class ArchiveCapabilityError extends Error {
  override readonly name = 'ArchiveCapabilityError';
}

/**
 * Checks, once at start-up, that the store honours conditional writes: manifests and `Idempotency-Key` records rely
 * on them, and an S3-compatible service that silently ignored `If-None-Match` would let two writers both win. Writes
 * one small probe object twice (the second must be refused) and removes it.
 */
export async function checkConditionalWrites(store: ObjectStore): Promise<void> {
  const key = `health/conditional-writes/${randomUUID()}.json`;
  const probe = (n: number) => Buffer.from(JSON.stringify({ probe: n }));
  try {
    if (!(await store.putIfVersion(key, probe(1), 'application/json', undefined))) {
      throw new ArchiveCapabilityError(`ARCHIVE_URL: the archive refused to create a new object (${key})`);
    }
    if (await store.putIfVersion(key, probe(2), 'application/json', undefined)) {
      throw new ArchiveCapabilityError(
        'ARCHIVE_URL: the object store ignores conditional writes (If-None-Match); several processes cannot share ' +
          'manifests and idempotency records on it. Use a store that honours them (AWS S3, MinIO) (docs/deployment.md).',
      );
    }
  } finally {
    await store.delete(key).catch(() => undefined);
  }
}
