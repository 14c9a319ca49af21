import { randomUUID } from 'node:crypto';
import { removePastDayFolders, utcDay } from '../store/day-folders';
import type { ObjectStore } from '../store/object-store';

/** What a reviewer or auditor did. */
type AuditAction =
  | 'case_viewed'
  | 'media_viewed'
  | 'review_claimed'
  | 'review_released'
  | 'review_decided'
  | 'audit_exported'
  | 'evidence_exported'
  | 'journey_erased'
  | 'legal_hold_set'
  | 'legal_hold_released'
  | 'policy_drafted'
  | 'policy_publish_requested'
  | 'policy_published'
  | 'policy_retire_requested'
  | 'policy_retired';

/**
 * Who acted: reviewers decide, auditors only read, operators (an operator key) hold, erase, export evidence and manage
 * decision policies.
 */
type ReviewRole = 'reviewer' | 'auditor' | 'operator';

/**
 * One entry of the audit log: ids, enums and codes only. Never personal data and never a reviewer's note (that stays in
 * the journey's encrypted history); `actor` is the operator's id from the identity provider.
 */
export interface AuditRecord {
  id: string;
  /** ISO timestamp. */
  at: string;
  actor: string;
  role: ReviewRole;
  action: AuditAction;
  journeyId?: string;
  /** Ids and codes that say what: the media kind viewed, the decision and its reason code. */
  detail?: Record<string, string>;
}

/** What is done with an audit entry that could not be written after its action happened. */
export type AuditFailureReport = (error: unknown) => void;

/** A failed audit write goes to the process's error log (the action itself already happened). */
export function auditFailed(log: { error(details: object, message: string): void }): AuditFailureReport {
  return (error) => log.error({ err: error }, 'audit entry not written');
}

/** Where the log lives in the store: one object per entry under a folder per UTC day. */
const PREFIX = 'audit/';
const DAY_MS = 24 * 3600 * 1000;
/** Entries read at once while collecting one journey's: a day holds every journey's entries, one object each. */
const READ_BATCH = 16;

/** A day folder name: `YYYY-MM-DD`. */
function dayOf(at: Date): string {
  return utcDay(at.getTime());
}

/**
 * The reviewers' audit log: append-only, in the archive store every gateway shares, so it outlives the namespace's
 * retention and no gateway can lose another's entries. Each entry is written once with a create-only write (an entry
 * is never rewritten); `exportLines` reads a period back as JSON Lines, oldest first.
 */
export class AuditLog {
  /** Orders this process's entries of one millisecond (entries of several gateways in one millisecond are unordered). */
  private sequence = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records one action; resolves once the entry is durable. */
  async append(entry: Omit<AuditRecord, 'id' | 'at'>): Promise<AuditRecord> {
    const at = this.now();
    const record: AuditRecord = { id: randomUUID(), at: at.toISOString(), ...entry };
    // The time first, so a day's keys list in order; then this process's sequence, then the id that keeps gateways apart.
    this.sequence = (this.sequence + 1) % 1_000_000;
    const stamp = `${String(at.getTime()).padStart(15, '0')}-${String(this.sequence).padStart(6, '0')}`;
    const key = `${PREFIX}${dayOf(at)}/${stamp}-${record.id}.json`;
    const written = await this.store.putIfVersion(
      key,
      Buffer.from(JSON.stringify(record)),
      'application/json',
      undefined,
    );
    if (!written) throw new Error(`audit entry ${key} already exists`);
    return record;
  }

  /**
   * Records an action that already happened (the journey's history shows it too): a failed write goes to `onError` for
   * the operator to see, and the caller still answers with the action's outcome. Without `onError` it rejects.
   */
  async appendOrReport(entry: Omit<AuditRecord, 'id' | 'at'>, onError?: AuditFailureReport): Promise<void> {
    try {
      await this.append(entry);
    } catch (error) {
      if (!onError) throw error;
      onError(error);
    }
  }

  /** Every entry from `from` (inclusive) to `to` (exclusive), oldest first, one JSON object per line. */
  async *exportLines(from: Date, to: Date): AsyncGenerator<string> {
    for (
      let day = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
      day < to.getTime();
      day += DAY_MS
    ) {
      const keys = (await this.store.list(`${PREFIX}${dayOf(new Date(day))}/`)).sort();
      for (const key of keys) {
        const object = await this.store.readVersioned(key);
        if (!object) continue;
        const record = JSON.parse(object.body.toString('utf8')) as AuditRecord;
        if (record.at >= from.toISOString() && record.at < to.toISOString()) yield `${JSON.stringify(record)}\n`;
      }
    }
  }

  /**
   * Every entry about `journeyId` in the day folders from `from`'s UTC day to `to`'s, both whole, oldest first: what an
   * evidence bundle holds of the log. Entries name journeys only inside, so each entry of those days is read.
   */
  async entriesOfJourney(journeyId: string, from: Date, to: Date): Promise<AuditRecord[]> {
    const entries: AuditRecord[] = [];
    let day = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    while (day <= to.getTime()) {
      const keys = (await this.store.list(`${PREFIX}${dayOf(new Date(day))}/`)).sort();
      for (let start = 0; start < keys.length; start += READ_BATCH) {
        const objects = await Promise.all(
          keys.slice(start, start + READ_BATCH).map((key) => this.store.readVersioned(key)),
        );
        for (const object of objects) {
          const record = object ? (JSON.parse(object.body.toString('utf8')) as AuditRecord) : undefined;
          if (record?.journeyId === journeyId) entries.push(record);
        }
      }
      day += DAY_MS;
    }
    return entries;
  }

  /**
   * Removes the days that left the audit's retention: a day's folder goes once `retentionDays` whole days have passed
   * since it ended (the gateways' hourly clean-up calls it; days further back than a week past that are left to a
   * bucket lifecycle rule). Returns how many entries went.
   */
  removeExpired(retentionDays: number, now = this.now().getTime()): Promise<number> {
    return removePastDayFolders(this.store, PREFIX, now, Math.ceil(retentionDays));
  }
}
