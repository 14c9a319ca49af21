import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** Told the epoch millisecond at which a FaceID request left this process. */
export type DepartureListener = (atMs: number) => void;

/** The SDK's own trace header: it sends one on every request and keeps a value it is given. */
export const TRACE_HEADER = 'X-TC-TraceId';

const waiting = new Map<string, DepartureListener>();
let subscribed = false;

/**
 * Watches for the request carrying a fresh trace id to leave, and returns that id for the request's headers. The SDK
 * signs and sends behind a chain of promises; Node publishes `http.client.request.start` once the request has its
 * socket and is about to be written, which is the closest this process gets to when FaceID sees the call.
 */
export function watchDeparture(listener: DepartureListener): { traceId: string; forget: () => void } {
  if (!subscribed) {
    subscribed = true;
    subscribe('http.client.request.start', (message) => {
      const { request } = message as { request: ClientRequest };
      const header = request.getHeader(TRACE_HEADER);
      if (typeof header !== 'string') return;
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
