import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';

/** Told the epoch millisecond at which a FaceID request left this process. */
export type DepartureListener = (atMs: number) => void;

/** The SDK's own trace header: it sends one on every request and keeps a value it is given. */
export const TRACE_HEADER = 'X-TC-TraceId';

const TRACE_LINE = /^x-tc-traceid: *([^\r\n]+)\r?$/im;

const waiting = new Map<string, DepartureListener>();
let subscribed = false;

/**
 * Watches for the request carrying a fresh trace id to leave, and returns that id for the request's headers. The SDK
 * signs and the transport queues behind a chain of promises; undici publishes `undici:client:sendHeaders` as it writes
 * the request's headers to the socket, which is the closest this process gets to when FaceID sees the call.
 */
export function watchDeparture(listener: DepartureListener): { traceId: string; forget: () => void } {
  if (!subscribed) {
    subscribed = true;
    subscribe('undici:client:sendHeaders', (message) => {
      if (waiting.size === 0) return;
      // The raw header block, `name: value\r\n` lines as written.
      const { headers } = message as { headers: string };
      const header = TRACE_LINE.exec(headers)?.[1];
      if (header === undefined) return;
      const notify = waiting.get(header);
      if (!notify) return;
      waiting.delete(header);
      notify(Date.now());
    });
  }
  const traceId = randomUUID();
  waiting.set(traceId, listener);
  return { traceId, forget: () => waiting.delete(traceId) };
}
