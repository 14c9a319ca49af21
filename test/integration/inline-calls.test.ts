import type { temporal } from '@temporalio/proto';
import type { PacerGrant } from '../../src/quota';
import { firstScheduled, stagesShown } from '../support/history-scan';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { inputFor } from '../support/journeys';
import { peakInOneSecond } from '../support/peak';
import { expectCompleteArchive } from './archive/journey-checks';

// The journey's FaceID calls are made inside the workflow tasks that ask for them (local activities, paced by the same
// quota slots): the token in the update-with-start's task, the result in the task of the user's signal. A call goes to
// its action's queue only when the quota is busy or the inline attempt failed in a way a retry may mend.

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

async function historyOf(harness: JourneyHarness, journeyId: string): Promise<HistoryEvent[]> {
  return (await harness.client.workflow.getHandle(journeyId).fetchHistory()).events ?? [];
}

/** The events up to the one that answered the update-with-start with the token. */
function untilTokenAnswered(events: HistoryEvent[]): HistoryEvent[] {
  const answered = events.findIndex((event) => event.workflowExecutionUpdateCompletedEventAttributes);
  expect(answered).toBeGreaterThan(0);
  return events.slice(0, answered + 1);
}

const localActivityMarkers = (events: HistoryEvent[]) =>
  events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
const queuedCalls = (events: HistoryEvent[], activity: string) =>
  events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activity).length;
const queuedTokenCalls = (events: HistoryEvent[]) => queuedCalls(events, 'applyLivenessToken');
const workflowTasks = (events: HistoryEvent[]) =>
  events.filter((event) => event.workflowTaskCompletedEventAttributes).length;

async function startLiveness(harness: JourneyHarness, prefix: string) {
  return harness.ekyc.startJourney(await inputFor(harness, 'liveness', harness.reference(prefix)));
}

/** The user passes and the client app says so; the journey's outcome. */
async function passAndFinish(harness: JourneyHarness, started: { journeyId: string; token: string }) {
  await harness.sandbox.complete(started.token, 'pass');
  await harness.ekyc.userFinished(started.journeyId);
  return harness.ekyc.result(started.journeyId);
}

