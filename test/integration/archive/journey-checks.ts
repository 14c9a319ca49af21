import { createHash } from 'node:crypto';
import { readManifest } from '../../../src/archive/manifest';
import type { ObjectStore } from '../../../src/store/object-store';
import type { Flow, JourneyResult } from '../../../src/workflows/types';
import type { JourneyHarness } from '../../support/journey-harness';
import { inputFor } from '../../support/journeys';

/** MD5 of an object as the store returns it (read back, not taken from metadata). */
async function storedMd5(store: ObjectStore, key: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of await store.get(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs one journey of `flow` to its end with the user passing. */
export async function passJourney(
  harness: JourneyHarness,
  flow: Flow,
): Promise<{ journeyId: string; result: JourneyResult }> {
  const reference = harness.reference(`archive-${flow}`);
  const started = await harness.ekyc.startJourney(await inputFor(harness, flow, reference));
  await harness.sandbox.complete(started.token, 'pass');
  await harness.ekyc.userFinished(started.journeyId);
  return { journeyId: started.journeyId, result: await harness.ekyc.result(started.journeyId) };
}

/**
 * Asserts the journey's evidence is complete: every media reference of the result is in the store with its MD5 (read
 * back), the manifest lists exactly those objects, and no claim file with temporary URLs is left behind.
 */
export async function expectCompleteArchive(
  store: ObjectStore,
  journeyId: string,
  result: JourneyResult,
): Promise<void> {
  expect(result.media.length).toBeGreaterThan(0);
  for (const ref of result.media) {
    expect(ref.key.startsWith(`journeys/${journeyId}/${ref.kind}-${ref.md5}.`)).toBe(true);
    expect(await storedMd5(store, ref.key)).toBe(ref.md5);
    expect(await store.head(ref.key)).toMatchObject({ md5: ref.md5, size: ref.size });
  }
  const manifest = await readManifest(store, journeyId);
  expect(manifest?.journeyId).toBe(journeyId);
  expect(manifest?.entries.map((entry) => entry.key).sort()).toEqual(result.media.map((ref) => ref.key).sort());
  for (const entry of manifest?.entries ?? []) {
    const ref = result.media.find((candidate) => candidate.key === entry.key);
    expect(entry).toMatchObject({ kind: ref?.kind, md5: ref?.md5, size: ref?.size });
    expect(Date.parse(entry.archivedAt)).not.toBeNaN();
    expect(entry.contentType).toMatch(/^(image\/(jpeg|png)|video\/mp4|application\/(json|octet-stream))$/);
  }
  const keys = await store.list(`journeys/${journeyId}/`);
  expect(keys.filter((key) => key.includes('/claims/'))).toEqual([]);
}
