import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  decodeArrayFromPayloads,
  encodeErrorToFailure,
  encodeToPayloads,
} from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { timelineFromHistory, type TimelineEvent } from '../../../src/evidence/history-timeline';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { ArchiveDataKeys, dataConverterFor, parseKeyRing, SANDBOX_CODEC_KEYS } from '../../../src/codec';
import { historyFromJson } from '../../support/history-json';

// The client of a gateway in sandbox mode: its data converter holds the codec key the fixtures were encrypted with.
const connection = Connection.lazy({ address: '127.0.0.1:1' });
const ring = parseKeyRing(SANDBOX_CODEC_KEYS);
const client = new Client({ connection, dataConverter: dataConverterFor(ring) });
const converter = client.options.loadedDataConverter;
// The fixtures were recorded with per-journey data keys, kept beside them.
const historiesDir = join(__dirname, '..', '..', 'fixtures', 'histories');
const keyed = new Client({
  connection,
  dataConverter: dataConverterFor(ring, {
    dataKeys: { vault: new ArchiveDataKeys(new FilesystemStore(historiesDir), ring), erased: 'marker' },
  }),
}).options.loadedDataConverter;
afterAll(() => connection.close());
const EventType = temporal.api.enums.v1.EventType;

function fixture(name: string) {
  const file = join(historiesDir, name);
  return historyFromJson(JSON.parse(readFileSync(file, 'utf8')));
}

/** The FaceID token the journey's `issueToken` update answered with (encrypted in the history). */
async function issuedToken(history: ReturnType<typeof fixture>): Promise<string> {
  const answered = history.events?.find((event) => event.workflowExecutionUpdateCompletedEventAttributes);
  const payloads = answered?.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads ?? [];
  const [issued] = (await decodeArrayFromPayloads(keyed, payloads)) as Array<{ token?: string } | undefined>;
  return issued?.token ?? '';
}

