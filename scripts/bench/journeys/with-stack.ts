import { startStack, type Stack, type StackOptions } from './stack';

const active = new Set<Stack>();
let handlersInstalled = false;

/** Ctrl-C or SIGTERM during a run: stop the stacks (their children live in their own process groups), then exit. */
function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const stopAll = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the bench's processes…\n`);
    void Promise.allSettled([...active].map((stack) => stack.stop())).then(() => process.exit(130));
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
}

/**
 * Runs one section on a fresh stack and always tears it down; a child that dies mid-run fails the section at once
 * (with the children's last log lines) instead of leaving the load to time out.
 */
export async function withStack<T>(options: StackOptions, body: (stack: Stack) => Promise<T>): Promise<T> {
  installSignalHandlers();
  const stack = await startStack(options);
  active.add(stack);
  try {
    return await Promise.race([body(stack), stack.crashed]);
  } catch (error) {
    process.stderr.write(`section failed; last lines of the stack's processes:\n${stack.logTail(40)}\n`);
    throw error;
  } finally {
    await stack.stop();
    active.delete(stack);
  }
}

/** Progress on stderr, so stdout stays the section text and the final JSON line. */
export function progress(message: string): void {
  process.stderr.write(`[journeys] ${message}\n`);
}
