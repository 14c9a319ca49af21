import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks the FaceID calls a local activity makes, so the pacer can tell them from the calls of tasks its queues' slot
 * suppliers hold. The FaceID client's `beforeSend` only learns the action; the mark travels with the async context.
 */
const localCalls = new AsyncLocalStorage<true>();

/** Runs `call` with every FaceID call in it marked as a local activity's. */
export function runAsLocalCall<T>(call: () => Promise<T>): Promise<T> {
  return localCalls.run(true, call);
}

/** Whether the current async context is inside {@link runAsLocalCall}. */
export function isLocalCall(): boolean {
  return localCalls.getStore() === true;
}
