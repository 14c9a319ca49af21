import { SANDBOX_ADMIN_TOKEN } from '../../src/emulator/defaults';

/** The emulator's /sandbox controls over real HTTP, as a test (or a curl user) drives them. */
export class SandboxControls {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken = SANDBOX_ADMIN_TOKEN,
  ) {}

  /** Plays the end user: finishes the session of `token` with a scenario. */
  complete(token: string, scenario: string, extra: Record<string, unknown> = {}): Promise<unknown> {
    return this.send('POST', `/sandbox/sessions/${encodeURIComponent(token)}/complete`, { scenario, ...extra });
  }

  /** Registers the outcome of the document check for a card whose front image has this MD5. */
  registerCard(imageMd5: string, scenario: string, processingPolls = 1): Promise<unknown> {
    return this.send('POST', '/sandbox/cards', { imageMd5, scenario, processingPolls });
  }

  /** Injects a fault for one action. */
  fault(spec: Record<string, unknown>): Promise<unknown> {
    return this.send('POST', '/sandbox/faults', spec);
  }

  clearFaults(): Promise<unknown> {
    return this.send('DELETE', '/sandbox/faults');
  }

  advanceClock(seconds: number): Promise<unknown> {
    return this.send('POST', '/sandbox/clock', { advanceSeconds: seconds });
  }

  stats(): Promise<{ actions: Record<string, { calls: number; peakPerSecond: number }> } & Record<string, unknown>> {
    return this.send('GET', '/sandbox/stats') as never;
  }

  private async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}
