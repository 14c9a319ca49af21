/** The message a worker started by a supervisor (npm start, npm run cluster, the bench) sends once it polls. */
export const WORKER_READY_MESSAGE = 'ekyc:worker-ready';

/**
 * Tells the parent process, over the IPC channel it opened, that every task queue is polled: readiness that does not
 * depend on the log level. A worker started any other way has no channel and sends nothing.
 */
export function announceReady(): void {
  if (!process.send) return;
  process.send({ type: WORKER_READY_MESSAGE });
  // The channel must not keep the worker alive after it stopped working.
  process.channel?.unref();
}