describe('timelineFromHistory', () => {
  // A four-eyes rejection: token, result, two claims, a release, two review decisions (encrypted payloads).
  const history = fixture('ekyc-review-claimed-rejected.json');
  let timeline: TimelineEvent[];
  beforeAll(async () => {
    timeline = await timelineFromHistory(history, keyed);
  });

  it('has one entry per event, with its id, time and type', () => {
    expect(timeline).toHaveLength(history.events?.length ?? -1);
    expect(timeline.map((event) => event.id)).toEqual(timeline.map((_, index) => index + 1));
    expect(timeline[0]).toEqual({
      id: 1,
      at: '2026-12-07T17:47:28.474Z',
      type: 'WorkflowExecutionStarted',
      workflowType: 'ekycJourney',
      taskQueue: 'test-50074b72-0503-46db-be93-b7cb36e02dad',
      attempt: 1,
    });
    expect(timeline.every((event) => /^\d{4}-\d\d-\d\dT.*Z$/.test(event.at))).toBe(true);
  });

  it('names the messages and how they ended: activities with their FaceID RequestIds, signals, updates', () => {
    const messages = timeline
      .filter((event) => event.activity ?? event.signal ?? event.update)
      .filter((event) => !['ActivityTaskScheduled', 'ActivityTaskStarted'].includes(event.type))
      .map(({ type, activity, signal, update, outcome, requestIds, review }) => ({
        type,
        name: activity ?? signal ?? update,
        ...(outcome ? { outcome } : {}),
        ...(requestIds ? { requestIds } : {}),
        ...(review ? { review } : {}),
      }));
    expect(messages).toEqual([
      { type: 'WorkflowExecutionUpdateAccepted', name: 'issueToken' },
      {
        type: 'MarkerRecorded',
        name: 'issueTokenInline',
        outcome: 'completed',
        requestIds: ['3bf5b196-3891-4f6c-8cd1-44bbc9b1cd3b'],
      },
      { type: 'WorkflowExecutionUpdateCompleted', name: 'issueToken', outcome: 'completed' },
      { type: 'WorkflowExecutionSignaled', name: 'userFinished' },
      {
        type: 'MarkerRecorded',
        name: 'fetchResultInline',
        outcome: 'completed',
        requestIds: ['1a10b1c8-e682-400c-beaa-e5cf5a29dfbb'],
      },
      { type: 'WorkflowExecutionUpdateAccepted', name: 'claimReview', review: { reviewer: 'op-1' } },
      { type: 'WorkflowExecutionUpdateCompleted', name: 'claimReview', outcome: 'completed' },
      { type: 'WorkflowExecutionUpdateAccepted', name: 'claimReview', review: { reviewer: 'op-2' } },
      { type: 'WorkflowExecutionUpdateCompleted', name: 'claimReview', outcome: 'completed' },
      { type: 'WorkflowExecutionUpdateAccepted', name: 'releaseReview', review: { reviewer: 'op-2' } },
      { type: 'WorkflowExecutionUpdateCompleted', name: 'releaseReview', outcome: 'completed' },
      {
        type: 'WorkflowExecutionUpdateAccepted',
        name: 'review',
        review: { reviewer: 'op-1', decision: 'rejected', reasonCode: 'tampering' },
      },
      { type: 'WorkflowExecutionUpdateCompleted', name: 'review', outcome: 'completed' },
      { type: 'WorkflowExecutionUpdateAccepted', name: 'review', review: { reviewer: 'op-2', decision: 'rejected' } },
      { type: 'WorkflowExecutionUpdateCompleted', name: 'review', outcome: 'completed' },
    ]);
    expect(timeline.at(-1)).toMatchObject({
      type: 'WorkflowExecutionCompleted',
      outcome: 'completed',
      journey: { outcome: 'rejected', reasons: ['document_warning', 'review_rejected'] },
    });
  });

  it('shows stage changes from the search attributes, and child workflows by name', () => {
    const stages = timeline.flatMap((event) => {
      const stage = event.searchAttributes?.EkycStage;
      return typeof stage === 'string' ? [stage] : [];
    });
    // The result call and the archive ran inline: those stages never reached search attributes.
    expect(stages).toEqual(['awaiting_user', 'in_review', 'completed']);
    expect(timeline.find((event) => event.type === 'ChildWorkflowExecutionCompleted')).toMatchObject({
      workflowType: 'deliverJourneyEvent',
      outcome: 'completed',
    });
  });

  it('holds no FaceID token, no reviewer note and no input option, though the history does (encrypted)', async () => {
    const text = JSON.stringify(timeline);
    const token = await issuedToken(history);
    expect(token.length).toBeGreaterThan(8);
    for (const secret of [token, '"edited"', '"agreed"', 'SdkVersion', 'compareExpected']) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
  });

  it("names a `patched()` marker's patch id (today's journeys ask none)", async () => {
    expect(timeline.filter((event) => event.patch)).toEqual([]);
    const synthetic = temporal.api.history.v1.History.fromObject({
      events: [
        {
          eventId: 1,
          eventTime: { seconds: 1_796_000_000, nanos: 0 },
          eventType: EventType.EVENT_TYPE_MARKER_RECORDED,
          markerRecordedEventAttributes: {
            markerName: 'core_patch',
            details: { 'patch-data': { payloads: [converter.payloadConverter.toPayload({ id: 'a-change' })] } },
          },
        },
      ],
    });
    const [marker] = await timelineFromHistory(synthetic, converter);
    expect(marker).toMatchObject({ type: 'MarkerRecorded', marker: 'core_patch', patch: 'a-change' });
  });

  it('summarises failures with type, message and FaceID ids, and redacts a token quoted in a message', async () => {
    const token = 'BIZTOKEN-0123456789-abcdef';
    const at = { seconds: 1_796_000_000, nanos: 0 };
    const failure = await encodeErrorToFailure(
      converter,
      ApplicationFailure.create({
        type: 'FaceIdTokenInvalid',
        message: `FaceID GetFaceIdResultIntl failed: FaceIdTokenInvalid (token ${token})`,
        nonRetryable: true,
        details: [{ action: 'GetFaceIdResultIntl', code: 'FailedOperation.BizTokenIllegal', requestId: 'req-42' }],
      }),
    );
    const synthetic = temporal.api.history.v1.History.fromObject({
      events: [
        {
          eventId: 1,
          eventTime: at,
          eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
          activityTaskScheduledEventAttributes: {
            activityId: '3',
            activityType: { name: 'getFaceIdResultIntl' },
            input: { payloads: await encodeToPayloads(converter, { journeyId: 'ekyc:x', token }) },
          },
        },
        {
          eventId: 2,
          eventTime: at,
          eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
          activityTaskFailedEventAttributes: { scheduledEventId: 1, failure },
        },
      ],
    });
    const [, failed] = await timelineFromHistory(synthetic, converter);
    expect(failed).toEqual({
      id: 2,
      at: new Date(1_796_000_000_000).toISOString(),
      type: 'ActivityTaskFailed',
      activity: 'getFaceIdResultIntl',
      activityId: '3',
      outcome: 'failed',
      failure: {
        kind: 'ApplicationFailure',
        type: 'FaceIdTokenInvalid',
        message: 'FaceID GetFaceIdResultIntl failed: FaceIdTokenInvalid (token [redacted])',
        nonRetryable: true,
        faceIdCode: 'FailedOperation.BizTokenIllegal',
        requestId: 'req-42',
      },
    });
  });
});

describe('timelineFromHistory, FaceID calls made inline (local activities)', () => {
  // The local activity's result is encrypted like any payload, under the journey's data key.
  it('shows the token and result calls with their outcomes and FaceID RequestIds, and never the token', async () => {
    const history = fixture('liveness-approved.json');
    const timeline = await timelineFromHistory(history, keyed);
    const calls = timeline.filter((event) => event.marker === 'core_local_activity');
    expect(calls.map(({ activity, outcome }) => ({ activity, outcome }))).toEqual([
      { activity: 'issueTokenInline', outcome: 'completed' },
      { activity: 'fetchResultInline', outcome: 'completed' },
      { activity: 'settleJourney', outcome: 'completed' },
    ]);
    const requestId = expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown;
    expect(calls[0]?.requestIds).toEqual([requestId]);
    expect(calls[1]?.requestIds).toEqual([requestId]);
    expect(timeline.filter((event) => event.type.startsWith('ActivityTask'))).toEqual([]);
    const token = await issuedToken(history);
    expect(token.length).toBeGreaterThan(8);
    expect(JSON.stringify(timeline)).not.toContain(token);
  });
});
