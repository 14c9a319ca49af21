import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectStore } from '../store/object-store';
import type { KeyRing } from './key-ring';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'data-keys/';
/** A journey id as data keys are filed under: the workflow id of the journey, never of a child. */
const JOURNEY_ID = /^ekyc:[A-Za-z0-9._-]{1,100}$/;

/** The journey's data key was destroyed: its payloads can no longer be decrypted by anyone. */
export class DataKeyErasedError extends Error {
  override readonly name = 'DataKeyErasedError';
  constructor(readonly journeyId: string) {
    super(`the data of journey ${journeyId} was erased`);
  }
}

/** What the store holds for a journey: its wrapped key, or the mark that erasure destroyed it. */
type DataKeyRecord =
  { version: 1; wrappedWith: string; wrapped: string } | { version: 1; erasedAt: string; wrappedWith?: undefined };

/** A data key as the cache holds it. */
type CachedKey = { key: Buffer } | { erased: true };

/** Options of {@link ArchiveDataKeys}. */
export interface DataKeyCacheOptions {
  /** Keys held in memory at most (LRU); default 10,000 (about 1 MiB). */
  maxEntries?: number;
  /** How long a key is used from memory before it is read again; default 60 s. Erasure waits this long. */
  ttlMs?: number;
  /**
   * The waits before reading or creating a key again after the store failed; default 0.25, 0.5, 1, 2 and 4 s. A codec
   * that fails cannot encode even the failure it reports, which stops the SDK's worker, so a store restart (seconds)
   * is waited out rather than passed on.
   */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000] as const;

/** The journey a payload belongs to, from its workflow id: a journey's own id, or a child's (`<journey id>:…`). */
export function journeyOfWorkflowId(workflowId: string | undefined): string | undefined {
  if (!workflowId?.startsWith('ekyc:')) return undefined;
  const separator = workflowId.indexOf(':', 'ekyc:'.length);
  const journeyId = separator < 0 ? workflowId : workflowId.slice(0, separator);
  return JOURNEY_ID.test(journeyId) ? journeyId : undefined;
}

/**
 * Per-journey data keys: a random AES-256 key per journey, stored wrapped (AES-256-GCM) by the key ring's current key
 * in the archive store every process reaches (`data-keys/<journey id>.json`), and cached in memory. A key is created
 * only if absent (a create-only write), so a repeated start never replaces the key a history is encrypted under; a
 * process that loses the race reads the winner's key. Destroying a key replaces it with an erasure mark.
 */
export class ArchiveDataKeys {
  private readonly cache = new Map<string, { entry: CachedKey; untilMs: number }>();
  private readonly pending = new Map<string, Promise<CachedKey | undefined>>();
  private readonly maxEntries: number;
  private readonly retryDelaysMs: readonly number[];
  readonly ttlMs: number;

