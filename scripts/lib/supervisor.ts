import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One long-running process of the stack. */
export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Resolves once the child serves; the supervisor starts the next child only then. */
  ready?: () => Promise<void>;
  /** Alternatively, the child is ready once it prints a line matching this. */
  readyLine?: RegExp;
  /** Or once it sends `{ type: readyMessage }` over an IPC channel opened for it (independent of its log level). */
  readyMessage?: string;
  /** Where each output line goes (default: this process' stdout, prefixed with the child's name). */
  output?: (line: string) => void;
  /** The signal that asks the child to stop (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
  /**
   * Once ready, a child that exits on its own is started again (after a second), as a service manager would, instead of
   * stopping the stack; more than {@link MAX_RESTARTS} restarts within a minute stop it after all.
   */
  restart?: boolean;
}

/** Starts of a replaced child's successor before {@link Supervisor.replace} gives up. */
const REPLACE_ATTEMPTS = 3;

/** Restarts of one child within a minute before the supervisor gives up on it. */
const MAX_RESTARTS = 5;

interface Running {
  spec: ChildSpec;
  process: ChildProcess;
  exited: Promise<number | null>;
  /** Stopped on purpose by {@link Supervisor.replace}: its exit is expected. */
  replaced?: boolean;
}

/** How {@link Supervisor.replace} stops a child and starts its successor. */
export interface ReplaceOptions {
  /** SIGKILL for a crash, SIGTERM for a graceful stop. */
  signal: NodeJS.Signals;
  /** Changes to the child's environment (e.g. a rotated key ring). */
  env?: NodeJS.ProcessEnv;
  /** How long the child stays down before its successor starts. */
  downMs?: number;
  /** SIGKILL after this long if the signal did not stop it (default 15 s). */
  graceMs?: number;
}

/**
 * Starts children in order and stops them in reverse order. Each child runs in its own process group, so a
 * terminal's Ctrl-C reaches only the supervisor, which then stops the stack in a known order and leaves nothing behind.
 */
export class Supervisor {
  private readonly running: Running[] = [];
  private stopping: Promise<void> | undefined;

  /**
   * `onUnexpectedExit` hears of a child that exited when nobody asked it to and is not started again; `onRestart` of
   * one that is (a `restart` child), before its successor starts.
   */
  constructor(
    private readonly onUnexpectedExit: (name: string, code: number | null) => void,
    private readonly onRestart: (name: string, code: number | null) => void = () => undefined,
  ) {}

  /** Spawns a child, prefixes its output with its name, and waits for its readiness check. */
  async start(spec: ChildSpec): Promise<void> {
    const { entry, announced } = this.spawn(spec);
    this.running.push(entry);
    await this.untilReady(entry, announced);
  }

