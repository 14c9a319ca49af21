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
  'slow_media',
  'truncated_media',
  'oversize_media',
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
  /**
   * How many downloads of each file a `corrupt_media` or `truncated_media` fault spoils (default: every one, a file
   * broken at its source; 1 is a fault in transit that a second download gets past).
   */
  readonly downloads?: number;
  /** Size in bytes of the video an `oversize_media` fault hands out. */
  readonly bytes?: number;
  fired: number;
}

/** What the media a call hands out suffer from (see `MediaStore.publish`). */
export interface MediaFaults {
  /** Downloads of each file that get one flipped byte (0: none). */
  corruptDownloads: number;
  /** Downloads of each file that break off halfway (0: none). */
  truncatedDownloads: number;
  /** The URLs are already expired. */
  expired: boolean;
  /** Each download's bytes are spread over this many milliseconds (0: at full speed). */
  slowMs: number;
  /** The videos are this many bytes instead (0: their normal size). */
  oversizeBytes: number;
}

/** What the faults drawn for one call ask the pipeline to do. */
export interface DrawnFaults {
  latencyMs: number;
  /** The fault that replaces the normal answer, if any (the first matching one wins). */
  terminal?: FaultRule;
  media: MediaFaults;
}

/** Media without faults. */
export const NO_MEDIA_FAULTS: MediaFaults = {
  corruptDownloads: 0,
  truncatedDownloads: 0,
  expired: false,
  slowMs: 0,
  oversizeBytes: 0,
};

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
    const drawn: DrawnFaults = { latencyMs: 0, media: { ...NO_MEDIA_FAULTS } };
    if (this.rules.length === 0) return drawn;
    for (const rule of this.rules) {
      if (rule.action !== '*' && rule.action !== action) continue;
      const due = rule.remaining === undefined ? this.random() < (rule.rate ?? 0) : rule.remaining > 0;
      // A terminal fault replaces the answer, so a second one would fire without effect: leave it for the next call.
      if (!due || (TERMINAL.has(rule.fault) && drawn.terminal)) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      rule.fired += 1;
      const spoiled = rule.downloads ?? Number.POSITIVE_INFINITY;
      if (rule.fault === 'latency') drawn.latencyMs += rule.latencyMs ?? 0;
      else if (rule.fault === 'corrupt_media') drawn.media.corruptDownloads = spoiled;
      else if (rule.fault === 'truncated_media') drawn.media.truncatedDownloads = spoiled;
      else if (rule.fault === 'expired_media') drawn.media.expired = true;
      else if (rule.fault === 'slow_media') drawn.media.slowMs = rule.latencyMs ?? 0;
      else if (rule.fault === 'oversize_media') drawn.media.oversizeBytes = rule.bytes ?? 0;
      else drawn.terminal = rule;
    }
    this.rules = this.rules.filter((rule) => rule.remaining === undefined || rule.remaining > 0);
    return drawn;
  }
}
