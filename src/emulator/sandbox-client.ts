import type { CardScenario } from './cards';
import type { CompletionBody } from './completion';
import type { FaultKind } from './faults';
import type { Scenario } from './scenarios';

/** Body of `POST /sandbox/sessions/{token}/complete`. */
export interface CompleteOptions {
  similarity?: number;
  deviceRiskLevel?: '1' | '2' | '3' | '4';
  attempts?: number;
}

/** Body of `POST /sandbox/faults`. */
export interface FaultSpec {
  action: string;
  fault: FaultKind;
  count?: number;
  rate?: number;
  latencyMs?: number;
  status?: number;
  /** The Tencent error code of an `error_code` fault. */
  code?: string;
  /** Downloads of each file a `corrupt_media` / `truncated_media` fault spoils (default every one). */
  downloads?: number;
  /** Size of the videos an `oversize_media` fault hands out. */
  bytes?: number;
}

/** One action's line in `GET /sandbox/stats`. */
export interface ActionStats {
  calls: number;
  peakPerSecond: number;
  rateLimited: number;
}

/** A `/sandbox/*` call that did not answer 2xx. */
class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxControlError';
  }
}

/** The part of `fetch` the client uses; an https emulator with its own CA needs one that trusts that CA. */
export type ControlFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string | undefined },
) => Promise<{ ok: boolean; status: number; statusText: string; json(): Promise<unknown> }>;

/** Typed access to an emulator's `/sandbox/*` controls, for tests and scripts. */
export class SandboxClient {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
    private readonly fetchControl: ControlFetch = fetch,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.fetchControl(`${this.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.adminToken}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new SandboxControlError(response.status, payload.error ?? response.statusText);
    return payload;
  }

  /** Plays the end user of a token with a scenario (`abandon` starts without finishing). */
  complete(token: string, scenario: Scenario, options: CompleteOptions = {}): Promise<Record<string, unknown>> {
    return this.call('POST', `/sandbox/sessions/${encodeURIComponent(token)}/complete`, { scenario, ...options });
  }

  /** Plays the end user with a full completion body: a scenario or a result code, detail codes, OCR, `Extra`. */
  completeWith(token: string, body: CompletionBody): Promise<Record<string, unknown>> {
    return this.call('POST', `/sandbox/sessions/${encodeURIComponent(token)}/complete`, body);
  }

  /** The lifecycle state of a token (session or card verification). */
  session(token: string): Promise<Record<string, unknown>> {
    return this.call('GET', `/sandbox/sessions/${encodeURIComponent(token)}`);
  }

  /** Registers the document-check outcome for a front image, by the MD5 of its decoded bytes. */
  registerCard(imageMd5: string, scenario: CardScenario, processingPolls?: number): Promise<Record<string, unknown>> {
    return this.call('POST', '/sandbox/cards', { imageMd5, scenario, processingPolls });
  }

  /** Injects a fault; returns the stored rule. */
  injectFault(spec: FaultSpec): Promise<{ fault: FaultSpec & { id: string } }> {
    return this.call('POST', '/sandbox/faults', spec);
  }

  /** The active rules, with how often each fired (a counted rule is gone once used up). */
  faults(): Promise<{ faults: Array<FaultSpec & { id: string; fired: number }> }> {
    return this.call('GET', '/sandbox/faults');
  }

  /** Removes every injected fault. */
  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/sandbox/faults');
  }

  /** Moves the emulator clock forward. */
  advanceClock(seconds: number): Promise<{ offsetSeconds: number; now: string }> {
    return this.call('POST', '/sandbox/clock', { advanceSeconds: seconds });
  }

  /** Calls per action and the peak in any one-second window. */
  stats(): Promise<{
    actions: Record<string, ActionStats>;
    media: Record<string, number>;
    /** Liveness sessions (tokens) issued since the last reset. */
    sessions: { issued: number };
    clock: { offsetSeconds: number };
    /** API calls and media downloads per client address. */
    peers: { api: Record<string, number>; media: Record<string, number> };
  }> {
    return this.call('GET', '/sandbox/stats');
  }

  /** Clears every session, card, fault, counter and the clock offset. */
  reset(): Promise<unknown> {
    return this.call('POST', '/sandbox/reset');
  }
}
