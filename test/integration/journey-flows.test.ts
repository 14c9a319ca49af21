import type { Scenario } from '../../src/emulator/scenarios';
import { FLOWS, type Flow } from '../../src/workflows/types';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import type { JourneyStart } from '../../src/client/journey-input';
import { archivedMd5, inputFor, waitForStage } from '../support/journeys';

let harness: JourneyHarness;
beforeAll(async () => {
  harness = await startJourneyHarness();
});
afterAll(() => harness?.close());

async function runToEnd(flow: Flow, scenario: Scenario, input?: JourneyStart) {
  const reference = harness.reference(flow);
  const started = await harness.ekyc.startJourney(input ?? (await inputFor(harness, flow, reference)));
  await harness.sandbox.complete(started.token, scenario);
  await harness.ekyc.userFinished(started.journeyId);
  return { started, result: await harness.ekyc.result(started.journeyId) };
}

describe('every flow, started through the client, ends approved with all media archived', () => {
  it.each(FLOWS)('%s', async (flow) => {
    const { started, result } = await runToEnd(flow, 'pass');
    expect(started.journeyId).toMatch(/^ekyc:/);
    expect(Date.parse(started.expiresAt)).toBeGreaterThan(Date.now());
    if (flow === 'web' || flow === 'web-legacy')
      expect(started.verificationUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(result).toMatchObject({ flow, outcome: 'approved', reasons: ['all_checks_passed'] });
    expect(result.liveness).toEqual({ passed: true, code: '0' });
    expect(result.media.length).toBeGreaterThan(0);
    for (const ref of result.media) {
      expect(ref.key.startsWith(`journeys/${started.journeyId}/${ref.kind}-${ref.md5}.`)).toBe(true);
      expect(await archivedMd5(harness, ref.key)).toBe(ref.md5);
    }
    expect(result.media.map((ref) => ref.kind)).toEqual(expect.arrayContaining(['best-frame']));
    const status = await harness.ekyc.status(started.journeyId);
    expect(status).toMatchObject({ stage: 'completed', outcome: 'approved', flow });
  });
});

describe('each emulator scenario reaches its outcome and reason', () => {
  it.each([
    ['selfie', 'spoof', 'rejected', 'liveness_spoof'],
    ['liveness', 'liveness_fail', 'rejected', 'liveness_failed'],
    ['selfie', 'compare_fail', 'rejected', 'compare_failed'],
    ['selfie', 'low_similarity', 'rejected', 'similarity_below_threshold'],
    ['web', 'low_similarity', 'rejected', 'similarity_below_threshold'],
    ['ekyc', 'document_rejected', 'rejected', 'document_rejected'],
    ['web', 'spoof', 'rejected', 'liveness_spoof'],
    ['liveness', 'liveness_engine_error', 'rejected', 'liveness_engine_error'],
    ['selfie', 'no_face', 'rejected', 'face_not_detected'],
    ['selfie', 'image_size', 'rejected', 'face_image_size_invalid'],
    ['ekyc', 'multiple_faces', 'rejected', 'multiple_faces'],
    ['ekyc', 'incomplete_face', 'rejected', 'face_incomplete'],
    ['web', 'low_resolution', 'rejected', 'face_image_quality_low'],
    ['ekyc', 'face_occluded', 'rejected', 'face_occluded'],
  ] as const)('%s / %s → %s (%s)', async (flow, scenario, outcome, reason) => {
    const { result } = await runToEnd(flow, scenario);
    expect(result.outcome).toBe(outcome);
    expect(result.reasons).toContain(reason);
  });

  it('ekyc / document_warning goes to review and a reviewer approves it', async () => {
    const reference = harness.reference('ekyc-warning');
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'ekyc', reference));
    await harness.sandbox.complete(started.token, 'document_warning');
    await harness.ekyc.userFinished(started.journeyId);
    await waitForStage(harness, started.journeyId, 'in_review');
    const status = await harness.ekyc.review(started.journeyId, {
      decision: 'approved',
      reviewer: 'op-7',
      reason: 'glare only',
    });
    expect(status.review).toEqual({ reviewer: 'op-7', decision: 'approved', deadline: status.review?.deadline });
    expect(Date.parse(status.review?.deadline ?? '')).toBeGreaterThan(Date.now());
    const result = await harness.ekyc.result(started.journeyId);
    expect(result).toMatchObject({ outcome: 'approved', reasons: ['document_warning', 'review_approved'] });
    expect(result.review).toEqual({ reviewer: 'op-7', decision: 'approved', reason: 'glare only' });
  });

  it('abandon: the user never finishes and the journey expires', async () => {
    const reference = harness.reference('abandon');
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', reference));
    await harness.sandbox.complete(started.token, 'abandon');
    await harness.ekyc.userFinished(started.journeyId);
    const result = await harness.ekyc.result(started.journeyId);
    expect(result).toMatchObject({ outcome: 'expired', reasons: ['result_not_finished'], media: [] });
  });
});
