import { resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { emulatorConfig } from '../../src/config/emulator';
import { gatewayConfig } from '../../src/config/gateway';
import { workerConfig } from '../../src/config/worker';
import {
  devServerArgs,
  registerMissingSearchAttributes,
  TEMPORAL_CLI_PATH,
  type DevServerSettings,
} from '../../src/temporal/dev-server';
import { Supervisor, type ChildSpec } from './supervisor';
import { waitForTemporal } from './wait';

/** The configuration of each process a stack runs, read from `env` as each process will read it. */
export function stackConfig(env: NodeJS.ProcessEnv = process.env) {
  return { gateway: gatewayConfig(env), worker: workerConfig(env), emulator: emulatorConfig(env) };
}

/** One of the service's own processes (`src/...` entry point) as a child, run through tsx like `npm run worker`. */
export function serviceChild(entry: string, name: string, env?: NodeJS.ProcessEnv): ChildSpec {
  return {
    name,
    command: process.execPath,
    args: ['--import', 'tsx', resolve(__dirname, '..', '..', entry)],
    ...(env ? { env } : {}),
  };
}

/**
 * The embedded Temporal dev server as a child, ready once it answers at `address`. Its UI decodes payloads through
 * the gateway's codec endpoint (docs/operations.md, "Reading journeys in the UI").
 */
export function devServerChild(
  temporal: DevServerSettings,
  dataDir: string,
  address: string,
  gatewayPublicUrl: string,
): ChildSpec {
  return {
    name: 'temporal',
    command: TEMPORAL_CLI_PATH,
    args: devServerArgs(temporal, dataDir, { codecEndpoint: `${gatewayPublicUrl}/codec` }),
    ready: async () => {
      await waitForTemporal(address);
      const connection = await Connection.connect({ address });
      try {
        const added = await registerMissingSearchAttributes(connection, temporal.namespace);
        if (added.length > 0)
          process.stdout.write(`Registered search attributes ${added.join(', ')} on the dev server\n`);
      } finally {
        await connection.close();
      }
    },
  };
}

/**
 * Runs `start` with a supervisor, and stops every child (newest first) on Ctrl-C, SIGTERM, a child's unexpected exit
 * or a failed start, exiting 0 only for a requested stop. A `start` that resolves with an exit code has done its
 * work: the stack stops and the process exits with that code.
 */
export function runStack(start: (supervisor: Supervisor) => Promise<number | void>): void {
  let exitCode = 0;
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    // Ctrl-C reaches this process both from the terminal and from npm, which forwards it: stop once, ignore repeats.
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping ekyc-journeys…\n');
    await supervisor.stop();
    process.exit(exitCode);
  };
  const supervisor = new Supervisor((name, code) => {
    process.stderr.write(`\n${name} stopped unexpectedly (exit ${code}); stopping the stack.\n`);
    exitCode = 1;
    void shutdown();
  });
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  start(supervisor).then(
    (code) => {
      if (typeof code !== 'number') return;
      exitCode = code;
      void shutdown();
    },
    (error: unknown) => {
      process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
      exitCode = 1;
      void shutdown();
    },
  );
}
