import { setTimeout as sleep } from 'node:timers/promises';
import { removePastDayFolders, utcDay } from '../store/day-folders';
import type { ObjectStore } from '../store/object-store';
import { SealingKey } from './sealing-key';

/** A response worth replaying: what the first request with the key answered. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** `idempotency/<UTC day of the claim>/<caller and key hash>.json`: one key's claim, then its answer. */
interface IdempotencyRecord {
  fingerprint: string;
  /**
   * The first request's answer, sealed ({@link SealingKey}, bound to the record's id): it holds the journey's FaceID
   * token, which a replay must return and the store must not show. Set once the answer is in; until then the key is in
   * flight.
   */
  sealedResponse?: string;
  claimedAtMs: number;
  expiresAtMs: number;
}

/** How the shared records answer a request with a key. */
export type SharedClaim =
  | { kind: 'claimed'; complete: (response: StoredResponse) => Promise<void>; abandon: () => Promise<void> }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'reused' }
  | { kind: 'in-flight' };

/** Timing of {@link ArchiveIdempotencyRecords}; tests shorten it. */
export interface SharedIdempotencyTiming {
  /** How long a key answers the same (24 h). */
  ttlMs: number;
  /** How long a request waits for another gateway's request with the same key to finish (10 s). */
  waitMs: number;
  /** A claim without an answer older than this was left by a gateway that stopped mid-request (60 s). */
  abandonedAfterMs: number;
  /** Between two reads of a record in flight (100 ms). */
  pollMs: number;
}

const DEFAULT_TIMING: SharedIdempotencyTiming = {
  ttlMs: 24 * 3600_000,
  waitMs: 10_000,
  abandonedAfterMs: 60_000,
  pollMs: 100,
};

/**
 * `Idempotency-Key` records every gateway shares, in the archive store (the one store all processes already have):
 * the first request with a key claims it with a create-if-absent write, so of two gateways receiving the same retried
 * request exactly one starts the journey; the other waits for the first's answer and replays it, or refuses a
 * different body. Records live in a folder per UTC day, so a lookup reads today's and yesterday's and the clean-up
 * ({@link removeExpiredIdempotencyRecords}) removes whole days past the TTL without listing the live ones. Answers are
 * sealed under a key derived from `sealingSecret` (the gateways' `CLIENT_SECRET_KEY`); one that no longer opens (the
 * secret was rotated) counts as absent, and the retry starts by reference, which finds the same journey.
 */
export class ArchiveIdempotencyRecords {
  readonly #store: ObjectStore;
  readonly #key: SealingKey;
  readonly #timing: SharedIdempotencyTiming;
  readonly #now: () => number;

  constructor(
    store: ObjectStore,
    sealingSecret: string,
    timing: Partial<SharedIdempotencyTiming> = {},
    now: () => number = Date.now,
  ) {
    this.#store = store;
    this.#key = new SealingKey(sealingSecret, 'idempotency records');
    this.#timing = { ...DEFAULT_TIMING, ...timing };
    this.#now = now;
  }

  /** Claims `id` for a request with `fingerprint`, or tells what another gateway's request with it decided. */
  async claim(id: string, fingerprint: string): Promise<SharedClaim> {
    const deadline = this.#now() + this.#timing.waitMs;
    for (;;) {
      const now = this.#now();
      const todayKey = recordKey(id, utcDay(now));
      // A key claimed yesterday answers until its TTL (24 h) runs out; older days hold only expired records.
      const [today, yesterday] = await Promise.all(
        [todayKey, recordKey(id, utcDay(now - DAY_MS))].map((key) => this.#store.readVersioned(key)),
      );
      const record = [today, yesterday]
        .map((stored) => (stored ? this.#read(stored.body, id) : undefined))
        .find((candidate) => candidate !== undefined && candidate.expiresAtMs > now);
      if (record && record.fingerprint !== fingerprint) return { kind: 'reused' };
      if (record?.response) return { kind: 'replay', response: record.response };
      if (!record || now - record.claimedAtMs > this.#timing.abandonedAfterMs) {
        // Absent, expired or left behind by a gateway that stopped: claim it, unless another gateway claims it first.
        const claim: IdempotencyRecord = { fingerprint, claimedAtMs: now, expiresAtMs: now + this.#timing.ttlMs };
        if (await this.#store.putIfVersion(todayKey, encode(claim), 'application/json', today?.version)) {
          return {
            kind: 'claimed',
            complete: async (response) => {
              const sealedResponse = this.#key.seal(JSON.stringify(response), id);
              await this.#store.put(todayKey, encode({ ...claim, sealedResponse }), {
                contentType: 'application/json',
              });
            },
            abandon: () => this.#store.delete(todayKey),
          };
        }
        continue;
      }
      // Another gateway is producing the answer right now.
      if (now >= deadline) return { kind: 'in-flight' };
      await sleep(this.#timing.pollMs);
    }
  }

  /** A stored record with its answer opened; undefined (absent) when unreadable or its answer does not open. */
  #read(body: Buffer, id: string): (IdempotencyRecord & { response?: StoredResponse }) | undefined {
    const record = parseRecord(body);
    if (record?.sealedResponse === undefined) return record;
    const opened = this.#key.open(record.sealedResponse, id);
    return opened === undefined ? undefined : { ...record, response: JSON.parse(opened) as StoredResponse };
  }
}

const DAY_MS = 24 * 3600_000;

/** Removes the records of whole days past the TTL; every gateway runs it at start and hourly. */
export function removeExpiredIdempotencyRecords(store: ObjectStore, now = Date.now()): Promise<number> {
  return removePastDayFolders(store, ROOT, now);
}

const ROOT = 'idempotency/';

/** The record's key: the id is already a hash of the caller and the key, safe as a file name. */
function recordKey(id: string, day: string): string {
  return `${ROOT}${day}/${id}.json`;
}

function encode(record: IdempotencyRecord): Buffer {
  return Buffer.from(JSON.stringify(record));
}

function parseRecord(body: Buffer): IdempotencyRecord | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<IdempotencyRecord>;
    if (typeof value.fingerprint !== 'string' || typeof value.claimedAtMs !== 'number') return undefined;
    if (typeof value.expiresAtMs !== 'number') return undefined;
    return value as IdempotencyRecord;
  } catch {
    // An unreadable record (a torn write cannot happen, a hand edit can) counts as absent and is claimed anew.
    return undefined;
  }
}
