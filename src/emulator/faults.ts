import { randomUUID } from 'node:crypto';

/** Faults `/sandbox/faults` can inject into an action. */
export const FAULT_KINDS = [
  'InternalError',
  'RequestLimitExceeded',
  'latency',
  'connection_reset',
  'malformed_json',
  'http_5xx',
  'corrupt_media',
  'expired_media',
  'error_code',
] as const;

/**
 * Business errors `error_code` faults answer with (reference §5 and the per-action lists), each with Tencent's
 * message: account states, denials, quotas and unknown failures that cannot be produced otherwise.
 */
export const INJECTABLE_ERROR_CODES: Readonly<Record<string, string>> = {
  OperationDenied: 'Operation denied.',
  UnauthorizedOperation: 'Unauthorized operation.',
  'UnauthorizedOperation.Arrears': 'The account is in arrears.',
  'UnauthorizedOperation.Nonactivated': 'The service has not been activated.',
  'UnauthorizedOperation.ActivateError': 'Service activation failed.',
  'UnauthorizedOperation.Activating': 'The service is being activated.',
  ResourceUnavailable: 'The resource is unavailable.',
  'ResourceUnavailable.InArrears': 'The account is in arrears.',
  'ResourceUnavailable.ResourcePackageRunOut': 'The resource package has run out.',
  'FailedOperation.UnKnowError': 'Unknown error.',
  'FailedOperation.UnOpenError': 'The service has not been activated.',
  'InvalidParameterValue.RuleIdNotExist': 'The RuleId does not exist.',
  LimitExceeded: 'Quota exceeded.',
  'InternalError.UnKnown': 'Unknown internal error.',
};

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** An injected fault: fires for the next `count` matching calls, or for each call with probability `rate`. */
export interface FaultRule {
  readonly id: string;
  /** An action name, or `*` for every action. */
  readonly action: string;
  readonly fault: FaultKind;
  remaining?: number;
  readonly rate?: number;
  readonly latencyMs?: number;
  /** HTTP status for `http_5xx` (default 502). */
  readonly status?: number;
  /** Tencent error code for `error_code` (one of {@link INJECTABLE_ERROR_CODES}). */
  readonly code?: string;
  fired: number;
}

/** What the faults drawn for one call ask the pipeline to do. */
export interface DrawnFaults {
  latencyMs: number;
  /** The fault that replaces the normal answer, if any (the first matching one wins). */
  terminal?: FaultRule;
  corruptMedia: boolean;
  expiredMedia: boolean;
}

const TERMINAL: ReadonlySet<FaultKind> = new Set([
  'InternalError',
  'RequestLimitExceeded',
  'connection_reset',
  'malformed_json',
  'http_5xx',
  'error_code',
]);

/** Holds the injected faults and decides, call by call, which fire. */
export class FaultInjector {
  private rules: FaultRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  /** Adds a rule and returns it (with its id). */
  add(rule: Omit<FaultRule, 'id' | 'fired'>): FaultRule {
    const stored: FaultRule = { ...rule, id: randomUUID(), fired: 0 };
    this.rules.push(stored);
    return stored;
  }

  /** The active rules. */
  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** Draws the faults for one call of `action`, consuming counted rules that fire. */
  draw(action: string): DrawnFaults {
    const drawn: DrawnFaults = { latencyMs: 0, corruptMedia: false, expiredMedia: false };
    if (this.rules.length === 0) return drawn;
    for (const rule of this.rules) {
      if (rule.action !== '*' && rule.action !== action) continue;
      if (rule.remaining !== undefined) {
        if (rule.remaining <= 0) continue;
        // A terminal fault replaces the answer, so a second one would fire without effect: leave it for the next call.
        if (TERMINAL.has(rule.fault) && drawn.terminal) continue;
        rule.remaining -= 1;
      } else if (this.random() >= (rule.rate ?? 0)) {
        continue;
      } else if (TERMINAL.has(rule.fault) && drawn.terminal) {
        continue;
      }
      rule.fired += 1;
      if (rule.fault === 'latency') drawn.latencyMs += rule.latencyMs ?? 0;
      else if (rule.fault === 'corrupt_media') drawn.corruptMedia = true;
      else if (rule.fault === 'expired_media') drawn.expiredMedia = true;
      else drawn.terminal = rule;
    }
    this.rules = this.rules.filter((rule) => rule.remaining === undefined || rule.remaining > 0);
    return drawn;
  }
}
