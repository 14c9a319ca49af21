import type { LoadedDataConverter, Payload } from '@temporalio/common';
// The client's own decoding path (codecs, then the payload and failure converters); the SDK has no public equivalent.
import {
  decodeArrayFromPayloads,
  decodeOptionalFailureToOptionalError,
} from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type ProtoFailure = temporal.api.failure.v1.IFailure;

/** A failure as the timeline shows it: its kind and type, its message (ids and codes only), FaceID's ids. */
interface FailureSummary {
  /** The failure class: `ApplicationFailure`, `ActivityFailure`, `TimeoutFailure`, … */
  kind: string;
  /** `ApplicationFailure.type`: one of the service's failure types, such as `FaceIdAuthFailure`. */
  type?: string;
  message?: string;
  nonRetryable?: boolean;
  /** Tencent's error code and RequestId, for FaceID failures. */
  faceIdCode?: string;
  requestId?: string;
  cause?: FailureSummary;
}

/**
 * One event of the journey's history: its id, time and type, and for messages what they were and how they ended.
 * Payload contents appear only as the fields named here, decoded through the client's data converter; tokens, media
 * URLs and free-text notes never do.
 */
export interface TimelineEvent {
  id: number;
  /** ISO timestamp. */
  at: string;
  /** The event type as the Temporal UI names it, e.g. `ActivityTaskCompleted`. */
  type: string;
  workflowType?: string;
  taskQueue?: string;
  attempt?: number;
  activity?: string;
  activityId?: string;
  signal?: string;
  update?: string;
  updateId?: string;
  /** The reviewer's id, decision and reason code of a review update (never the note). */
  review?: { reviewer?: string; decision?: string; reasonCode?: string };
  timerId?: string;
  /** A timer's duration in milliseconds. */
  fireAfterMs?: number;
  marker?: string;
  /** A `patched()` marker's patch id. */
  patch?: string;
  childWorkflowId?: string;
  /** Search attributes set by an upsert (stage, outcome, reason, review claim): ids and enums. */
  searchAttributes?: Record<string, unknown>;
  /** How a message or the run ended. */
  outcome?: 'completed' | 'failed' | 'timed_out' | 'canceled' | 'terminated' | 'continued_as_new';
  failure?: FailureSummary;
  /** FaceID RequestIds a FaceID activity's result names. */
  requestIds?: string[];
  /** The journey's outcome and reason codes, on the run's completion. */
  journey?: { outcome?: string; reasons?: string[] };
  /** A workflow task failure's cause, e.g. `NonDeterministicError`-like enums. */
  cause?: string;
}

