import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';

/** Told the epoch milliseconds at which a FaceID request left this process and at which its answer began to arrive. */
export interface RoundTripListener {
  left(atMs: number): void;
  answered(atMs: number): void;
}

/** The SDK's own trace header: it sends one on every request and keeps a value it is given. */
export const TRACE_HEADER = 'X-TC-TraceId';

const TRACE_LINE = /^x-tc-traceid: *([^\r\n]+)\r?$/im;

const waiting = new Map<string, RoundTripListener>();
/** Requests that left, until their answer's headers arrive (undici's own request objects, so nothing leaks). */
const inFlight = new WeakMap<object, RoundTripListener>();
let subscribed = false;

/**
 * Watches the request carrying a fresh trace id, and returns that id for the request's headers. The SDK signs and the
 * transport queues behind a chain of promises; undici publishes `undici:client:sendHeaders` as it writes the request's
 * headers to the socket, which is the closest this process gets to when FaceID sees the call, and
 * `undici:request:headers` when the answer's headers are in, which bounds how long the way there can have taken.
 */
export function watchRoundTrip(listener: RoundTripListener): { traceId: string; forget: () => void } {
  if (!subscribed) {
    subscribed = true;
    subscribe('undici:client:sendHeaders', (message) => {
      if (waiting.size === 0) return;
      // The raw header block, `name: value\r\n` lines as written.
      const { headers, request } = message as { headers: string; request: object };
      const header = TRACE_LINE.exec(headers)?.[1];
      if (header === undefined) return;
      const notify = waiting.get(header);
      if (!notify) return;
      waiting.delete(header);
      inFlight.set(request, notify);
      notify.left(Date.now());
    });
    subscribe('undici:request:headers', (message) => {
      const { request } = message as { request: object };
      const notify = inFlight.get(request);
      if (!notify) return;
      inFlight.delete(request);
      notify.answered(Date.now());
    });
  }
  const traceId = randomUUID();
  waiting.set(traceId, listener);
  return { traceId, forget: () => waiting.delete(traceId) };
}
