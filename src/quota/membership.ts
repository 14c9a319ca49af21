import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ObjectStore } from '../store/object-store';
import { bindingViews, type MembershipView } from './slot-plan';

/** How often a member renews its lease and reads the group, and how long a lease lives. */
export interface MembershipTiming {
  /** Between two renewals (default 2 s). */
  refreshMs: number;
  /** A member not renewed for this long has left (default 4 × refresh). */
  leaseMs: number;
  /**
   * How long a change of the group keeps constraining slot use (default 3 × refresh): longer than any two members can
   * disagree about the group, which is one refresh plus the store's latency.
   */
  guardMs: number;
}

/** Renewal interval in production: a change reaches every member within ~2 s, binds for 6 s, a lease lives 8 s. */
const DEFAULT_REFRESH_MS = 2_000;

const MEMBER_ID = /^[A-Za-z0-9._-]{1,100}$/;
const LEASE_BODY = Buffer.from('{}');

/** A member id that names the process without personal data: host, pid and a random suffix (a restart is new). */
function newMemberId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9.-]/g, '-')
      .slice(0, 40) || 'host';
  return `${host}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Options of {@link QuotaMembership}. */
export interface QuotaMembershipOptions {
  /** The store every worker process shares (the archive). */
  store: ObjectStore;
  /** The group sharing one quota: every process calling FaceID with the same account (default: the task queue). */
  group: string;
  memberId?: string;
  timing?: Partial<MembershipTiming>;
  now?: () => number;
  /** Told when a renewal or read fails (the member then stops using slots until it is renewed again). */
  onError?: (error: unknown) => void;
}

/**
 * The worker processes sharing one FaceID quota, kept as leases in the shared store: each member writes
 * `quota/<group>/members/<id>/<renewedAtMs>` every refresh and lists the others. Reads and writes are ordered (write,
 * then list), so of two members starting together at least the later sees the earlier.
 */
export class QuotaMembership {
  readonly memberId: string;
  readonly timing: MembershipTiming;
  readonly #store: ObjectStore;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  readonly #listeners = new Set<() => void>();
  #views: MembershipView[] = [];
  #leaseKey: string | undefined;
  #renewedAtMs = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: QuotaMembershipOptions) {
    this.memberId = options.memberId ?? newMemberId();
    if (!MEMBER_ID.test(this.memberId)) throw new Error('quota member id must be 1-100 letters, digits, . _ -');
    if (!MEMBER_ID.test(options.group)) throw new Error('quota group must be 1-100 letters, digits, . _ -');
    const refreshMs = options.timing?.refreshMs ?? DEFAULT_REFRESH_MS;
    this.timing = {
      refreshMs,
      leaseMs: options.timing?.leaseMs ?? refreshMs * 4,
      guardMs: options.timing?.guardMs ?? refreshMs * 3,
    };
    this.#store = options.store;
    this.#prefix = `quota/${options.group}/members/`;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Writes the first lease, reads the group, and keeps both fresh until {@link close}. */
  async start(): Promise<void> {
    await this.refresh();
    const tick = (): void => {
      this.#timer = setTimeout(() => {
        this.refresh().then(tick, (error: unknown) => {
          this.#onError(error);
          tick();
        });
      }, this.timing.refreshMs);
      this.#timer.unref();
    };
    tick();
  }

  /** Renews this member's lease and reads the group once. */
  async refresh(): Promise<void> {
    if (this.#closed) return;
    const renewedAtMs = Math.floor(this.#now());
    const key = `${this.#prefix}${this.memberId}/${renewedAtMs}`;
    await this.#store.put(key, LEASE_BODY, { contentType: 'application/json' });
    const previous = this.#leaseKey;
    this.#leaseKey = key;
    if (previous && previous !== key) await this.#store.delete(previous);
    const lapsed = renewedAtMs - this.#renewedAtMs > this.timing.leaseMs - this.timing.refreshMs;
    this.#renewedAtMs = renewedAtMs;
    const members = await this.#readMembers(renewedAtMs);
    const view: MembershipView = { atMs: renewedAtMs, members };
    if (lapsed) {
      // First lease, or one that others may have let expire: start over. Joining a group that has other members
      // means owning nothing for one guard period, until every member has seen this one and given up its slots.
      const alone = members.length === 1;
      this.#views = alone ? [view] : [{ atMs: renewedAtMs, members: [] }, view];
    } else {
      const last = this.#views[this.#views.length - 1];
      if (!last || !sameMembers(last.members, members)) this.#views.push(view);
      this.#views = bindingViews(this.#views, renewedAtMs, this.timing.guardMs);
    }
    for (const listener of this.#listeners) listener();
  }

  /**
   * The views that bind slot use now. Empty (no slot) when this member's own lease is too old for the others to
   * still count it: a member stalled past its lease stops calling until its next renewal.
   */
  views(nowMs = this.#now()): MembershipView[] {
    if (nowMs - this.#renewedAtMs > this.timing.leaseMs - this.timing.refreshMs) return [];
    return bindingViews(this.#views, nowMs, this.timing.guardMs);
  }

  /** Called after every refresh, so waiters re-plan when the group changes or the guard period ends. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops renewing and removes this member's lease, so the others take its slots after one guard period. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#views = [];
    this.#listeners.clear();
    if (this.#leaseKey) await this.#store.delete(this.#leaseKey);
  }

  async #readMembers(nowMs: number): Promise<string[]> {
    const live = new Set<string>([this.memberId]);
    for (const key of await this.#store.list(this.#prefix)) {
      const [member, renewed] = key.slice(this.#prefix.length).split('/');
      const renewedAtMs = Number(renewed);
      if (!member || !Number.isFinite(renewedAtMs)) continue;
      if (nowMs - renewedAtMs <= this.timing.leaseMs) live.add(member);
      else if (nowMs - renewedAtMs > this.timing.leaseMs * 10 && member !== this.memberId) {
        // A crashed member's last lease; anyone may tidy it up (deleting twice is harmless).
        await this.#store.delete(key).catch(() => undefined);
      }
    }
    return [...live].sort();
  }
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((member, index) => member === b[index]);
}
