import { resolve } from 'node:path';
import { Supervisor, type ChildSpec } from './supervisor';

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
 * Runs `start` with a supervisor, and stops every child (newest first) on Ctrl-C, SIGTERM, a child's unexpected exit
 * or a failed start, exiting 0 only for a requested stop.
 */
export function runStack(start: (supervisor: Supervisor) => Promise<void>): void {
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
  start(supervisor).catch((error: unknown) => {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
    exitCode = 1;
    void shutdown();
  });
}
