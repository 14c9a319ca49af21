import type { CardScenario } from '../../src/emulator/cards';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { parseJourneyStart } from '../../src/client/journey-input';
import { archivedMd5, inputFor, waitForStage } from '../support/journeys';

let harness: JourneyHarness;
beforeAll(async () => {
  harness = await startJourneyHarness();
});
afterAll(() => harness?.close());

/** A liveness journey with the separate document step, whose outcome the emulator takes from the front image. */
async function withDocument(scenario: CardScenario, processingPolls: number) {
  const reference = harness.reference(`doc-${scenario}`);
  const front = await harness.storeImage(reference, 'card-front');
  const back = await harness.storeImage(reference, 'card-back');
  await harness.sandbox.registerCard(front.md5, scenario, processingPolls);
  const input = parseJourneyStart({
    ...(await inputFor(harness, 'liveness', reference)),
    document: { nationality: 'HKG', cardType: 'ID_CARD', front: { key: front.key }, back: { key: back.key } },
  });
  const started = await harness.ekyc.startJourney(input);
  await harness.sandbox.complete(started.token, 'pass');
  await harness.ekyc.userFinished(started.journeyId);
  return started;
}

describe('the document step (ApplyCardVerification, then GetCardVerificationResult polled)', () => {
  it('PASSED: approved, and the recognised fields are archived, not put in history', async () => {
    const started = await withDocument('pass', 0);
    const result = await harness.ekyc.result(started.journeyId);
    expect(result).toMatchObject({ outcome: 'approved', document: { source: 'card-verification', status: 'PASSED' } });
    const ocr = result.media.find((ref) => ref.kind === 'ocr-json');
    expect(ocr).toBeDefined();
    expect(await archivedMd5(harness, ocr!.key)).toBe(ocr!.md5);
  });

  it('PROCESSING for two polls, then PASSED: the journey polls at FaceID’s pace and approves', async () => {
    const started = await withDocument('pass', 2);
    const result = await harness.ekyc.result(started.journeyId);
    expect(result).toMatchObject({ outcome: 'approved', document: { status: 'PASSED' } });
  });

  it('WARNING: the journey goes to review', async () => {
    const started = await withDocument('document_warning', 0);
    await waitForStage(harness, started.journeyId, 'in_review');
    const status = await harness.ekyc.status(started.journeyId);
    expect(status).toMatchObject({ stage: 'in_review', reasons: ['document_warning'] });
    await harness.ekyc.review(started.journeyId, { decision: 'approved', reviewer: 'op-3', reason: 'checked by hand' });
    expect((await harness.ekyc.result(started.journeyId)).outcome).toBe('approved');
  });

  it('REJECTED: the journey is rejected', async () => {
    const started = await withDocument('document_rejected', 0);
    const result = await harness.ekyc.result(started.journeyId);
    expect(result).toMatchObject({ outcome: 'rejected', reasons: ['document_rejected'] });
  });
});
