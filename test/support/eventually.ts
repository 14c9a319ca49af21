import { setTimeout as sleep } from 'node:timers/promises';

/** How {@link eventually} waits, and what it names when it gives up. */
export interface EventuallyOptions {
  /** What is awaited, in words, for the failure message ("journey x in review"). */
  what: string;
  /** The deadline, from the first attempt; an attempt still running then is abandoned. */
  timeoutMs?: number;
  /** The pause between two attempts. */
  intervalMs?: number;
}

/**
 * Retries `check` until it returns without throwing, and resolves with its value: the one way a test waits for an
 * effect that Temporal cannot signal (visibility, a store, a log line, another process). Past the deadline it fails
 * with what was awaited and the last attempt's error.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions): Promise<T> {
  const { what, timeoutMs = 15_000, intervalMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const left = deadline - Date.now();
    const timeout = new AbortController();
    try {
      // An attempt that hangs must not hold the test past the deadline.
      return await Promise.race([
        Promise.resolve().then(check),
        sleep(Math.max(0, left), undefined, { signal: timeout.signal }).then(() => {
          throw new Error(`the last attempt was still running after ${timeoutMs} ms`);
        }),
      ]);
    } catch (error) {
      lastError = error;
    } finally {
      timeout.abort();
    }
    if (Date.now() + intervalMs > deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${reason}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}
