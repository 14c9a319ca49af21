import { Client, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { FAILURE_CONVERTER_PATH } from '../../../src/codec';
import { reviewUpdate, userCancelledSignal } from '../../../src/workflows/definitions';
import { UNENCRYPTED_PAYLOAD_REFUSED } from '../../../src/workflows/unencrypted-guard';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { FAST_TIMERS, inputFor, waitForStage } from '../../support/journeys';

// Someone who reaches Temporal's API but holds no codec key (around the gateway) sends messages with plaintext
// payloads. With encryption on they must have no effect, and must not stall the journey either.

let harness: JourneyHarness;
/**
 * A client of the same namespace that sends plain JSON payloads, as one without the codec key does; it still reads
 * the service's encrypted answers, so the test can see why it was refused.
 */
let plain: Client;
beforeAll(async () => {
  harness = await startJourneyHarness();
  // Reads as the service's clients do (the journey's data keys included).
  const reader = harness.codec;
  const sendsPlaintext = {
    encode: (payloads: Payload[]) => Promise.resolve(payloads),
    decode: reader.decode.bind(reader),
  };
  plain = new Client({
    connection: harness.client.connection,
    namespace: harness.client.options.namespace,
    dataConverter: { payloadCodecs: [sendsPlaintext], failureConverterPath: FAILURE_CONVERTER_PATH },
  });
});
afterAll(() => harness?.close());

test('a plaintext review is refused by validation; the journey stays in review and an encrypted review decides it', async () => {
  const reference = harness.reference('plain-review');
  const started = await harness.ekyc.startJourney({
    ...(await inputFor(harness, 'ekyc', reference)),
    timers: { ...FAST_TIMERS, startWindowMs: 60_000 },
  });
  await harness.sandbox.complete(started.token, 'document_warning');
  await harness.ekyc.userFinished(started.journeyId);
  await waitForStage(harness, started.journeyId, 'in_review');

  const forged = await plain.workflow
    .getHandle(started.journeyId)
    .executeUpdate(reviewUpdate, { args: [{ decision: 'approved', reviewer: 'intruder', reason: 'no codec key' }] })
    .catch((error: unknown) => error);
  expect(forged).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(((forged as WorkflowUpdateFailedError).cause as { type?: string }).type).toBe(UNENCRYPTED_PAYLOAD_REFUSED);
  expect((await harness.ekyc.status(started.journeyId)).stage).toBe('in_review');

  await harness.ekyc.review(started.journeyId, { decision: 'rejected', reviewer: 'op-1', reason: 'checked by hand' });
  expect(await harness.ekyc.result(started.journeyId)).toMatchObject({
    outcome: 'rejected',
    reasons: ['document_warning', 'review_rejected'],
  });
});

test('a signal with a plaintext payload is ignored, and the journey goes on to its outcome', async () => {
  const reference = harness.reference('plain-signal');
  const started = await harness.ekyc.startJourney({
    ...(await inputFor(harness, 'liveness', reference)),
    timers: { ...FAST_TIMERS, startWindowMs: 60_000 },
  });
  // userCancelled takes no arguments: a plaintext one marks a sender without the key, and the signal is dropped.
  await plain.workflow.getHandle(started.journeyId).signal(userCancelledSignal, ...(['cancel'] as unknown as []));
  await harness.sandbox.complete(started.token, 'pass');
  await harness.ekyc.userFinished(started.journeyId);
  expect(await harness.ekyc.result(started.journeyId)).toMatchObject({ outcome: 'approved' });
});

test('a journey started with a plaintext input fails at once with a typed failure, never a stalled task', async () => {
  const reference = harness.reference('plain-start');
  const input = await inputFor(harness, 'liveness', reference);
  const handle = await plain.workflow.start('ekycJourney', {
    taskQueue: harness.taskQueue,
    workflowId: `ekyc:${reference}`,
    args: [input],
  });
  const failure: unknown = await handle.result().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect(((failure as WorkflowFailedError).cause as { type?: string }).type).toBe(UNENCRYPTED_PAYLOAD_REFUSED);
});
