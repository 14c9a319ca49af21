/** One cached value and the moment it stops counting (`Infinity`: kept until evicted). */
interface Held<V> {
  value: V;
  untilMs: number;
}

/**
 * An in-memory map of at most `maxEntries` values, each kept until its own expiry; when full, the least recently read
 * goes first. A process's read caches use it so that memory stays bounded however many journeys are read.
 */
export class BoundedCache<V> {
  private readonly held = new Map<string, Held<V>>();

  constructor(
    readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  /** The value under `key` while it has not expired; reading it makes it the most recently used. */
  get(key: string): V | undefined {
    const entry = this.held.get(key);
    if (!entry) return undefined;
    this.held.delete(key);
    if (entry.untilMs <= this.now()) return undefined;
    this.held.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` under `key` for `ttlMs` (for good by default), evicting the least recently used beyond the bound. */
  set(key: string, value: V, ttlMs = Infinity): void {
    this.held.delete(key);
    this.held.set(key, { value, untilMs: this.now() + ttlMs });
    for (const oldest of this.held.keys()) {
      if (this.held.size <= this.maxEntries) break;
      this.held.delete(oldest);
    }
  }

  /** How many values are held, expired ones not yet dropped included. */
  get size(): number {
    return this.held.size;
  }
}
