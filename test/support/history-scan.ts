import type { temporal } from '@temporalio/proto';
import { SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../../src/faceid/sandbox-endpoint';

type History = temporal.api.history.v1.IHistory;

/** Payload bytes arrive as Uint8Array from gRPC and as Base64 text from a JSON history file. */
function bytesOf(data: unknown): Buffer | undefined {
  if (data instanceof Uint8Array) return Buffer.from(data);
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  return undefined;
}

function isPayload(record: Record<string, unknown>): boolean {
  return 'metadata' in record && 'data' in record && bytesOf(record.data) !== undefined;
}

/** Every payload in a history, wherever it sits (inputs, results, signals, updates, memo, failures, markers). */
export function payloadsOf(value: unknown, found: Buffer[] = []): Buffer[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const record = value as Record<string, unknown>;
  if (isPayload(record)) {
    found.push(bytesOf(record.data) as Buffer);
    return found;
  }
  for (const child of Object.values(record)) payloadsOf(child, found);
  return found;
}

/** The whole history as text, for scanning: payload bytes and metadata decoded, everything else as JSON. */
export function historyText(history: History): string {
  return protoText(history);
}

/** Any Temporal API message (a history, a describe response) as {@link historyText} renders a history. */
export function protoText(message: unknown): string {
  return JSON.stringify(message, function (this: unknown, _key, value: unknown) {
    if (
      value &&
      typeof value === 'object' &&
      !(value instanceof Uint8Array) &&
      isPayload(value as Record<string, unknown>)
    ) {
      const payload = value as { metadata: Record<string, unknown>; data: unknown };
      const metadata = Object.fromEntries(
        Object.entries(payload.metadata ?? {}).map(([name, bytes]) => [name, bytesOf(bytes)?.toString('utf8')]),
      );
      return { metadata, data: bytesOf(payload.data)?.toString('utf8') };
    }
    return value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;
  });
}

/** Things that must never be in a history: credentials, Base64 media, media bytes. */
export function forbiddenInHistory(text: string): string[] {
  const problems: string[] = [];
  if (text.includes(SANDBOX_SECRET_ID)) problems.push('FaceID SecretId');
  if (text.includes(SANDBOX_SECRET_KEY)) problems.push('FaceID SecretKey');
  // Media is kilobytes of Base64; ids, tokens and hashes are far shorter.
  if (/[A-Za-z0-9+/]{200,}={0,2}/.test(text)) problems.push('a long Base64 run');
  if (text.includes('/9j/') || text.includes('\u00ff\u00d8\u00ff')) problems.push('JPEG bytes');
  if (text.includes('ftypisom') || text.includes('ftypmp42')) problems.push('MP4 bytes');
  return problems;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The stages a journey showed in search attributes (`EkycStage` upserts), in order, with the event that showed each. */
export function stagesShown(events: HistoryEvent[]): { stage: string; eventIndex: number }[] {
  return events.flatMap((event, eventIndex) => {
    const data = bytesOf(
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.EkycStage?.data,
    );
    return data ? [{ stage: JSON.parse(data.toString('utf8')) as string, eventIndex }] : [];
  });
}

/** Where in the history an activity of this type was first scheduled on its queue (-1: never). */
export function firstScheduled(events: HistoryEvent[], activityType: string): number {
  return events.findIndex((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType);
}