  constructor(
    private readonly store: ObjectStore,
    private readonly ring: KeyRing,
    options: DataKeyCacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** The journey's key, created if it has none; {@link DataKeyErasedError} once it was destroyed. */
  async keyFor(journeyId: string): Promise<Buffer> {
    const found = (await this.lookup(journeyId)) ?? (await this.create(journeyId));
    if ('erased' in found) throw new DataKeyErasedError(journeyId);
    return found.key;
  }

  /** The journey's key to decrypt with: undefined when it never had one, `erased` once it was destroyed. */
  async existingKey(journeyId: string): Promise<Buffer | 'erased' | undefined> {
    const found = await this.lookup(journeyId);
    if (!found) return undefined;
    return 'erased' in found ? 'erased' : found.key;
  }

  /**
   * Destroys the journey's key (idempotent): the store keeps only the mark that it was erased. Other processes drop
   * their copy within {@link ttlMs}.
   */
  async destroy(journeyId: string, erasedAt: Date): Promise<void> {
    const key = recordKey(journeyId);
    for (;;) {
      const current = await this.store.readVersioned(key);
      if (current && 'erasedAt' in (JSON.parse(current.body.toString('utf8')) as DataKeyRecord)) break;
      const mark: DataKeyRecord = { version: 1, erasedAt: erasedAt.toISOString() };
      if (await this.store.putIfVersion(key, Buffer.from(JSON.stringify(mark)), 'application/json', current?.version)) {
        break;
      }
    }
    this.remember(journeyId, { erased: true });
  }

  private async lookup(journeyId: string): Promise<CachedKey | undefined> {
    const cached = this.cache.get(journeyId);
    if (cached && cached.untilMs > this.now()) {
      // Refreshes its place in the LRU order.
      this.cache.delete(journeyId);
      this.cache.set(journeyId, cached);
      return cached.entry;
    }
    // One read per journey at a time, however many payloads ask at once.
    let reading = this.pending.get(journeyId);
    if (!reading) {
      reading = this.read(journeyId).finally(() => this.pending.delete(journeyId));
      this.pending.set(journeyId, reading);
    }
    return reading;
  }

  /** Runs a store call again after each of the retry delays while it fails; the last failure is thrown. */
  private async withRetries<T>(step: () => Promise<T>): Promise<T> {
    for (const delayMs of this.retryDelaysMs) {
      try {
        return await step();
      } catch {
        await sleep(delayMs);
      }
    }
    return step();
  }

  private async read(journeyId: string): Promise<CachedKey | undefined> {
    const object = await this.withRetries(() => this.store.readVersioned(recordKey(journeyId)));
    if (!object) return undefined;
    return this.remember(journeyId, this.unwrap(journeyId, JSON.parse(object.body.toString('utf8')) as DataKeyRecord));
  }

  private async create(journeyId: string): Promise<CachedKey> {
    const key = randomBytes(KEY_BYTES);
    const record: DataKeyRecord = { version: 1, wrappedWith: this.ring.current.id, wrapped: this.wrap(journeyId, key) };
    const body = Buffer.from(JSON.stringify(record));
    // A write that failed may still have landed: the retry then finds the key exists and reads it as the winner's.
    const created = await this.withRetries(() =>
      this.store.putIfVersion(recordKey(journeyId), body, 'application/json', undefined),
    );
    if (created) return this.remember(journeyId, { key });
    // Another process created it first: its key is the journey's.
    const winner = await this.read(journeyId);
    if (!winner) throw new Error(`data key of journey ${journeyId} neither created nor readable`);
    return winner;
  }

  private wrap(journeyId: string, key: Buffer): string {
    const { id, key: ringKey } = this.ring.current;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', ringKey, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${journeyId}\n${id}`, 'utf8'));
    return Buffer.concat([nonce, cipher.update(key), cipher.final(), cipher.getAuthTag()]).toString('base64');
  }

  private unwrap(journeyId: string, record: DataKeyRecord): CachedKey {
    if (record.wrappedWith === undefined) return { erased: true };
    const ringKey = this.ring.find(record.wrappedWith);
    if (!ringKey) {
      throw new Error(
        `data key of journey ${journeyId} is wrapped with key id "${record.wrappedWith}", which is not in the key ring`,
      );
    }
    const data = Buffer.from(record.wrapped, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', ringKey.key, data.subarray(0, NONCE_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(`${journeyId}\n${record.wrappedWith}`, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
      decipher.final(),
    ]);
    // A copy of its own: the 32 bytes `concat` returns share an 8 KiB allocation pool slab, which a cached key would keep
    // alive (10,000 cached keys held ~80 MB of slabs).
    const key = Buffer.alloc(plain.length);
    plain.copy(key);
    return { key };
  }

  /** Keys held in memory now: those read or created within `ttlMs`, at most `maxEntries`. */
  get cachedKeys(): number {
    return this.cache.size;
  }

  private remember(journeyId: string, entry: CachedKey): CachedKey {
    const now = this.now();
    this.cache.delete(journeyId);
    this.cache.set(journeyId, { entry, untilMs: now + this.ttlMs });
    // Expired keys go as new ones arrive (oldest first), so the cache holds what the last `ttlMs` used, not the last
    // `maxEntries` journeys whatever their age.
    for (const [id, cached] of this.cache) {
      if (cached.untilMs > now) break;
      this.cache.delete(id);
    }
    if (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return entry;
  }
}

function recordKey(journeyId: string): string {
  if (!JOURNEY_ID.test(journeyId)) throw new Error('not a journey id');
  return `${PREFIX}${journeyId}.json`;
}
