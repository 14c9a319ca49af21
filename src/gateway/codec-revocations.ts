import { createHash } from 'node:crypto';
import { removePastDayFolders, utcDay } from '../store/day-folders';
import type { ObjectStore } from '../store/object-store';

/** Where revoked codec sessions are kept so that every gateway refuses them. */
export interface CodecSessionRevocations {
  /** Records that the session cookie `value`, valid until `expiresAtMs`, was signed out. */
  revoke(value: string, expiresAtMs: number): Promise<void>;
  /** Whether the session was signed out (on any gateway sharing the store). */
  isRevoked(value: string, expiresAtMs: number): Promise<boolean>;
}

/** Revocations in this process only: tests, and a gateway without an archive. */
export class InMemoryCodecRevocations implements CodecSessionRevocations {
  readonly #revoked = new Map<string, number>();

  revoke(value: string, expiresAtMs: number): Promise<void> {
    this.#revoked.set(value, expiresAtMs);
    for (const [key, until] of this.#revoked) if (until <= Date.now()) this.#revoked.delete(key);
    return Promise.resolve();
  }

  isRevoked(value: string): Promise<boolean> {
    return Promise.resolve(this.#revoked.has(value));
  }
}

const ROOT = 'codec-sessions/revoked/';

/**
 * Revocations in the archive store every gateway shares: `codec-sessions/revoked/<UTC day the session expires>/<hash
 * of the cookie>`, so a lookup is one HEAD and the clean-up removes whole past days. A gateway remembers a "not
 * revoked" answer for `cacheMs` (5 s), so a sign-out holds on every other gateway within that time, and at once on
 * the one that took it; UI decode bursts cost one store read per session and interval.
 */
export class ArchiveCodecRevocations implements CodecSessionRevocations {
  private readonly checked = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly cacheMs = 5_000,
  ) {}

  async revoke(value: string, expiresAtMs: number): Promise<void> {
    this.checked.delete(value);
    await this.store.put(keyOf(value, expiresAtMs), Buffer.from(JSON.stringify({ expiresAtMs })), {
      contentType: 'application/json',
    });
  }

  async isRevoked(value: string, expiresAtMs: number): Promise<boolean> {
    const now = Date.now();
    const checkedAt = this.checked.get(value);
    if (checkedAt !== undefined && now - checkedAt < this.cacheMs) return false;
    const revoked = (await this.store.head(keyOf(value, expiresAtMs))) !== undefined;
    if (revoked) this.checked.delete(value);
    else {
      this.checked.set(value, now);
      // Bounded: entries older than the cache interval are worthless.
      if (this.checked.size > 10_000) {
        for (const [key, at] of this.checked) if (now - at >= this.cacheMs) this.checked.delete(key);
      }
    }
    return revoked;
  }
}

/** Removes the revocations of sessions that expired before yesterday; returns how many. */
export function removeExpiredCodecRevocations(store: ObjectStore, now = Date.now()): Promise<number> {
  return removePastDayFolders(store, ROOT, now);
}

function keyOf(value: string, expiresAtMs: number): string {
  // The cookie is a credential until it expires: only its hash is stored.
  return `${ROOT}${utcDay(expiresAtMs)}/${createHash('sha256').update(value).digest('hex')}.json`;
}
