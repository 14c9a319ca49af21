import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { inputPrefix } from '../../../src/archive/keys';
import { purgeJourneyMedia } from '../../../src/archive/retention';
import { JourneyClosedError } from '../../../src/client/errors';
import { encodeJpeg } from '../../../src/emulator/image-encoding';
import type { retentionSweep } from '../../../src/workflows/retention-sweep';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { parseJourneyStart } from '../../../src/client/journey-input';
import { FAST_TIMERS } from '../../support/journeys';

// Nothing a person sent may outlive retention: images given as bytes to a start belong to the reference's journey,
// go with it, and are removed when no journey came to own them.

/** The age from which the sweep takes a folder of inputs as abandoned (an hour in production). */
const ORPHAN_AGE_MS = 60_000;

let harness: JourneyHarness;
let archiveRoot: string;
beforeAll(async () => {
  // An archive in a known folder, so a test can age objects by their modification time instead of waiting.
  archiveRoot = await mkdtemp(join(tmpdir(), 'ekyc-input-images-'));
  harness = await startJourneyHarness({ archive: new FilesystemStore(archiveRoot), orphanInputAgeMs: ORPHAN_AGE_MS });
});
afterAll(async () => {
  await harness?.close();
  if (archiveRoot) await rm(archiveRoot, { recursive: true, force: true });
});

/** A synthetic JPEG, different per label. */
function jpeg(label: string): { bytes: Buffer; contentType: 'image/jpeg' } {
  const pixels = new Uint8Array(16 * 16 * 3).fill(label.length * 7);
  return { bytes: encodeJpeg(16, 16, pixels, 80, `input-images ${label} ${randomUUID()}`), contentType: 'image/jpeg' };
}

/** A selfie start whose compare image comes as bytes, as a backend sends it (the client stores it). */
function selfieWithBytes(reference: string, label: string, timers: object = FAST_TIMERS) {
  return Promise.resolve(
    parseJourneyStart({
      reference,
      flow: 'selfie',
      region: 'ap-singapore',
      selfie: { CheckMode: 'compare', SecureLevel: '4' },
      compareImage: jpeg(label),
      timers,
    }),
  );
}

const inputsOf = (reference: string) => harness.archive.list(inputPrefix(reference));

/** Makes a reference's stored images older than the sweep's age, as if they had been stored long ago. */
async function age(reference: string): Promise<void> {
  const then = new Date(Date.now() - 2 * ORPHAN_AGE_MS);
  for (const key of await inputsOf(reference)) await utimes(join(archiveRoot, key), then, then);
}

test("a start refused because the journey ended leaves none of its images; the journey's own stay", async () => {
  const reference = harness.reference('refused');
  const started = await harness.ekyc.startJourney(await selfieWithBytes(reference, 'first'));
  await harness.sandbox.complete(started.token, 'pass');
  await harness.ekyc.userFinished(started.journeyId);
  await harness.ekyc.result(started.journeyId);
  const before = await inputsOf(reference);

  await expect(harness.ekyc.startJourney(await selfieWithBytes(reference, 'second'))).rejects.toBeInstanceOf(
    JourneyClosedError,
  );
  expect(await inputsOf(reference)).toEqual(before);
});

test("images of a repeated start go with the running journey's media at retention", async () => {
  const reference = harness.reference('repeated');
  const waiting = { ...FAST_TIMERS, startWindowMs: 60_000, completionDeadlineMs: 120_000 };
  const started = await harness.ekyc.startJourney(await selfieWithBytes(reference, 'one', waiting));
  const again = await harness.ekyc.startJourney(await selfieWithBytes(reference, 'other', waiting));
  expect(again.journeyId).toBe(started.journeyId);
  // The reference's folder holds both starts' images; the journey uses the first.
  expect(await inputsOf(reference)).toHaveLength(2);

  await harness.sandbox.complete(started.token, 'pass');
  await harness.ekyc.userFinished(started.journeyId);
  await harness.ekyc.result(started.journeyId);
  await purgeJourneyMedia(harness.archive, started.journeyId);
  expect(await inputsOf(reference)).toEqual([]);
});

test('the retention sweep removes images no journey owns, and keeps those of a running journey', async () => {
  // A start that crashed after storing its images, before its journey began.
  const orphan = harness.reference('crashed-start');
  await harness.storeImage(orphan, 'compare');
  await harness.storeImage(orphan, 'document-front');
  // A journey waiting for its user, with its image.
  const runningReference = harness.reference('running');
  const running = await harness.ekyc.startJourney(
    await selfieWithBytes(runningReference, 'running', { ...FAST_TIMERS, startWindowMs: 60_000 }),
  );
  // Both are older than the age the sweep waits for: the running journey's image stays only because it has a journey.
  await age(orphan);
  await age(runningReference);
  // And a fresh orphan, younger than that age.
  const fresh = harness.reference('fresh-start');
  await harness.storeImage(fresh, 'compare');

  await harness.client.workflow.execute<typeof retentionSweep>('retentionSweep', {
    taskQueue: harness.taskQueue,
    workflowId: `sweep-${randomUUID()}`,
    args: [{}],
  });
  expect(await inputsOf(orphan)).toEqual([]);
  expect((await inputsOf(runningReference)).length).toBeGreaterThan(0);
  expect((await inputsOf(fresh)).length).toBe(1);
  await harness.ekyc.cancel(running.journeyId);
});
