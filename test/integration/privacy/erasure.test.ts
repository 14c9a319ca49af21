import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { inputPrefix, journeyPrefix } from '../../../src/archive/keys';
import type { S3Store } from '../../../src/store/s3-store';
import type { ObjectStore } from '../../../src/store/object-store';
import { JourneyErasedError } from '../../../src/archive/erasure-record';
import { EkycClient } from '../../../src/client/ekyc-client';
import { ErasureService } from '../../../src/erasure/erasure-service';
import { JourneyHeldError } from '../../../src/erasure/journey-erasure';
import { LegalHoldService } from '../../../src/retention/legal-hold-service';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { inputFor, waitForStage } from '../../support/journeys';
import { startMinio, type MinioServer } from '../archive/minio';

let onDisk: JourneyHarness;
let minio: MinioServer;
let s3: S3Store;
let onS3: JourneyHarness;
beforeAll(async () => {
  onDisk = await startJourneyHarness();
  minio = await startMinio('ekyc-erasure-test');
  s3 = minio.openStore('ekyc');
  onS3 = await startJourneyHarness({ archive: s3 });
}, 120_000);
afterAll(async () => {
  await onS3?.close();
  await s3?.close();
  await minio?.stop();
  await onDisk?.close();
});

const ERASURE = { requestedBy: 'op-dpo', reason: 'data_subject_request' };

/** Erasure over the harness's journeys, archive and data keys, telling the harness's client at once (one process). */
const erasureOf = (on: JourneyHarness) =>
  new ErasureService({ client: on.client, store: on.archive, dataKeys: on.dataKeys, checks: on.ekyc.erasures });
/** Legal holds over the harness's journeys and archive. */
const holdsOf = (on: JourneyHarness) => new LegalHoldService({ journeys: on.ekyc, store: on.archive });

/** Every object the store holds for the journey: its folder and its reference's input images. */
async function objectsOf(store: ObjectStore, journeyId: string): Promise<string[]> {
  const reference = journeyId.slice('ekyc:'.length);
  return [...(await store.list(journeyPrefix(journeyId))), ...(await store.list(inputPrefix(reference)))];
}

/** Every encoded payload of the journey's history, decoded as the UI's codec endpoint decodes them. */
async function decodedHistoryPayloads(client: Client, codec: PayloadCodec, journeyId: string): Promise<unknown[]> {
  const history = await client.workflow.getHandle(journeyId).fetchHistory();
  const payloads: Payload[] = [];
  // Search attributes are plain by Temporal's design (ids and codes only), and markers' details are written by the
  // SDK's core outside the codec (patch ids, local activity bookkeeping): history-scan.test.ts checks both.
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    if ('metadata' in value && 'data' in value) {
      payloads.push(value as Payload);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key !== 'searchAttributes' && key !== 'markerRecordedEventAttributes') walk(child);
    }
  };
  for (const event of history.events ?? []) walk(event);
  const decoded = await codec.decode(payloads);
  return decoded.map((payload) => defaultPayloadConverter.fromPayload(payload));
}

describe.each([
  ['the filesystem', () => onDisk],
  ['MinIO (S3)', () => onS3],
])('erasure with media on %s', (_store, harnessOf) => {
  it('a finished journey: media and inputs deleted, history unreadable, result erased, outcome kept, repeat is a no-op', async () => {
    const harness = harnessOf();
    const input = await inputFor(harness, 'selfie', harness.reference('erase-done'));
    const started = await harness.ekyc.startJourney(input);
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);
    const result = await harness.ekyc.result(started.journeyId);
    expect(result.outcome).toBe('approved');
    expect((await objectsOf(harness.archive, started.journeyId)).length).toBeGreaterThan(1);

    const record = await erasureOf(harness).erase(started.journeyId, ERASURE);
    expect(record).toMatchObject({
      state: 'erased',
      requestedBy: 'op-dpo',
      reason: 'data_subject_request',
      outcome: 'approved',
      reasons: result.reasons,
    });
    expect(record.deleted?.count).toBeGreaterThan(1);
    expect(record.deleted?.keys).toEqual(expect.arrayContaining(result.media.map((ref) => ref.key)));
    expect(await objectsOf(harness.archive, started.journeyId)).toEqual([]);

    // The history is still in Temporal, but nobody can read it: every payload decodes to the erased marker.
    const payloads = await decodedHistoryPayloads(harness.client, harness.codec, started.journeyId);
    expect(payloads.length).toBeGreaterThan(3);
    for (const payload of payloads) {
      expect(payload).toEqual({ erased: `the data of journey ${started.journeyId} was erased` });
    }
    await expect(harness.ekyc.result(started.journeyId)).rejects.toBeInstanceOf(JourneyErasedError);
    await expect(harness.ekyc.status(started.journeyId)).rejects.toMatchObject({
      record: { outcome: 'approved', state: 'erased' },
    });

    const again = await erasureOf(harness).erase(started.journeyId, { requestedBy: 'op-other', reason: 'repeat' });
    expect(again).toEqual(record);
  });

  it('a running journey: cancelled first, then erased', async () => {
    const harness = harnessOf();
    // A selfie journey: its compare photo is already in the archive while the user has not finished.
    const input = await inputFor(harness, 'selfie', harness.reference('erase-running'));
    const started = await harness.ekyc.startJourney(input);
    await waitForStage(harness, started.journeyId, 'awaiting_user');
    expect((await objectsOf(harness.archive, started.journeyId)).length).toBeGreaterThan(0);

    const record = await erasureOf(harness).erase(started.journeyId, ERASURE);
    expect(record).toMatchObject({ state: 'erased', stopped: 'cancelled', outcome: 'cancelled' });
    const description = await harness.client.workflow.getHandle(started.journeyId).describe();
    expect(description.status.name).not.toBe('RUNNING');
    expect(await objectsOf(harness.archive, started.journeyId)).toEqual([]);
    // Its children (the completion event, if it needed one) are not left running either.
    const children = harness.client.workflow.list({
      query: `WorkflowId STARTS_WITH '${started.journeyId}:' AND ExecutionStatus = 'Running'`,
    });
    for await (const child of children) throw new Error(`child ${child.workflowId} still running`);
  });
});

