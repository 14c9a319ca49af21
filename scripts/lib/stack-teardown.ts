import { rmSync, type WriteStream } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { Agent } from 'undici';
import type { Supervisor } from './supervisor';

/** What a harness's stack holds open from its start until it stops. */
export interface StackParts {
  aborter: AbortController;
  supervisor: Supervisor;
  http: Agent;
  log: WriteStream;
  killOnExit: () => void;
  dataDir: string;
}

/**
 * Stops a harness's stack once, whoever asks first: aborts its load, closes its Temporal client, stops the supervised
 * processes, the webhook receiver and the HTTP pool, and removes the temporary data folder.
 */
export function stackTeardown(
  parts: StackParts,
  /** What the start opens on its way, so still missing when it fails early. */
  opened: () => { client?: Client | undefined; receiver?: { close(): Promise<void> } | undefined },
): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= (async () => {
      parts.aborter.abort();
      await opened()
        .client?.connection.close()
        .catch(() => undefined);
      await parts.supervisor.stop(10_000);
      await opened().receiver?.close();
      await parts.http.close().catch(() => undefined);
      parts.log.end();
      process.off('exit', parts.killOnExit);
      rmSync(parts.dataDir, { recursive: true, force: true });
    })());
}
