import { JourneyErasedError, readErasure, type ErasureRecord } from '../archive/erasure-record';
import type { ObjectStore } from '../store/object-store';
import { BoundedCache } from './bounded-cache';

/** Options of {@link ErasureChecks}. */
export interface ErasureCheckOptions {
  /**
   * How long a "not erased" answer (or an erasure still under way) is believed before the store is read again; default
   * 60 s, the staleness the journeys' data keys already have. An erasure made elsewhere shows within this bound.
   */
  ttlMs?: number;
  /** Journeys whose answer is held at most (LRU); default 10,000. */
  maxEntries?: number;
}

/** What the cache holds per journey: its erasure record, or `null` when it had none. */
type Known = ErasureRecord | null;

/**
 * The erasure check of every read (status, result, case): the archive's erasure record, read once per journey and
 * TTL rather than per request. An erased journey stays erased, so that answer is kept for good; this process's own
 * erasures are known at once ({@link remember}).
 */
export class ErasureChecks {
  private readonly known: BoundedCache<Known>;
  readonly ttlMs: number;

  constructor(
    private readonly store: ObjectStore,
    options: ErasureCheckOptions = {},
    now: () => number = Date.now,
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.known = new BoundedCache<Known>(options.maxEntries ?? 10_000, now);
  }

  /** {@link JourneyErasedError} once the journey was erased (or is being erased), as known within {@link ttlMs}. */
  async refuseIfErased(journeyId: string): Promise<void> {
    if (!journeyId.startsWith('ekyc:')) return;
    const cached = this.known.get(journeyId);
    const record = cached === undefined ? await this.read(journeyId) : cached;
    if (record) throw new JourneyErasedError(record);
  }

  /** The same check from the store itself, for a read that found the journey's data unreadable. */
  async refuseIfErasedNow(journeyId: string): Promise<void> {
    const record = await this.read(journeyId);
    if (record) throw new JourneyErasedError(record);
  }

  /** Notes an erasure this process made or saw, so its reads refuse the journey from now on. */
  remember(record: ErasureRecord): void {
    this.known.set(record.journeyId, record, record.state === 'erased' ? Infinity : this.ttlMs);
  }

  private async read(journeyId: string): Promise<Known> {
    const record = (await readErasure(this.store, journeyId)) ?? null;
    if (record) this.remember(record);
    else this.known.set(journeyId, null, this.ttlMs);
    return record;
  }
}
