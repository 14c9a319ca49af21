import { ProblemError } from './problems';

/** The credentials whose failed attempts are counted apart: backends' API keys, operator keys, codec tokens. */
export type CredentialKind = 'api' | 'operator' | 'codec';

/** Failed attempts one client address may make with one kind of credential per window. */
const MAX_FAILED_LOGINS = 10;
/** The fixed window those attempts are counted in. */
const FAILED_LOGIN_WINDOW_MS = 5 * 60 * 1000;
/** Beyond this many tracked addresses, finished windows are dropped (a flood of addresses cannot grow the map). */
const SWEEP_ABOVE = 10_000;

/** 429 `too_many_attempts`: the error handler adds `Retry-After` from it. */
export class TooManyAttemptsError extends ProblemError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_attempts', `too many failed attempts from this address; retry in ${retryAfterSeconds} s`);
  }
}

interface Window {
  startedAtMs: number;
  failures: number;
}

/**
 * Counts failed credential checks per client address and kind of credential in fixed windows, in this gateway
 * process only. Once an address has failed {@link MAX_FAILED_LOGINS} times in a window, every attempt of that kind
 * from it is refused until the window ends, a correct key included: otherwise guessing would go on unhindered.
 */
export class FailedLoginLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: { maxFailures: number; windowMs: number } = {
      maxFailures: MAX_FAILED_LOGINS,
      windowMs: FAILED_LOGIN_WINDOW_MS,
    },
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws {@link TooManyAttemptsError} while `address` is over the limit for `kind`. */
  refuseIfBlocked(address: string, kind: CredentialKind): void {
    const window = this.current(`${kind} ${address}`);
    if (window && window.failures >= this.limits.maxFailures) {
      const leftMs = window.startedAtMs + this.limits.windowMs - this.now();
      throw new TooManyAttemptsError(Math.max(1, Math.ceil(leftMs / 1000)));
    }
  }

  /** Counts one failed attempt of `kind` from `address`. */
  recordFailure(address: string, kind: CredentialKind): void {
    const key = `${kind} ${address}`;
    const window = this.current(key);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= SWEEP_ABOVE) this.sweep();
    this.windows.set(key, { startedAtMs: this.now(), failures: 1 });
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && this.now() - window.startedAtMs >= this.limits.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private sweep(): void {
    for (const key of [...this.windows.keys()]) this.current(key);
  }
}
