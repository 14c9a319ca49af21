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
import { FilesystemStore } from '../../../src/archive/filesystem-store';
import { ArchiveDataKeys, dataConverterFor, parseKeyRing, SANDBOX_CODEC_KEYS } from '../../../src/codec';
import { historyFromJson } from '../../support/history-json';

// The client of a gateway in sandbox mode: its data converter holds the codec key the fixtures were encrypted with.
const connection = Connection.lazy({ address: '127.0.0.1:1' });
const client = new Client({ connection, dataConverter: dataConverterFor(parseKeyRing(SANDBOX_CODEC_KEYS)) });
const converter = client.options.loadedDataConverter;
afterAll(() => connection.close());
const EventType = temporal.api.enums.v1.EventType;

function fixture(name: string) {
  const file = join(__dirname, '..', '..', 'fixtures', 'histories', name);
  return historyFromJson(JSON.parse(readFileSync(file, 'utf8')));
}

describe('timelineFromHistory', () => {
  // A four-eyes rejection: token, result, two claims, a release, two review decisions (encrypted payloads).
  const history = fixture('ekyc-review-claimed-rejected-review-queue.json');
  let timeline: TimelineEvent[];
  beforeAll(async () => {
    timeline = await timelineFromHistory(history, converter);
  });

  it('has one entry per event, with its id, time and type', () => {
    expect(timeline).toHaveLength(history.events?.length ?? -1);
    expect(timeline.map((event) => event.id)).toEqual(timeline.map((_, index) => index + 1));
    expect(timeline[0]).toEqual({
      id: 1,
      at: '2026-12-02T00:40:39.291Z',
      type: 'WorkflowExecutionStarted',
      workflowType: 'ekycJourney',
      taskQueue: 'test-4fd81aa8-e20a-40b6-9c68-77904c71147c',
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
        type: 'ActivityTaskCompleted',
        name: 'applySdkVerificationToken',
        outcome: 'completed',
        requestIds: ['98e82254-8231-4213-848b-d47bf3a1e99a'],
      },
      { type: 'WorkflowExecutionUpdateCompleted', name: 'issueToken', outcome: 'completed' },
      { type: 'WorkflowExecutionSignaled', name: 'userFinished' },
      {
        type: 'ActivityTaskCompleted',
        name: 'getSdkVerificationResult',
        outcome: 'completed',
        requestIds: ['57d2754e-7450-4719-8686-93f1a9fa0800'],
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

  it('shows stage changes from the search attributes, and patches and child workflows by name', () => {
    const stages = timeline.flatMap((event) => {
      const stage = event.searchAttributes?.EkycStage;
      return typeof stage === 'string' ? [stage] : [];
    });
    expect(stages).toEqual(['awaiting_user', 'fetching_result', 'archiving_media', 'in_review', 'completed']);
    expect(timeline.filter((event) => event.patch).map((event) => event.patch)).toEqual([
      'review-queue-attributes',
      'retention-record-instead-of-after-journey',
    ]);
    expect(timeline.find((event) => event.type === 'ChildWorkflowExecutionCompleted')).toMatchObject({
      workflowType: 'deliverJourneyEvent',
      outcome: 'completed',
    });
  });

  it('holds no FaceID token, no reviewer note and no input option, though the history does (encrypted)', () => {
    const text = JSON.stringify(timeline);
    for (const secret of [
      '40E5D700-932D-4C18-A8CE-996617D7FDD3',
      '"edited"',
      '"agreed"',
      'SdkVersion',
      'compareExpected',
    ]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
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
  // Recorded with per-journey data keys, kept beside the fixtures: the local activity's result is encrypted like any.
  const ring = parseKeyRing(SANDBOX_CODEC_KEYS);
  const historiesDir = join(__dirname, '..', '..', 'fixtures', 'histories');
  const keyed = new Client({
    connection,
    dataConverter: dataConverterFor(ring, {
      dataKeys: { vault: new ArchiveDataKeys(new FilesystemStore(historiesDir), ring), erased: 'marker' },
    }),
  }).options.loadedDataConverter;

  it('shows the token and result calls with their outcomes and FaceID RequestIds, and never the token', async () => {
    const history = fixture('liveness-approved-inline-calls.json');
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
    const answered = history.events?.find((event) => event.workflowExecutionUpdateCompletedEventAttributes);
    const payloads = answered?.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads ?? [];
    const [issued] = (await decodeArrayFromPayloads(keyed, payloads)) as Array<{ token: string }>;
    expect(issued?.token.length).toBeGreaterThan(8);
    expect(JSON.stringify(timeline)).not.toContain(issued?.token);
  });
});
