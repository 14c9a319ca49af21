import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { AppConfig } from '../config';

/** Where and how to reach Temporal: an external cluster or Cloud, or the embedded dev server. */
export interface TemporalTarget {
  connection: NativeConnectionOptions & { address: string };
  namespace: string;
  embedded: boolean;
}

/**
 * Resolves the Temporal target once per process: with `TEMPORAL_ADDRESS` set, Temporal's standard environment
 * configuration (profile file, `TEMPORAL_API_KEY`, `TEMPORAL_TLS_*`) supplies TLS and credentials; unset, the
 * embedded dev server on loopback.
 */
export function resolveTemporalTarget(cfg: AppConfig): TemporalTarget {
  if (!cfg.temporal.address) {
    return {
      connection: { address: `127.0.0.1:${cfg.temporal.devServerPort}` },
      namespace: cfg.temporal.namespace,
      embedded: true,
    };
  }
  const standard = loadClientConnectConfig();
  return {
    connection: { ...standard.connectionOptions, address: cfg.temporal.address },
    namespace: cfg.temporal.namespace,
    embedded: false,
  };
}