const EVENT_TYPE_NAMES = temporal.api.enums.v1.EventType as unknown as Record<number, string>;
const TASK_FAILED_CAUSES = temporal.api.enums.v1.WorkflowTaskFailedCause as unknown as Record<number, string>;

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` → `ActivityTaskScheduled`. */
function eventTypeName(type: number | string | null | undefined): string {
  const name = typeof type === 'string' ? type : (EVENT_TYPE_NAMES[type ?? 0] ?? `EventType${type}`);
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_match, _separator: string, letter: string) => letter.toUpperCase());
}

/** An int64 of the API (a Long, or a number from JSON) as a number; ids and times fit. */
function toNumber(value: { toString(): string } | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value.toString());
}

function isoTime(time: temporal.api.history.v1.IHistoryEvent['eventTime']): string {
  return new Date(toNumber(time?.seconds) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6)).toISOString();
}

function durationMs(duration: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!duration) return undefined;
  return toNumber(duration.seconds as number | undefined) * 1000 + Math.floor((duration.nanos ?? 0) / 1e6);
}

const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Keys of decoded payloads whose string values are bearer secrets: FaceID tokens and the URLs that carry them. */
const SECRET_KEYS = /token$|^verificationUrl$/i;

/**
 * Reads a journey's history into a timeline. Every payload is decoded with `converter` (the client's, which holds the
 * codec keys); the tokens found on the way are collected so that none can reach the timeline, even inside a message.
 */
export async function timelineFromHistory(history: History, converter: LoadedDataConverter): Promise<TimelineEvent[]> {
  const reader = new TimelineReader(converter);
  const timeline: TimelineEvent[] = [];
  for (const event of history.events ?? []) timeline.push(await reader.read(event));
  return redact(timeline, reader.secrets) as TimelineEvent[];
}

class TimelineReader {
  /** Token values seen in any decoded payload. */
  readonly secrets = new Set<string>();
  private readonly activities = new Map<number, { activity: string; activityId: string }>();
  private readonly updates = new Map<number, string>();

  constructor(private readonly converter: LoadedDataConverter) {}

  async read(event: HistoryEvent): Promise<TimelineEvent> {
    const id = toNumber(event.eventId);
    const entry: TimelineEvent = { id, at: isoTime(event.eventTime), type: eventTypeName(event.eventType) };
    const started = event.workflowExecutionStartedEventAttributes;
    if (started) {
      entry.workflowType = started.workflowType?.name ?? undefined;
      entry.taskQueue = started.taskQueue?.name ?? undefined;
      entry.attempt = started.attempt ?? undefined;
      await this.decode(started.input?.payloads);
    }
    const completed = event.workflowExecutionCompletedEventAttributes;
    if (completed) {
      const [result] = await this.decode(completed.result?.payloads);
      entry.outcome = 'completed';
      entry.journey = journeyOutcome(result);
    }
    if (event.workflowExecutionFailedEventAttributes) {
      entry.outcome = 'failed';
      entry.failure = await this.failure(event.workflowExecutionFailedEventAttributes.failure);
    }
    if (event.workflowExecutionTimedOutEventAttributes) entry.outcome = 'timed_out';
    if (event.workflowExecutionTerminatedEventAttributes) entry.outcome = 'terminated';
    if (event.workflowExecutionCanceledEventAttributes) entry.outcome = 'canceled';
    if (event.workflowExecutionContinuedAsNewEventAttributes) entry.outcome = 'continued_as_new';
    const taskFailed = event.workflowTaskFailedEventAttributes;
    if (taskFailed) {
      entry.cause = TASK_FAILED_CAUSES[taskFailed.cause ?? 0];
      entry.failure = await this.failure(taskFailed.failure);
    }
    await this.readActivity(event, id, entry);
    await this.readMessages(event, id, entry);
    await this.readTimersAndMarkers(event, entry);
    await this.readChildren(event, entry);
    return entry;
  }

  private async readActivity(event: HistoryEvent, id: number, entry: TimelineEvent): Promise<void> {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const activity = { activity: scheduled.activityType?.name ?? '', activityId: scheduled.activityId ?? '' };
      this.activities.set(id, activity);
      Object.assign(entry, activity);
      await this.decode(scheduled.input?.payloads);
      return;
    }
    const attributes =
      event.activityTaskStartedEventAttributes ??
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCancelRequestedEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    if (!attributes) return;
    Object.assign(entry, this.activities.get(toNumber(attributes.scheduledEventId)) ?? {});
    if (event.activityTaskStartedEventAttributes) entry.attempt = event.activityTaskStartedEventAttributes.attempt ?? 1;
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      entry.outcome = 'completed';
      const requestIds = requestIdsOf((await this.decode(completed.result?.payloads))[0]);
      if (requestIds.length > 0) entry.requestIds = requestIds;
    }
    if (event.activityTaskFailedEventAttributes) {
      entry.outcome = 'failed';
      entry.failure = await this.failure(event.activityTaskFailedEventAttributes.failure);
    }
    if (event.activityTaskTimedOutEventAttributes) {
      entry.outcome = 'timed_out';
      entry.failure = await this.failure(event.activityTaskTimedOutEventAttributes.failure);
    }
    if (event.activityTaskCanceledEventAttributes) entry.outcome = 'canceled';
  }

  private async readMessages(event: HistoryEvent, id: number, entry: TimelineEvent): Promise<void> {
    const signaled = event.workflowExecutionSignaledEventAttributes;
    if (signaled) {
      entry.signal = signaled.signalName ?? undefined;
      await this.decode(signaled.input?.payloads);
    }
    const admitted = event.workflowExecutionUpdateAdmittedEventAttributes;
    if (admitted) {
      entry.update = admitted.request?.input?.name ?? undefined;
      entry.updateId = admitted.request?.meta?.updateId ?? undefined;
    }
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted) {
      const request = accepted.acceptedRequest;
      entry.update = request?.input?.name ?? undefined;
      entry.updateId = request?.meta?.updateId ?? undefined;
      if (entry.update) this.updates.set(id, entry.update);
      const review = reviewOf((await this.decode(request?.input?.args?.payloads))[0]);
      if (review) entry.review = review;
    }
    const updated = event.workflowExecutionUpdateCompletedEventAttributes;
    if (updated) {
      entry.update = this.updates.get(toNumber(updated.acceptedEventId));
      entry.updateId = updated.meta?.updateId ?? undefined;
      if (updated.outcome?.failure) {
        entry.outcome = 'failed';
        entry.failure = await this.failure(updated.outcome.failure);
      } else {
        entry.outcome = 'completed';
        await this.decode(updated.outcome?.success?.payloads);
      }
    }
    const upserted = event.upsertWorkflowSearchAttributesEventAttributes;
    if (upserted) {
      // Search attributes are not encrypted (the server indexes them): the payload converter alone reads them.
      const fields = upserted.searchAttributes?.indexedFields ?? {};
      entry.searchAttributes = Object.fromEntries(
        Object.entries(fields).map(([key, payload]) => [key, this.plain(payload)]),
      );
    }
  }

  private async readTimersAndMarkers(event: HistoryEvent, entry: TimelineEvent): Promise<void> {
    const timer =
      event.timerStartedEventAttributes ?? event.timerFiredEventAttributes ?? event.timerCanceledEventAttributes;
    if (timer) entry.timerId = timer.timerId ?? undefined;
    const fireAfterMs = durationMs(event.timerStartedEventAttributes?.startToFireTimeout);
    if (fireAfterMs !== undefined) entry.fireAfterMs = fireAfterMs;
    const marker = event.markerRecordedEventAttributes;
    if (!marker) return;
    entry.marker = marker.markerName ?? undefined;
    // The SDK core writes these markers' own data unencrypted: the patch id, or the local activity's type.
    const patch = this.plain(marker.details?.['patch-data']?.payloads?.[0]) as { id?: unknown } | undefined;
    if (typeof patch?.id === 'string') entry.patch = patch.id;
    const local = this.plain(marker.details?.data?.payloads?.[0]) as { activity_type?: unknown } | undefined;
    if (typeof local?.activity_type !== 'string') return;
    // A local activity's result (encrypted, as any payload) or failure, as for an activity task's.
    entry.activity = local.activity_type;
    if (marker.failure) {
      entry.outcome = 'failed';
      entry.failure = await this.failure(marker.failure);
      return;
    }
    entry.outcome = 'completed';
    const requestIds = requestIdsOf((await this.decode(marker.details?.result?.payloads))[0]);
    if (requestIds.length > 0) entry.requestIds = requestIds;
  }

  private async readChildren(event: HistoryEvent, entry: TimelineEvent): Promise<void> {
    const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (initiated) {
      entry.workflowType = initiated.workflowType?.name ?? undefined;
      entry.childWorkflowId = initiated.workflowId ?? undefined;
      await this.decode(initiated.input?.payloads);
    }
    const child =
      event.childWorkflowExecutionStartedEventAttributes ??
      event.childWorkflowExecutionCompletedEventAttributes ??
      event.childWorkflowExecutionFailedEventAttributes ??
      event.childWorkflowExecutionTimedOutEventAttributes ??
      event.childWorkflowExecutionCanceledEventAttributes ??
      event.childWorkflowExecutionTerminatedEventAttributes;
    if (!child) return;
    entry.workflowType = child.workflowType?.name ?? undefined;
    entry.childWorkflowId = child.workflowExecution?.workflowId ?? undefined;
    if (event.childWorkflowExecutionCompletedEventAttributes) entry.outcome = 'completed';
    if (event.childWorkflowExecutionTimedOutEventAttributes) entry.outcome = 'timed_out';
    if (event.childWorkflowExecutionCanceledEventAttributes) entry.outcome = 'canceled';
    if (event.childWorkflowExecutionTerminatedEventAttributes) entry.outcome = 'terminated';
    if (event.childWorkflowExecutionFailedEventAttributes) {
      entry.outcome = 'failed';
      entry.failure = await this.failure(event.childWorkflowExecutionFailedEventAttributes.failure);
    }
  }

  /** Decodes payloads through the client's data converter, noting every token they hold. */
  private async decode(payloads: Payload[] | null | undefined): Promise<unknown[]> {
    if (!payloads || payloads.length === 0) return [];
    const values = await decodeArrayFromPayloads(this.converter, payloads);
    for (const value of values) collectSecrets(value, this.secrets);
    return values;
  }

  /** A payload the server or the SDK core wrote unencrypted, read with the payload converter alone. */
  private plain(payload: Payload | null | undefined): unknown {
    if (!payload) return undefined;
    try {
      return this.converter.payloadConverter.fromPayload(payload);
    } catch {
      return undefined;
    }
  }

  private async failure(failure: ProtoFailure | null | undefined): Promise<FailureSummary | undefined> {
    const error = await decodeOptionalFailureToOptionalError(this.converter, failure);
    return error ? summarise(error, this.secrets) : undefined;
  }
}

/** A decoded failure reduced to what the timeline keeps; three causes deep at most. */
function summarise(error: Error, secrets: Set<string>, depth = 0): FailureSummary {
  const failure = error as Error & { type?: unknown; nonRetryable?: unknown; details?: unknown };
  const summary: FailureSummary = { kind: error.name, message: error.message };
  if (typeof failure.type === 'string') summary.type = failure.type;
  if (typeof failure.nonRetryable === 'boolean') summary.nonRetryable = failure.nonRetryable;
  const [detail] = Array.isArray(failure.details) ? (failure.details as unknown[]) : [];
  collectSecrets(detail, secrets);
  const { code, requestId } = (detail ?? {}) as { code?: unknown; requestId?: unknown };
  if (typeof code === 'string') summary.faceIdCode = code;
  if (typeof requestId === 'string' && REQUEST_ID.test(requestId)) summary.requestId = requestId;
  if (error.cause instanceof Error && depth < 3) summary.cause = summarise(error.cause, secrets, depth + 1);
  return summary;
}

/** The RequestIds a FaceID activity's result names (`requestId` or `requestIds`). */
function requestIdsOf(result: unknown): string[] {
  if (!result || typeof result !== 'object') return [];
  const { requestId, requestIds } = result as { requestId?: unknown; requestIds?: unknown };
  const ids = [requestId, ...(Array.isArray(requestIds) ? (requestIds as unknown[]) : [])];
  return ids.filter((id): id is string => typeof id === 'string' && REQUEST_ID.test(id));
}

/** The reviewer, decision and reason code of a review, claim or release update's argument; never its note. */
function reviewOf(argument: unknown): TimelineEvent['review'] {
  if (!argument || typeof argument !== 'object') return undefined;
  const picked = Object.fromEntries(
    (['reviewer', 'decision', 'reasonCode'] as const)
      .map((key) => [key, (argument as Record<string, unknown>)[key]] as const)
      .filter(([, value]) => typeof value === 'string'),
  ) as TimelineEvent['review'];
  return picked && Object.keys(picked).length > 0 ? picked : undefined;
}

function journeyOutcome(result: unknown): TimelineEvent['journey'] {
  const { outcome, reasons } = (result ?? {}) as { outcome?: unknown; reasons?: unknown };
  return {
    ...(typeof outcome === 'string' ? { outcome } : {}),
    ...(Array.isArray(reasons)
      ? { reasons: reasons.filter((reason): reason is string => typeof reason === 'string') }
      : {}),
  };
}

function collectSecrets(value: unknown, found: Set<string>, depth = 0): void {
  if (!value || typeof value !== 'object' || depth > 8) return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    // Short values are ids or enums, not bearer tokens; replacing them would blank out unrelated fields.
    if (SECRET_KEYS.test(key) && typeof child === 'string' && child.length >= 8) found.add(child);
    else collectSecrets(child, found, depth + 1);
  }
}

/** `value` with every occurrence of a secret replaced, wherever a message or a value may have quoted it. */
function redact(value: unknown, secrets: Set<string>): unknown {
  if (secrets.size === 0) return value;
  if (typeof value === 'string') {
    let text = value;
    for (const secret of secrets) text = text.split(secret).join('[redacted]');
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, redact(child, secrets)]));
  }
  return value;
}
