import { setTimeout as sleep } from 'node:timers/promises';
import { manifestKey } from './keys';
import type { ObjectStore } from '../store/object-store';
import type { MediaKind } from '../workflows/types';

/** One archived object as the manifest lists it. */
interface ManifestEntry {
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
interface ManifestDeletion {
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
export async function readManifest(store: ObjectStore, journeyId: string): Promise<JourneyManifest | undefined> {
  return (await readVersionedManifest(store, journeyId))?.manifest;
}

async function readVersionedManifest(
  store: ObjectStore,
  journeyId: string,
): Promise<{ manifest: JourneyManifest; version: string } | undefined> {
  const stored = await store.readVersioned(manifestKey(journeyId));
  if (!stored) return undefined;
  const parsed: unknown = JSON.parse(stored.body.toString('utf8'));
  if (!isManifest(parsed)) throw new Error('the journey manifest has an unknown format');
  return { manifest: parsed, version: stored.version };
}

/** Attempts of one manifest update before it gives up; each lost race means another writer's update went in. */
const MAX_ATTEMPTS = 20;

/** Raised when a manifest update kept losing to other writers; the caller's activity retries it. */
class ManifestContentionError extends Error {
  override readonly name = 'ManifestContentionError';
}

/**
 * Read-modify-write of a journey's manifest, safe across processes: the write goes through only if the manifest is
 * still the version that was read (a compare-and-swap in the store), otherwise the change is applied again to the
 * newer manifest. Workers archiving media, the retention sweep and erasure may update one journey at once and none of
 * their changes is lost. `change` must be repeatable on a fresh copy; it returns false to skip writing.
 */
export async function updateManifest(
  store: ObjectStore,
  journeyId: string,
  change: (manifest: JourneyManifest) => boolean | Promise<boolean>,
  now: () => string = () => new Date().toISOString(),
): Promise<JourneyManifest> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const current = await readVersionedManifest(store, journeyId);
    const manifest = current?.manifest ?? {
      version: 1 as const,
      journeyId,
      updatedAt: now(),
      entries: [],
      deletions: [],
    };
    if (!(await change(manifest))) return manifest;
    manifest.updatedAt = now();
    const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    if (await store.putIfVersion(manifestKey(journeyId), body, 'application/json', current?.version)) return manifest;
    // Another writer came first: back off a little (spreading writers that collided), then apply the change to theirs.
    await sleep(Math.random() * 10 * attempt);
  }
  throw new ManifestContentionError(`the manifest kept changing under ${MAX_ATTEMPTS} attempts to update it`);
}

/** Adds archived objects to the manifest; an object already listed keeps its first `archivedAt` (retries are no-ops). */
export function recordArchived(
  store: ObjectStore,
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
