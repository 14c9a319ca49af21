import { manifestKey } from './keys';
import { ArchiveObjectMissingError, type ArchiveStore } from './store';
import type { MediaKind } from '../workflows/types';

/** One archived object as the manifest lists it. */
export interface ManifestEntry {
  key: string;
  kind: MediaKind;
  md5: string;
  size: number;
  contentType: string;
  /** ISO timestamp of the first time the object was archived (a retry keeps it). */
  archivedAt: string;
  /** ISO timestamp of its deletion by retention. */
  deletedAt?: string;
}

/** One deletion, kept even for objects the manifest never listed (such as media-URL claim files). */
export interface ManifestDeletion {
  key: string;
  deletedAt: string;
  reason: string;
}

/** `journeys/<journey id>/manifest.json`: the journey's evidence, and its retention history. */
export interface JourneyManifest {
  version: 1;
  journeyId: string;
  updatedAt: string;
  entries: ManifestEntry[];
  deletions: ManifestDeletion[];
}

/** What a caller reports when it archived an object. */
export type ArchivedObject = Omit<ManifestEntry, 'archivedAt' | 'deletedAt'>;

// Per store and journey, the tail of the queue of manifest updates; entries go once their queue is empty.
const queues = new WeakMap<ArchiveStore, Map<string, Promise<unknown>>>();

/** Runs `task` after every earlier update of the same journey in this process has finished. */
function serialised<T>(store: ArchiveStore, journeyId: string, task: () => Promise<T>): Promise<T> {
  let perStore = queues.get(store);
  if (!perStore) {
    perStore = new Map();
    queues.set(store, perStore);
  }
  const tails = perStore;
  const run = (tails.get(journeyId) ?? Promise.resolve()).then(task);
  const tail = run.catch(() => undefined);
  tails.set(journeyId, tail);
  void tail.then(() => {
    if (tails.get(journeyId) === tail) tails.delete(journeyId);
  });
  return run;
}

function isManifest(value: unknown): value is JourneyManifest {
  const candidate = value as Partial<JourneyManifest> | null;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    candidate.version === 1 &&
    Array.isArray(candidate.entries) &&
    Array.isArray(candidate.deletions)
  );
}

/** A journey's manifest, or undefined when nothing was archived for it yet. */
export async function readManifest(store: ArchiveStore, journeyId: string): Promise<JourneyManifest | undefined> {
  let stream;
  try {
    stream = await store.get(manifestKey(journeyId));
  } catch (error) {
    if (error instanceof ArchiveObjectMissingError) return undefined;
    throw error;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (!isManifest(parsed)) throw new Error('the journey manifest has an unknown format');
  return parsed;
}

/**
 * Read-modify-write of a journey's manifest. Updates of one journey are queued in this process, and the store's
 * atomic `put` means a reader sees the old or the new manifest, never a mix. `change` returns false to skip writing.
 */
export function updateManifest(
  store: ArchiveStore,
  journeyId: string,
  change: (manifest: JourneyManifest) => boolean | Promise<boolean>,
  now: () => string = () => new Date().toISOString(),
): Promise<JourneyManifest> {
  return serialised(store, journeyId, async () => {
    const manifest = (await readManifest(store, journeyId)) ?? {
      version: 1 as const,
      journeyId,
      updatedAt: now(),
      entries: [],
      deletions: [],
    };
    if (!(await change(manifest))) return manifest;
    manifest.updatedAt = now();
    await store.put(manifestKey(journeyId), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), {
      contentType: 'application/json',
    });
    return manifest;
  });
}

/** Adds archived objects to the manifest; an object already listed keeps its first `archivedAt` (retries are no-ops). */
export function recordArchived(
  store: ArchiveStore,
  journeyId: string,
  objects: ArchivedObject[],
  at: string = new Date().toISOString(),
): Promise<JourneyManifest> {
  return updateManifest(store, journeyId, (manifest) => {
    let changed = false;
    for (const object of objects) {
      const existing = manifest.entries.find((entry) => entry.key === object.key);
      if (existing && existing.deletedAt === undefined) continue;
      if (existing) manifest.entries.splice(manifest.entries.indexOf(existing), 1);
      manifest.entries.push({ ...object, archivedAt: at });
      changed = true;
    }
    return changed;
  });
}
