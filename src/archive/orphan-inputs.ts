import { INPUTS_PREFIX } from './keys';
import type { ObjectStore } from '../store/object-store';

/** How {@link removeOrphanInputs} tells an orphan. */
export interface OrphanInputOptions {
  /** Whether a journey (running or ended, as long as Temporal keeps it) exists for a reference. */
  journeyExists: (reference: string) => Promise<boolean>;
  /** Only folders whose every object is at least this old: a start in progress stores its images just before. */
  olderThanMs: number;
  now?: () => number;
}

/** What one pass removed. */
export interface OrphanInputsResult {
  /** Reference folders whose images were deleted. */
  folders: number;
  objects: number;
}

/**
 * Deletes input images that no journey owns: those of a start that crashed between storing its images and starting
 * the journey, or whose clean-up failed. A folder goes when no journey exists for its reference and every object in it
 * is older than `olderThanMs`. A journey's own folder is deleted with its media at retention
 * (`purgeJourneyMedia`), so once Temporal forgets an ended journey, nothing of it is left here.
 */
export async function removeOrphanInputs(store: ObjectStore, options: OrphanInputOptions): Promise<OrphanInputsResult> {
  const now = options.now ?? Date.now;
  const folders = new Map<string, string[]>();
  for (const key of await store.list(INPUTS_PREFIX)) {
    const reference = key.slice(INPUTS_PREFIX.length).split('/')[0];
    if (!reference) continue;
    folders.set(reference, [...(folders.get(reference) ?? []), key]);
  }
  const result: OrphanInputsResult = { folders: 0, objects: 0 };
  for (const [reference, keys] of folders) {
    const heads = await Promise.all(keys.map((key) => store.head(key)));
    // An object whose age the store cannot tell is taken as new: kept until it can.
    const settled = heads.every(
      (head) => head === undefined || now() - (head.modifiedAtMs ?? now()) >= options.olderThanMs,
    );
    if (!settled || (await options.journeyExists(reference))) continue;
    for (const key of keys) await store.delete(key);
    result.folders += 1;
    result.objects += keys.length;
  }
  return result;
}
