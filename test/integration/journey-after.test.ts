import { startWebhookReceiver, type WebhookReceiver } from '../../scripts/lib/webhook-receiver';
import { readManifest } from '../../src/archive/manifest';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { eventually, inputFor } from '../support/journeys';

const SECRETS = ['current-webhook-secret-0000', 'previous-webhook-secret-000'];

let receiver: WebhookReceiver;
let harness: JourneyHarness;
beforeAll(async () => {
  // The backend is briefly down: its first delivery fails with 503 and must be retried, not lost.
  receiver = await startWebhookReceiver({
    host: '127.0.0.1',
    port: 0,
    path: '/hooks',
    secrets: SECRETS,
    unavailableFor: 1,
  });
  harness = await startJourneyHarness({ webhook: { url: receiver.url, secrets: SECRETS } });
});
afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

const DAY_MS = 24 * 3600 * 1000;

describe('webhooks, delivered by the workflow', () => {
  it('tells the backend of the review and of the outcome, signed, retried after a 503, without personal data', async () => {
    const reference = harness.reference('hooks');
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'ekyc', reference));
    await harness.sandbox.complete(started.token, 'document_warning');
    await harness.ekyc.userFinished(started.journeyId);
    const ofJourney = () => receiver.received.filter((delivery) => delivery.event.journeyId === started.journeyId);

    await eventually(() => expect(ofJourney().map((d) => d.event.type)).toContain('journey.in_review'), 30_000);
    await harness.ekyc.review(started.journeyId, { decision: 'approved', reviewer: 'op-9', reason: 'checked' });
    await harness.ekyc.result(started.journeyId);
    await eventually(() => expect(ofJourney().map((d) => d.event.type)).toContain('journey.completed'), 30_000);

    const review = ofJourney().find((d) => d.event.type === 'journey.in_review');
    const completed = ofJourney().find((d) => d.event.type === 'journey.completed');
    expect(review?.event).toMatchObject({
      id: `${started.journeyId}:journey.in_review`,
      reference,
      flow: 'ekyc',
      stage: 'in_review',
      reasons: ['document_warning'],
    });
    expect(completed?.event).toMatchObject({
      id: `${started.journeyId}:journey.completed`,
      stage: 'completed',
      outcome: 'approved',
      reasons: ['document_warning', 'review_approved'],
    });
    // One of the two met the 503 and arrived on its second attempt.
    expect(
      ofJourney()
        .map((d) => d.attempt)
        .sort(),
    ).toEqual([1, 2]);
    expect(receiver.refused()).toBe(0);
    expect(Object.keys(completed?.event ?? {}).sort()).toEqual(
      ['flow', 'id', 'journeyId', 'occurredAt', 'outcome', 'reasons', 'reference', 'stage', 'type'].sort(),
    );
    expect((await harness.ekyc.afterJourneyStatus(started.journeyId)).webhook).toBe('delivered');
  });
});

describe('retention', () => {
  it('deletes the media and the input images when the retention period ends, and records it in the manifest', async () => {
    const reference = harness.reference('retention');
    const base = await inputFor(harness, 'selfie', reference);
    const input = { ...base, retentionDays: 3_000 / DAY_MS };
    const compareKey = (base.compareImage as { key: string }).key;
    const started = await harness.ekyc.startJourney(input);
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);
    const result = await harness.ekyc.result(started.journeyId);
    expect(result.media.length).toBeGreaterThan(0);

    const status = await eventually(async () => {
      const current = await harness.ekyc.afterJourneyStatus(started.journeyId);
      expect(current.deleted).toBeDefined();
      return current;
    }, 30_000);
    expect(status.deleted).toBe(result.media.length + 1);
    for (const ref of result.media) expect(await harness.archive.head(ref.key)).toBeUndefined();
    expect(await harness.archive.head(compareKey)).toBeUndefined();
    const manifest = await readManifest(harness.archive, started.journeyId);
    const deleted = (manifest?.deletions ?? []).map((deletion) => deletion.key);
    expect(deleted).toEqual(expect.arrayContaining([...result.media.map((ref) => ref.key), compareKey]));
  });

  it('keeps media under legal hold past the retention period, and deletes it once the hold is released', async () => {
    const reference = harness.reference('legal-hold');
    const input = { ...(await inputFor(harness, 'liveness', reference)), retentionDays: 4_000 / DAY_MS };
    const started = await harness.ekyc.startJourney(input);
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);
    const result = await harness.ekyc.result(started.journeyId);
    const held = await harness.ekyc.setLegalHold(started.journeyId, {
      hold: true,
      operator: 'op-4',
      reason: 'dispute',
    });
    expect(held.legalHold).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const during = await harness.ekyc.afterJourneyStatus(started.journeyId);
    expect(Date.parse(during.deleteAfter)).toBeLessThan(Date.now());
    expect(during.deleted).toBeUndefined();
    for (const ref of result.media) expect(await harness.archive.head(ref.key)).toBeDefined();

    await harness.ekyc.setLegalHold(started.journeyId, { hold: false, operator: 'op-4', reason: 'dispute settled' });
    await eventually(
      async () => expect((await harness.ekyc.afterJourneyStatus(started.journeyId)).deleted).toBe(result.media.length),
      30_000,
    );
    for (const ref of result.media) expect(await harness.archive.head(ref.key)).toBeUndefined();
  });
});