describe('at the default quota', () => {
  let harness: JourneyHarness;
  beforeAll(async () => {
    harness = await startJourneyHarness();
  });
  afterAll(() => harness?.close());
  afterEach(() => harness.sandbox.clearFaults());

  test('the update-with-start answers with a token from one workflow task and no activity task', async () => {
    const started = await startLiveness(harness, 'inline');
    expect(started.token).toBeTruthy();

    const events = untilTokenAnswered(await historyOf(harness, started.journeyId));
    expect(localActivityMarkers(events)).toBe(1);
    expect(queuedTokenCalls(events)).toBe(0);
    expect(events.some((event) => event.activityTaskScheduledEventAttributes)).toBe(false);
    expect(workflowTasks(events)).toBe(1);

    const result = await passAndFinish(harness, started);
    expect(result).toMatchObject({ outcome: 'approved' });

    // The result, its media archived, came inline too: the whole journey ran in two workflow tasks, no activity task.
    const all = await historyOf(harness, started.journeyId);
    expect(all.filter((event) => event.activityTaskScheduledEventAttributes)).toEqual([]);
    expect(workflowTasks(all)).toBe(2);
    expect(localActivityMarkers(all)).toBe(3);
    // Fetching the result and archiving the media began and ended inside the signal's task: no upsert shows them.
    expect(stagesShown(all).map(({ stage }) => stage)).toEqual(['awaiting_user', 'completed']);
    await expectCompleteArchive(harness.archive, started.journeyId, result);
  });

  test('an inline result call that fails in a way a retry may mend is made on the queue', async () => {
    await harness.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'InternalError', count: 1 });
    const started = await startLiveness(harness, 'inline-result-fault');
    expect(await passAndFinish(harness, started)).toMatchObject({ outcome: 'approved' });
    const events = await historyOf(harness, started.journeyId);
    expect(queuedCalls(events, 'getLivenessResult')).toBe(1);
    // The journey waits in `fetching_result` for the queued call: search attributes show it before the call is made.
    const fetching = stagesShown(events).find(({ stage }) => stage === 'fetching_result');
    expect(fetching?.eventIndex).toBeLessThan(firstScheduled(events, 'getLivenessResult'));
  });

  test('an inline attempt that fails in a way a retry may mend is asked of the queue, which gets the token', async () => {
    await harness.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'InternalError', count: 1 });
    const started = await startLiveness(harness, 'inline-fault');
    expect(started.token).toBeTruthy();

    const events = untilTokenAnswered(await historyOf(harness, started.journeyId));
    expect(localActivityMarkers(events)).toBe(1);
    expect(queuedTokenCalls(events)).toBe(1);
    const failed = events.find(
      (event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    )?.markerRecordedEventAttributes;
    expect(failed?.failure?.applicationFailureInfo?.type).toBe('FaceIdTransient');
    expect(await passAndFinish(harness, started)).toMatchObject({ outcome: 'approved' });
  });

  test('a failure FaceID would repeat ends the journey from the inline attempt, with no queued call', async () => {
    await harness.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'error_code', code: 'OperationDenied' });
    const reference = harness.reference('inline-denied');
    await expect(harness.ekyc.startJourney(await inputFor(harness, 'liveness', reference))).rejects.toThrow();
    const journeyId = `ekyc:${reference}`;
    expect(await harness.ekyc.result(journeyId)).toMatchObject({
      outcome: 'failed',
      reasons: ['faceid_operation_denied'],
    });
    expect(queuedTokenCalls(await historyOf(harness, journeyId))).toBe(0);
  });

  test('a failure the activity marked non-retryable (a missing input image) ends the journey with no queued call', async () => {
    const reference = harness.reference('inline-input-missing');
    const input = await inputFor(harness, 'selfie', reference);
    // The backend stored its photo, and it is gone before the journey reads it for the token call.
    await harness.archive.delete((input as { compareImage: { key: string } }).compareImage.key);
    await expect(harness.ekyc.startJourney(input)).rejects.toThrow();
    const journeyId = `ekyc:${reference}`;
    expect(await harness.ekyc.result(journeyId)).toMatchObject({
      outcome: 'failed',
      reasons: ['archive_object_missing'],
    });
    const events = await historyOf(harness, journeyId);
    const inline = events.find((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(inline?.markerRecordedEventAttributes?.failure?.applicationFailureInfo).toMatchObject({
      type: 'ArchiveObjectMissing',
      nonRetryable: true,
    });
    expect(queuedCalls(events, 'getFaceIdTokenIntl')).toBe(0);
    expect(events.some((event) => event.activityTaskScheduledEventAttributes)).toBe(false);
  });
});

describe('when the quota is busy', () => {
  const grants: PacerGrant[] = [];
  let harness: JourneyHarness;
  beforeAll(async () => {
    harness = await startJourneyHarness({ rateLimit: 2, onQuotaGrant: (grant) => grants.push(grant) });
  });
  afterAll(() => harness?.close());

  test('journeys beyond a second of waiting for a slot get their tokens from the queue, within the quota', async () => {
    const inputs = await Promise.all(
      Array.from({ length: 5 }, (_, index) => inputFor(harness, 'liveness', harness.reference(`busy-${index}`))),
    );
    const started = await Promise.all(inputs.map((input) => harness.ekyc.startJourney(input)));
    for (const journey of started) expect(journey.token).toBeTruthy();

    const histories = await Promise.all(
      started.map(async (journey) => untilTokenAnswered(await historyOf(harness, journey.journeyId))),
    );
    const queued = histories.filter((events) => queuedTokenCalls(events) === 1).length;
    const inline = histories.filter((events) => queuedTokenCalls(events) === 0).length;
    // Two slots a second: the first calls find a slot within a second, the rest would wait longer and are queued.
    expect(inline).toBeGreaterThanOrEqual(1);
    expect(queued).toBeGreaterThanOrEqual(1);
    expect(inline + queued).toBe(5);

    const tokenCalls = grants.filter((grant) => grant.key === 'ApplyLivenessToken');
    expect(tokenCalls).toHaveLength(5);
    expect(peakInOneSecond(tokenCalls.map((grant) => grant.grantedAtMs))).toBeLessThanOrEqual(2);
  });
});
