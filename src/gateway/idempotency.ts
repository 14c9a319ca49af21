import { createHash } from 'node:crypto';
import { ProblemError } from './problems';

/** A response worth replaying: what the first request with the key answered. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

interface Entry {
  fingerprint: string;
  response: Promise<StoredResponse>;
  expiresAtMs: number;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
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
 * `Idempotency-Key` for `POST /v1/journeys`, per gateway process: the same key with the same body replays the first
 * answer (also while it is still in flight), the same key with another body is refused. Journeys are idempotent by
 * `reference` on the server anyway, so a key that outlives this cache (restart, another instance) is still safe:
 * the start then returns the same running journey.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 24 * 3600_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Runs `produce` once per (caller, key, body); replays show `replayed: true`. */
  async run(
    header: string | string[] | undefined,
    caller: string,
    body: unknown,
    produce: () => Promise<StoredResponse>,
  ): Promise<StoredResponse & { replayed: boolean }> {
    if (header === undefined) return { ...(await produce()), replayed: false };
    const key = Array.isArray(header) ? undefined : header;
    if (!key || !KEY_PATTERN.test(key)) {
      throw new ProblemError('invalid_idempotency_key', 'use 1-255 printable ASCII characters, e.g. a UUID');
    }
    // Scoped by caller: two backends choosing the same key never see each other's journeys.
    const id = `${sha256(caller)}:${key}`;
    const fingerprint = sha256(canonicalJson(body));
    const now = Date.now();
    const existing = this.entries.get(id);
    if (existing && existing.expiresAtMs > now) {
      if (existing.fingerprint !== fingerprint) {
        throw new ProblemError('idempotency_key_reused', 'this key was first used with a different body');
      }
      return { ...(await existing.response), replayed: true };
    }
    const response = produce();
    this.remember(id, { fingerprint, response, expiresAtMs: now + this.ttlMs });
    try {
      return { ...(await response), replayed: false };
    } catch (error) {
      // A failed attempt is not an answer to replay: the caller may retry with the same key.
      this.entries.delete(id);
      throw error;
    }
  }

  private remember(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    // Maps iterate in insertion order, so the first entries are the oldest.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}
