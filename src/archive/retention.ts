import { inputPrefix, journeyPrefix, manifestKey, referenceOfJourney } from './keys';
import { updateManifest } from './manifest';
import type { ObjectStore } from '../store/object-store';

/** What one retention run removed. */
export interface PurgeResult {
  /** Keys deleted by this run (media and leftover claim files; never the manifest). */
  deleted: string[];
}

/**
 * Deletes every object of a journey except its manifest, the input images named by the caller and every other
 * object stored under its reference's input folder, then records each deletion in the manifest (the entry's
 * `deletedAt` and a line in `deletions`). Safe to repeat: a retry after a crash between the deletes and the
 * manifest update finds the listed objects gone and records them then.
 */
export async function purgeJourneyMedia(
  store: ObjectStore,
  journeyId: string,
  options: { reason?: string; now?: () => string; inputKeys?: string[] } = {},
): Promise<PurgeResult> {
  const now = options.now ?? (() => new Date().toISOString());
  const reason = options.reason ?? 'retention';
  const manifest = manifestKey(journeyId);
  // The caller's input images (a selfie to compare, the document) are as personal as the evidence: they go too, and
  // so does everything else stored for the reference (images of a repeated start with other bytes, say).
  const inputs: string[] = [];
  for (const key of options.inputKeys ?? []) if (await store.head(key)) inputs.push(key);
  const reference = referenceOfJourney(journeyId);
  if (reference !== undefined) {
    for (const key of await store.list(inputPrefix(reference))) if (!inputs.includes(key)) inputs.push(key);
  }
  const keys = [...(await store.list(journeyPrefix(journeyId))).filter((key) => key !== manifest), ...inputs];
  for (const key of keys) await store.delete(key);
  // What crashed writes left (a partial copy of a video is as personal as the video) goes with the journey.
  await store.removeLeftovers?.(journeyPrefix(journeyId), 0);
  await updateManifest(
    store,
    journeyId,
    async (current) => {
      const at = now();
      const deletedNow = new Set(keys);
      let changed = false;
      for (const entry of current.entries) {
        if (entry.deletedAt !== undefined) continue;
        const deletedEarlier = !deletedNow.has(entry.key) && !(await store.head(entry.key));
        if (!deletedNow.has(entry.key) && !deletedEarlier) continue;
        entry.deletedAt = at;
        if (deletedEarlier) current.deletions.push({ key: entry.key, deletedAt: at, reason });
        changed = true;
      }
      for (const key of keys) current.deletions.push({ key, deletedAt: at, reason });
      return changed || keys.length > 0;
    },
    now,
  );
  return { deleted: keys };
}