  /**
   * Stops the child named as {@link pids} names it (`worker`, `worker#2`) with a signal and starts it again from its
   * spec, at the same place in the stopping order, waiting until it is ready: a crash and restart, a deployment, a
   * configuration change.
   */
  async replace(name: string, options: ReplaceOptions): Promise<void> {
    const index = this.indexOf(name);
    const old = this.running[index] as Running;
    old.replaced = true;
    signalGroup(old.process, options.signal);
    const timer = setTimeout(() => signalGroup(old.process, 'SIGKILL'), options.graceMs ?? 15_000);
    await old.exited;
    clearTimeout(timer);
    signalGroup(old.process, 'SIGKILL');
    if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
    const spec = options.env ? { ...old.spec, env: { ...old.spec.env, ...options.env } } : old.spec;
    // As a service manager would: a successor that dies before it is ready (a port not yet released) gets another go.
    for (let attempt = 1; ; attempt += 1) {
      const { entry, announced } = this.spawn(spec);
      this.running[index] = entry;
      try {
        await this.untilReady(entry, announced);
        return;
      } catch (error) {
        const died = entry.process.exitCode !== null || entry.process.signalCode !== null;
        if (attempt >= REPLACE_ATTEMPTS || !died) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  private indexOf(name: string): number {
    const pid = this.pids()[name];
    const index = this.running.findIndex((entry) => entry.process.pid === pid);
    if (pid === undefined || index < 0) throw new Error(`no running child named ${name}`);
    return index;
  }

  private async untilReady(entry: Running, announced: Promise<void>): Promise<void> {
    const { spec } = entry;
    const ready = spec.ready ?? (spec.readyLine || spec.readyMessage ? () => announced : undefined);
    if (ready) {
      await Promise.race([
        ready(),
        entry.exited.then((code) => {
          throw new Error(`${spec.name} exited with ${code} before it was ready`);
        }),
      ]);
    }
    this.watch(entry);
  }

  /** After start-up: an exit nobody asked for either stops the stack or, for a restartable child, starts it again. */
  private watch(entry: Running, restarts: number[] = []): void {
    void entry.exited.then(async (code) => {
      if (this.stopping || entry.replaced) return;
      const now = Date.now();
      const recent = [...restarts.filter((at) => now - at < 60_000), now];
      if (!entry.spec.restart || recent.length > MAX_RESTARTS) {
        this.onUnexpectedExit(entry.spec.name, code);
        return;
      }
      process.stderr.write(`[${entry.spec.name}] exited (${code ?? 'signal'}); starting it again\n`);
      this.onRestart(entry.spec.name, code);
      signalGroup(entry.process, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (this.stopping) return;
      const { entry: next } = this.spawn(entry.spec);
      // Same place in the list, so the stack still stops in its order.
      this.running[this.running.indexOf(entry)] = next;
      this.watch(next, recent);
    });
  }

  private spawn(spec: ChildSpec): { entry: Running; announced: Promise<void> } {
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      stdio: spec.readyMessage ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.once('error', (error) => {
      process.stderr.write(`[${spec.name}] failed to start: ${error.message}\n`);
    });
    let announceReady: () => void = () => undefined;
    const announced = new Promise<void>((resolve) => (announceReady = resolve));
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      const lines = createInterface({ input: stream });
      lines.on('line', (line) => {
        if (spec.output) spec.output(line);
        else process.stdout.write(`[${spec.name}] ${line}\n`);
        if (spec.readyLine?.test(line)) announceReady();
      });
    }
    if (spec.readyMessage) {
      child.on('message', (message: { type?: unknown } | null) => {
        if (message?.type !== spec.readyMessage) return;
        announceReady();
        // Nothing else travels on the channel; closing it leaves the child's lifetime to its own work.
        child.disconnect();
      });
    }
    return { entry: { spec, process: child, exited }, announced };
  }

  /** Process ids of the running children by name (a name started twice gets `name`, `name#2`, …), e.g. for /proc. */
  pids(): Record<string, number> {
    const pids: Record<string, number> = {};
    for (const entry of this.running) {
      if (entry.process.pid === undefined) continue;
      let key = entry.spec.name;
      for (let n = 2; key in pids; n += 1) key = `${entry.spec.name}#${n}`;
      pids[key] = entry.process.pid;
    }
    return pids;
  }

  /**
   * SIGKILLs every child's process group at once, synchronously: the last resort from an `exit` handler, where no
   * asynchronous {@link stop} can run any more.
   */
  killNow(): void {
    for (const entry of this.running) signalGroup(entry.process, 'SIGKILL');
  }

  /** Stops every child, newest first: its stop signal to its process group, SIGKILL after the grace period. */
  stop(graceMs = 15_000): Promise<void> {
    this.stopping ??= (async () => {
      for (const entry of [...this.running].reverse()) {
        if (entry.process.exitCode !== null || entry.process.signalCode !== null) continue;
        signalGroup(entry.process, entry.spec.stopSignal ?? 'SIGTERM');
        const timer = setTimeout(() => signalGroup(entry.process, 'SIGKILL'), graceMs);
        await entry.exited;
        clearTimeout(timer);
        // The group may still hold grandchildren (e.g. a runner's own child): make sure none survive.
        signalGroup(entry.process, 'SIGKILL');
      }
    })();
    return this.stopping;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** An `output` that appends a child's lines to a log file (for servers whose own logging would drown the terminal). */
export function logToFile(path: string): (line: string) => void {
  const stream = createWriteStream(path, { flags: 'a' });
  return (line) => stream.write(`${line}\n`);
}
