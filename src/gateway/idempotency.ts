import { createHash } from 'node:crypto';
import { ProblemError } from './problems';
import type { ArchiveIdempotencyRecords, StoredResponse } from './shared-idempotency';

export type { StoredResponse } from './shared-idempotency';

interface Answer {
  response: StoredResponse;
  /** Whether another request with the key (in any gateway) produced it. */
  replayed: boolean;
}

interface Entry {
  fingerprint: string;
  answer: Promise<Answer>;
  expiresAtMs: number;
}

/** Options of {@link IdempotencyCache}. */
export interface IdempotencyCacheOptions {
  /** Records every gateway shares; without them (tests, one gateway) a key holds in this process only. */
  shared?: ArchiveIdempotencyRecords;
  /** How long a key answers the same (default 24 h). */
  ttlMs?: number;
  /** Keys this process remembers, the oldest forgotten first (default 10,000). */
  maxEntries?: number;
  /** Told when a shared record could not be completed or released (the answer still goes out); default: nothing. */
  onRecordError?: (error: unknown, step: 'complete' | 'abandon') => void;
}

/** A well-formed `Idempotency-Key`: 1-255 printable ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Deeper than any start body nests (its deepest field is a few levels down); deeper bodies are refused, not hashed. */
const MAX_BODY_DEPTH = 32;

/**
 * The body as JSON with every object's keys sorted, so the same request with its keys in another order has the same
 * fingerprint; a body nested deeper than {@link MAX_BODY_DEPTH} is refused before it can exhaust the stack.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_BODY_DEPTH) {
    throw new ProblemError('bad_request', `the body nests deeper than ${MAX_BODY_DEPTH} levels`);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null, depth + 1)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .flatMap((key) => {
        const item = (value as Record<string, unknown>)[key];
        return item === undefined ? [] : [`${JSON.stringify(key)}:${canonicalJson(item, depth + 1)}`];
      });
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * `Idempotency-Key` for `POST /v1/journeys`: the same key with the same body replays the first answer (also while it
 * is still in flight), the same key with another body is refused, from whichever gateway the retry reaches. A record
 * in the shared store decides across gateways; this process's map answers its own repeats without a store read.
 * Journeys are idempotent by `reference` on the server too, so even a key past its TTL starts nothing twice.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: IdempotencyCacheOptions = {}) {}

  /** Runs `produce` once per (caller, key, body); replays show `replayed: true`. */
  async run(
    header: string | string[] | undefined,
    caller: string,
    body: unknown,
    produce: () => Promise<StoredResponse>,
  ): Promise<StoredResponse & { replayed: boolean }> {
    if (header === undefined) return { ...(await produce()), replayed: false };
    const key = Array.isArray(header) ? undefined : header;
    if (!key || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ProblemError('invalid_idempotency_key', 'use 1-255 printable ASCII characters, e.g. a UUID');
    }
    // Scoped by caller: two backends choosing the same key never see each other's journeys.
    const id = sha256(`${sha256(caller)}:${key}`);
    const fingerprint = sha256(canonicalJson(body));
    const now = Date.now();
    const existing = this.entries.get(id);
    if (existing && existing.expiresAtMs > now) {
      if (existing.fingerprint !== fingerprint) {
        throw new ProblemError('idempotency_key_reused', 'this key was first used with a different body');
      }
      return { ...(await existing.answer).response, replayed: true };
    }
    const answer = this.answer(id, fingerprint, produce);
    this.remember(id, { fingerprint, answer, expiresAtMs: now + (this.options.ttlMs ?? 24 * 3600_000) });
    try {
      const { response, replayed } = await answer;
      return { ...response, replayed };
    } catch (error) {
      // A failed attempt is not an answer to replay: the caller may retry with the same key.
      if (this.entries.get(id)?.answer === answer) this.entries.delete(id);
      throw error;
    }
  }

  /** The answer for a key this process has not seen: produced here, or another gateway's, through the shared records. */
  private async answer(id: string, fingerprint: string, produce: () => Promise<StoredResponse>): Promise<Answer> {
    const { shared, onRecordError } = this.options;
    if (!shared) return { response: await produce(), replayed: false };
    const claim = await shared.claim(id, fingerprint);
    switch (claim.kind) {
      case 'reused':
        throw new ProblemError('idempotency_key_reused', 'this key was first used with a different body');
      case 'in-flight':
        throw new ProblemError('idempotency_key_in_flight', 'another request with this key is still running; retry it');
      case 'replay':
        return { response: claim.response, replayed: true };
      case 'claimed': {
        let response: StoredResponse;
        try {
          response = await produce();
        } catch (error) {
          await claim.abandon().catch((recordError: unknown) => onRecordError?.(recordError, 'abandon'));
          throw error;
        }
        // The journey has started: its caller gets the answer even if the record cannot be completed (a retry then
        // waits out the claim and starts by reference, which finds the same journey).
        await claim.complete(response).catch((recordError: unknown) => onRecordError?.(recordError, 'complete'));
        return { response, replayed: false };
      }
    }
  }

  private remember(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    // Maps iterate in insertion order, so the first entries are the oldest.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= (this.options.maxEntries ?? 10_000)) break;
      this.entries.delete(oldest);
    }
  }
}