describe('erasure of a journey a crash interrupted, or held', () => {
  it('an erasure a crash interrupted (key destroyed, objects left) is finished by the next request', async () => {
    const input = await inputFor(onDisk, 'liveness', onDisk.reference('erase-resume'));
    const started = await onDisk.ekyc.startJourney(input);
    await onDisk.sandbox.complete(started.token, 'pass');
    await onDisk.ekyc.userFinished(started.journeyId);
    const result = await onDisk.ekyc.result(started.journeyId);
    // As the first request left it: its record says erasing, with the outcome it read; then the key went, and the
    // process died before it deleted the objects and marked the record.
    const interrupted = {
      journeyId: started.journeyId,
      requestedBy: 'op-first',
      reason: 'data_subject_request',
      requestedAt: new Date().toISOString(),
      state: 'erasing',
      outcome: result.outcome,
      reasons: result.reasons,
    };
    await onDisk.archive.putIfVersion(
      `erasures/${started.journeyId}.json`,
      Buffer.from(JSON.stringify(interrupted)),
      'application/json',
      undefined,
    );
    await onDisk.dataKeys.destroy(started.journeyId, new Date());
    // A process that reads after the crash (the harness's client trusts its own "not erased" for the checks' TTL).
    const reader = new EkycClient(onDisk.client, onDisk.taskQueue, { archive: onDisk.archive });
    await expect(reader.result(started.journeyId)).rejects.toBeInstanceOf(JourneyErasedError);

    const record = await erasureOf(onDisk).erase(started.journeyId, { requestedBy: 'op-second', reason: 'retry' });
    expect(record).toMatchObject({ state: 'erased', requestedBy: 'op-first', outcome: 'approved' });
    expect(await objectsOf(onDisk.archive, started.journeyId)).toEqual([]);
  });

  it('a journey under a legal hold is refused, naming the hold, until the hold is released', async () => {
    const input = await inputFor(onDisk, 'liveness', onDisk.reference('erase-held'));
    const started = await onDisk.ekyc.startJourney(input);
    await onDisk.sandbox.complete(started.token, 'pass');
    await onDisk.ekyc.userFinished(started.journeyId);
    await onDisk.ekyc.result(started.journeyId);
    await holdsOf(onDisk).set(started.journeyId, { hold: true, operator: 'op-legal', reason: 'case 42' });

    const refused = erasureOf(onDisk).erase(started.journeyId, ERASURE);
    await expect(refused).rejects.toBeInstanceOf(JourneyHeldError);
    await expect(refused).rejects.toThrow(/legal hold \(set by op-legal .*case 42\)/);
    expect((await objectsOf(onDisk.archive, started.journeyId)).length).toBeGreaterThan(0);
    await expect(onDisk.ekyc.result(started.journeyId)).resolves.toMatchObject({ outcome: 'approved' });

    await holdsOf(onDisk).set(started.journeyId, { hold: false, operator: 'op-legal', reason: 'case closed' });
    await expect(erasureOf(onDisk).erase(started.journeyId, ERASURE)).resolves.toMatchObject({ state: 'erased' });
  });
});
