import { WORKER_READY_MESSAGE } from '../../src/workers/readiness';
import { probeHost } from '../lib/banner';
import { serviceChild } from '../lib/stack';
import type { ChildSpec, Supervisor } from '../lib/supervisor';
import { waitForHttp, waitForPort } from '../lib/wait';

/** Where the service's own processes of a cluster listen, and what reaches them all. */
export interface ServiceProcessesSettings {
  /** The cluster's Temporal address, TLS variables and archive (the `env` of the cluster's services). */
  env: NodeJS.ProcessEnv;
  /** The FaceID emulator's port in sandbox mode; none starts no emulator. */
  emulatorPort?: number;
  /** One worker per entry, with its metrics port (0 for none). */
  workerMetricsPorts: readonly number[];
  gatewayHost: string;
  /** One gateway per entry. */
  gatewayPorts: readonly number[];
  /** What the caller adds to each child (a restart policy, where its output goes). */
  child?: (spec: ChildSpec) => ChildSpec;
}

/**
 * Starts the service's own processes of a cluster, each once the one before is ready: the FaceID emulator (sandbox
 * mode), the workers (`worker-1`, `worker-2`, …) and the gateways (`gateway-1`, …), all on the same cluster and archive.
 */
export async function startServiceProcesses(supervisor: Supervisor, settings: ServiceProcessesSettings): Promise<void> {
  const child = settings.child ?? ((spec: ChildSpec) => spec);
  const { emulatorPort } = settings;
  if (emulatorPort !== undefined) {
    await supervisor.start(
      child({
        ...serviceChild('src/bin/emulator.ts', 'emulator'),
        ready: () => waitForPort('127.0.0.1', emulatorPort),
      }),
    );
  }
  for (const [index, metricsPort] of settings.workerMetricsPorts.entries()) {
    const env = { ...settings.env, METRICS_PORT: String(metricsPort) };
    await supervisor.start(
      child({ ...serviceChild('src/bin/worker.ts', `worker-${index + 1}`, env), readyMessage: WORKER_READY_MESSAGE }),
    );
  }
  for (const [index, port] of settings.gatewayPorts.entries()) {
    const env = { ...settings.env, GATEWAY_PORT: String(port) };
    await supervisor.start(
      child({
        ...serviceChild('src/bin/gateway.ts', `gateway-${index + 1}`, env),
        ready: () => waitForHttp(`http://${probeHost(settings.gatewayHost)}:${port}/healthz`),
      }),
    );
  }
}
