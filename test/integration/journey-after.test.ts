import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { startWebhookReceiver, type WebhookReceiver } from '../../scripts/lib/webhook-receiver';
import { readManifest } from '../../src/archive/manifest';
import { purgeJourneyMedia } from '../../src/archive/retention';
import { dueKey, MediaDeletedError, readRetentionRecord } from '../../src/archive/retention-records';
import { LegalHoldService } from '../../src/retention/legal-hold-service';
import { RetentionService } from '../../src/retention/retention-service';
import { ensureRetentionSchedule, retentionScheduleId } from '../../src/workers/retention-schedule';
import type { deliverJourneyEvent } from '../../src/workflows/deliver-journey-event';
import type { retentionSweep } from '../../src/workflows/retention-sweep';
import type { RetentionSweepInput, SweepTotals } from '../../src/workflows/retention-types';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { eventually } from '../support/eventually';
import { inputFor } from '../support/journeys';

const SECRETS = ['current-webhook-secret-0000', 'previous-webhook-secret-000'];

/** Legal holds over the harness's journeys and archive. */
const holdsOf = (on: JourneyHarness) => new LegalHoldService({ journeys: on.ekyc, store: on.archive });
/** Retention status over the harness's journeys and archive. */
const retentionOf = (on: JourneyHarness) => new RetentionService({ journeys: on.ekyc, store: on.archive });

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

    await eventually(() => expect(ofJourney().map((d) => d.event.type)).toContain('journey.in_review'), {
      what: 'the in_review webhook',
      timeoutMs: 30_000,
    });
    await harness.ekyc.review(started.journeyId, { decision: 'approved', reviewer: 'op-9', reason: 'checked' });
    await harness.ekyc.result(started.journeyId);
    await eventually(() => expect(ofJourney().map((d) => d.event.type)).toContain('journey.completed'), {
      what: 'the completed webhook',
      timeoutMs: 30_000,
    });

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
      [
        'flow',
        'id',
        'journeyId',
        'occurredAt',
        'outcome',
        'policyOverridden',
        'policyVersion',
        'reasons',
        'reference',
        'stage',
        'type',
      ].sort(),
    );
    // Delivered by the detached `deliverJourneyEvent`, which ends once delivered.
    const delivery = harness.client.workflow.getHandle<typeof deliverJourneyEvent>(
      `${started.journeyId}:event:completed`,
    );
    expect(await delivery.result()).toMatchObject({ delivered: true });
    // Nothing of the file's journeys is left running on its queue (visibility is eventually consistent: one bound).
    await eventually(
      async () => {
        const running: string[] = [];
        const query = `TaskQueue = "${harness.taskQueue}" AND ExecutionStatus = "Running"`;
        for await (const execution of harness.client.workflow.list({ query })) running.push(execution.workflowId);
        expect(running).toEqual([]);
      },
      { what: 'no running workflow on the queue', timeoutMs: 20_000 },
    );
  });
});

describe("an ended journey's last step", () => {
  it('files the retention and tells the backend inside the journey, leaving no workflow behind', async () => {
    const reference = harness.reference('settled');
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', reference));
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);
    expect((await harness.ekyc.result(started.journeyId)).outcome).toBe('approved');
    // Delivered before the run closed, by the journey itself: no completion workflow exists.
    const delivered = receiver.received.filter((d) => d.event.id === `${started.journeyId}:journey.completed`);
    expect(delivered.map((d) => d.attempt)).toEqual([1]);
    expect(await readRetentionRecord(harness.archive, started.journeyId)).toMatchObject({
      journeyId: started.journeyId,
    });
    await expect(harness.client.workflow.getHandle(`${started.journeyId}:event:completed`).describe()).rejects.toThrow(
      WorkflowNotFoundError,
    );
  });

  it('hands both to a detached delivery when the backend is down at the end', async () => {
    const down = await startWebhookReceiver({
      host: '127.0.0.1',
      port: 0,
      path: '/down',
      secrets: SECRETS,
      unavailableFor: 1,
    });
    const ofDown = await startJourneyHarness({ webhook: { url: down.url, secrets: SECRETS } });
    try {
      const reference = ofDown.reference('settle-later');
      const started = await ofDown.ekyc.startJourney(await inputFor(ofDown, 'liveness', reference));
      await ofDown.sandbox.complete(started.token, 'pass');
      await ofDown.ekyc.userFinished(started.journeyId);
      expect((await ofDown.ekyc.result(started.journeyId)).outcome).toBe('approved');
      // The journey's one attempt met the 503; the detached delivery filed the retention and delivered.
      const delivery = ofDown.client.workflow.getHandle<typeof deliverJourneyEvent>(
        `${started.journeyId}:event:completed`,
      );
      expect(await delivery.result()).toMatchObject({ delivered: true });
      expect(down.refused()).toBe(0);
      expect(down.received.map((d) => d.event.id)).toEqual([`${started.journeyId}:journey.completed`]);
      expect(await readRetentionRecord(ofDown.archive, started.journeyId)).toMatchObject({
        journeyId: started.journeyId,
      });
    } finally {
      await ofDown.close();
      await down.close();
    }
  });
});

/** Runs one retention sweep on the harness's queue, as the schedule would, and waits for it (across continue-as-new). */
function runSweep(input: RetentionSweepInput = {}): Promise<SweepTotals> {
  return harness.client.workflow.execute<typeof retentionSweep>('retentionSweep', {
    taskQueue: harness.taskQueue,
    workflowId: `sweep-${randomUUID()}`,
    args: [input],
  });
}

