import type { ReceivedWebhook } from '../../lib/webhook-receiver';

/** A journey's outcome as its `journey.completed` webhook reported it. */
export interface Outcome {
  outcome: string;
  /** `performance.now()` when the webhook arrived. */
  atMs: number;
}

/**
 * Outcomes by journey id, fed by the webhook receiver; the load waits on one journey's outcome without polling. The
 * first delivery counts (a retried delivery repeats the same event).
 */
export class OutcomeBook {
  private readonly outcomes = new Map<string, Outcome>();
  private readonly waiters = new Map<string, (outcome: Outcome) => void>();

  /** Records a delivery; `journey.in_review` events are not outcomes. */
  deliver(delivery: ReceivedWebhook): void {
    const { event } = delivery;
    if (event.type !== 'journey.completed' || this.outcomes.has(event.journeyId)) return;
    const outcome = { outcome: event.outcome ?? 'unknown', atMs: delivery.receivedAtMs };
    this.outcomes.set(event.journeyId, outcome);
    this.waiters.get(event.journeyId)?.(outcome);
    this.waiters.delete(event.journeyId);
  }

  /** Resolves with the journey's outcome, or with undefined once `timeoutMs` passed or `signal` aborted. */
  wait(journeyId: string, timeoutMs: number, signal: AbortSignal): Promise<Outcome | undefined> {
    const known = this.outcomes.get(journeyId);
    if (known) return Promise.resolve(known);
    if (signal.aborted || timeoutMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const done = (outcome: Outcome | undefined) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiters.delete(journeyId);
        resolve(outcome);
      };
      const onAbort = () => done(undefined);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      signal.addEventListener('abort', onAbort);
      this.waiters.set(journeyId, done);
    });
  }

  /** How many journeys have reported an outcome. */
  get size(): number {
    return this.outcomes.size;
  }
}
