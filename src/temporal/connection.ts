import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, type AppConfig } from '../config';

/** Where and how to reach Temporal: an external cluster or Cloud, or the embedded dev server. */
export interface TemporalTarget {
  connection: NativeConnectionOptions & { address: string };
  namespace: string;
  embedded: boolean;
}

/**
 * Resolves the Temporal target once per process. With `TEMPORAL_ADDRESS` or `TEMPORAL_PROFILE` set, Temporal's
 * standard environment configuration (the `temporal.toml` profile, `TEMPORAL_API_KEY`, `TEMPORAL_TLS_*`) supplies
 * the address, namespace, TLS and credentials, the variables taking precedence over the profile; with neither, the
 * embedded dev server on loopback.
 */
export function resolveTemporalTarget(cfg: AppConfig, env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const profile = env.TEMPORAL_PROFILE?.trim();
  if (!cfg.temporal.address && !profile) {
    return {
      connection: { address: `127.0.0.1:${cfg.temporal.devServerPort}` },
      namespace: cfg.temporal.namespace,
      embedded: true,
    };
  }
  let standard;
  try {
    standard = loadClientConnectConfig({
      ...(profile ? { profile } : {}),
      overrideEnvVars: env as Record<string, string>,
    });
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE: ${(error as Error).message}`,
    );
  }
  const address = cfg.temporal.address ?? standard.connectionOptions.address;
  if (!address) {
    throw new ConfigError(
      `Invalid configuration:\n  TEMPORAL_PROFILE: profile "${profile}" sets no address; set one there or TEMPORAL_ADDRESS`,
    );
  }
  return {
    connection: { ...standard.connectionOptions, address },
    // An explicit TEMPORAL_NAMESPACE wins; otherwise the profile's, then the default.
    namespace: env.TEMPORAL_NAMESPACE?.trim() ? cfg.temporal.namespace : (standard.namespace ?? cfg.temporal.namespace),
    embedded: false,
  };
}