async function endJourney(flow: 'selfie' | 'liveness', prefix: string, retentionMs: number) {
  const reference = harness.reference(prefix);
  const base = await inputFor(harness, flow, reference);
  const started = await harness.ekyc.startJourney({ ...base, retentionDays: retentionMs / DAY_MS });
  await harness.sandbox.complete(started.token, 'pass');
  await harness.ekyc.userFinished(started.journeyId);
  const result = await harness.ekyc.result(started.journeyId);
  expect(result.media.length).toBeGreaterThan(0);
  const compareKey = (base as { compareImage?: { key: string } }).compareImage?.key;
  // The journey's last step filed the retention before the run closed.
  expect(await readRetentionRecord(harness.archive, started.journeyId)).toMatchObject({ journeyId: started.journeyId });
  return { journeyId: started.journeyId, media: result.media.map((ref) => ref.key), compareKey };
}

const present = async (keys: string[]) =>
  (await Promise.all(keys.map((key) => harness.archive.head(key)))).map((stored) => stored !== undefined);

describe('retention sweep', () => {
  it('deletes due, unheld media and the input images; keeps held, not-yet-due and open journeys; resumes', async () => {
    const due = await endJourney('selfie', 'due', 1);
    const held = await endJourney('liveness', 'held', 1);
    const notDue = await endJourney('liveness', 'not-due', 30 * DAY_MS);
    // An open journey: its input image is stored, it has no retention record until it ends.
    const openReference = harness.reference('open');
    const openInput = await inputFor(harness, 'selfie', openReference);
    const open = await harness.ekyc.startJourney({
      ...openInput,
      timers: { ...(openInput.timers as object), startWindowMs: 120_000, completionDeadlineMs: 240_000 },
    });
    const openImage = (openInput as { compareImage: { key: string } }).compareImage.key;
    // Half a batch purged, then the crash: the objects are gone, the record and the pointer still say "due".
    const crashed = await endJourney('liveness', 'crashed', 1);
    await purgeJourneyMedia(harness.archive, crashed.journeyId);

    expect(
      (await holdsOf(harness).set(held.journeyId, { hold: true, operator: 'op-4', reason: 'dispute' })).legalHold,
    ).toBe(true);
    await expect(
      holdsOf(harness).set(open.journeyId, { hold: true, operator: 'op-4', reason: 'x' }),
    ).rejects.toMatchObject({ name: 'JourneyRunningError' });

    // Batches of one and two batches per run: the sweep continues as new, and the result follows the chain.
    const totals = await runSweep({ batchSize: 1, maxBatches: 2 });
    expect(totals).toMatchObject({ purged: 2, held: 1, gone: 0 });

    expect(await present([...due.media, due.compareKey as string])).toEqual(due.media.map(() => false).concat(false));
    expect(await present(crashed.media)).toEqual(crashed.media.map(() => false));
    expect(await present(held.media)).toEqual(held.media.map(() => true));
    expect(await present(notDue.media)).toEqual(notDue.media.map(() => true));
    expect(await present([openImage])).toEqual([true]);
    expect(await readRetentionRecord(harness.archive, open.journeyId)).toBeUndefined();
    const notDueRecord = await readRetentionRecord(harness.archive, notDue.journeyId);
    expect(await harness.archive.head(dueKey(notDue.journeyId, notDueRecord?.deleteAfter as string))).toBeDefined();

    const status = await retentionOf(harness).status(due.journeyId);
    expect(status).toMatchObject({ legalHold: false, deleted: due.media.length + 1 });
    const manifest = await readManifest(harness.archive, due.journeyId);
    expect((manifest?.deletions ?? []).map((d) => d.key)).toEqual(
      expect.arrayContaining([...due.media, due.compareKey as string]),
    );
    expect((await retentionOf(harness).status(crashed.journeyId)).deletedAt).toBeDefined();
    expect(await retentionOf(harness).status(held.journeyId)).toMatchObject({
      legalHold: true,
      hold: { operator: 'op-4', reason: 'dispute' },
    });
    await expect(
      holdsOf(harness).set(due.journeyId, { hold: true, operator: 'op-4', reason: 'too late' }),
    ).rejects.toBeInstanceOf(MediaDeletedError);

    // Released: the next sweep deletes it, and the one after finds nothing.
    await holdsOf(harness).set(held.journeyId, { hold: false, operator: 'op-4', reason: 'settled' });
    expect(await runSweep()).toMatchObject({ purged: 1, held: 0 });
    expect(await present(held.media)).toEqual(held.media.map(() => false));
    expect(await runSweep()).toEqual({ purged: 0, objects: 0, held: 0, gone: 0, moved: 0, notDue: 0 });
    expect(await present(notDue.media)).toEqual(notDue.media.map(() => true));
    await harness.ekyc.cancel(open.journeyId);
  });

  it('is started by one schedule, created idempotently at start-up, which triggers a sweep', async () => {
    const options = { taskQueue: harness.taskQueue, intervalMinutes: 60, batchSize: 50 };
    await ensureRetentionSchedule(harness.client, options);
    await ensureRetentionSchedule(harness.client, { ...options, intervalMinutes: 30 });
    const schedule = harness.client.schedule.getHandle(retentionScheduleId(harness.taskQueue));
    try {
      const description = await schedule.describe();
      expect(description.spec.intervals?.[0]?.every).toBe(30 * 60_000);
      expect(description.policies.overlap).toBe('SKIP');
      expect(description.action).toMatchObject({ workflowType: 'retentionSweep', taskQueue: harness.taskQueue });
      await schedule.trigger();
      const run = await eventually(
        async () => {
          const [action] = (await schedule.describe()).info.recentActions;
          expect(action).toBeDefined();
          return action?.action.workflow.workflowId as string;
        },
        { what: 'the triggered sweep among recent actions', timeoutMs: 20_000 },
      );
      expect(await harness.client.workflow.getHandle(run).result()).toMatchObject({ held: 0 });
    } finally {
      await schedule.delete();
    }
  });
});
