import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parseJourneyStart, type JourneyStart } from '../../src/client/journey-input';
import type { Flow, JourneyTimers } from '../../src/workflows/types';
import { eventually } from './eventually';
import type { JourneyHarness } from './journey-harness';

/** Timers shrunk so a whole journey, reconciliation and expiry included, runs in seconds. */
export const FAST_TIMERS: Partial<JourneyTimers> = {
  startWindowMs: 4_000,
  completionDeadlineMs: 8_000,
  pollInitialMs: 250,
  pollMaxMs: 1_000,
  reviewDeadlineMs: 60_000,
};

/** A valid journey input for each flow (synthetic: no real person anywhere), validated as a backend would. */
export async function inputFor(harness: JourneyHarness, flow: Flow, reference: string): Promise<JourneyStart> {
  return parseJourneyStart(await rawInputFor(harness, flow, reference));
}

async function rawInputFor(harness: JourneyHarness, flow: Flow, reference: string): Promise<Record<string, unknown>> {
  const base = { reference, flow, region: 'ap-singapore', timers: FAST_TIMERS };
  switch (flow) {
    case 'selfie':
      return {
        ...base,
        selfie: { CheckMode: 'compare', SecureLevel: '4' },
        compareImage: await harness.storeImage(reference, 'compare').then(({ key }) => ({ key })),
      };
    case 'ekyc':
      return { ...base, ekyc: { CheckMode: 1, IdCardType: 'HK', SdkVersion: 'PLUS' } };
    case 'liveness':
      return { ...base, liveness: { SecureLevel: '4' } };
    case 'web':
      return { ...base, web: { RedirectURL: 'https://backend.example/ekyc/return' } };
    case 'web-legacy':
      return {
        ...base,
        webLegacy: {
          RedirectUrl: 'https://backend.example/ekyc/return',
          CompareImageUrl: 'https://sandbox-bucket.cos.ap-singapore.myqcloud.com/compare.jpg',
          CompareImageMd5: '0123456789abcdef0123456789abcdef',
        },
      };
  }
}

/** MD5 of an archived object, read back from the store. */
export async function archivedMd5(harness: JourneyHarness, key: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of await harness.archive.get(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Starts a liveness journey with `timers` over the fast defaults, and plays its user through to a pass. */
export async function startPassedLiveness(harness: JourneyHarness, prefix: string, timers: object) {
  const reference = harness.reference(prefix);
  const input = await inputFor(harness, 'liveness', reference);
  const started = await harness.ekyc.startJourney({ ...input, timers: { ...FAST_TIMERS, ...timers } });
  await harness.sandbox.complete(started.token, 'pass');
  return started;
}

/**
 * Waits until the journey's status query answers `stage`: a stage change has no event a caller can wait on, so this
 * polls the query within a bounded deadline.
 */
export async function waitForStage(
  harness: Pick<JourneyHarness, 'ekyc'>,
  journeyId: string,
  stage: string,
  timeoutMs = 15_000,
): Promise<void> {
  await eventually(
    async () => {
      const now = (await harness.ekyc.status(journeyId)).stage;
      if (now !== stage) throw new Error(`the journey is in stage ${now}`);
    },
    { what: `journey ${journeyId} in stage ${stage}`, timeoutMs },
  );
}

export { createReadStream };
