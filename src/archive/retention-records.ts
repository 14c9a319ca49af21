import { journeyPrefix, manifestKey } from './keys';
import { purgeJourneyMedia } from './retention';
import { ArchiveObjectMissingError, type ObjectStore } from '../store/object-store';
import { utcDay } from '../store/day-folders';

/**
 * Retention lives in the archive itself, next to what it deletes, as small JSON objects:
 *
 * - `retention/journeys/<journey id>.json` ({@link RetentionRecord}): the journey's delete-after date and input image
 *   keys, written once when the journey ends; after the purge it also says when and how much was deleted.
 * - `retention/due/<YYYY-MM-DD>/<journey id>.json` ({@link DuePointer}): the sweep's index, one per journey still to
 *   delete, under its due day (UTC), so a sweep lists only the days that are due.
 * - `retention/holds/<journey id>.json` ({@link LegalHold}): present while a legal hold is set. Written only by
 *   operators, never by the sweep.
 * - `retention/purging/<journey id>.json`: present while the sweep deletes a journey's media.
 * - `retention/hold-history/<journey id>.json` ({@link LegalHoldEvent} list): every hold set and released, kept after
 *   a release, so that erasure can carry the history into its record.
 *
 * A hold and a purge exclude each other without locks: the operator writes the hold, then reads the purge marker;
 * the sweep writes the purge marker, then reads the hold. On a store with read-after-write consistency (a
 * filesystem, S3, COS, MinIO) at least one of them sees the other: either the sweep skips the held journey, or the
 * operator learns that the deletion has begun.
 */
const ROOT = 'retention/';

/** A journey's retention, the source of truth the sweep and the status read. */
export interface RetentionRecord {
  version: 1;
  journeyId: string;
  /** ISO timestamp after which the media may be deleted. */
  deleteAfter: string;
  /** The caller's input images, deleted with the journey's media. */
  inputKeys: string[];
  recordedAt: string;
  /** Set by the sweep once the media is gone. */
  deletedAt?: string;
  /** Objects the purge removed. */
  deleted?: number;
}

/** The sweep's index entry: which journey is due on which day. */
interface DuePointer {
  journeyId: string;
  deleteAfter: string;
}

/** A legal hold as stored: operator id and reason, never a name. */
interface LegalHold {
  journeyId: string;
  operator: string;
  reason: string;
  since: string;
}

/** One hold set or released, as the hold history keeps it: operator id, reason and time, never a name. */
export interface LegalHoldEvent {
  action: 'set' | 'released';
  operator: string;
  reason: string;
  at: string;
}

/** A due journey as the sweep's lister hands it to the purge: plain JSON, small enough for history. */
export interface DueEntry {
  journeyId: string;
  dueKey: string;
}

/** What happened to one due entry. */
export type PurgeOutcome = 'deleted' | 'held' | 'gone' | 'moved' | 'not_due';

/** Where a journey's retention stands, for the client, the gateway and operators. */
export interface RetentionStatus {
  journeyId: string;
  /** Absent when the journey stored nothing that retention would delete. */
  deleteAfter?: string;
  legalHold: boolean;
  /** The current hold's operator id, reason and start. */
  hold?: { operator: string; reason: string; since: string };
  /** Set once the sweep deleted the media; `deleted` counts the objects. */
  deletedAt?: string;
  deleted?: number;
  /** The sweep has begun deleting (or crashed while deleting and will finish on its next run). */
  deleting?: boolean;
}

/** Key of a journey's retention record. */
function retentionRecordKey(journeyId: string): string {
  return `${ROOT}journeys/${safeId(journeyId)}.json`;
}

/** Key of a journey's legal hold. */
function legalHoldKey(journeyId: string): string {
  return `${ROOT}holds/${safeId(journeyId)}.json`;
}

/** Key of a journey's hold history. */
function holdHistoryKey(journeyId: string): string {
  return `${ROOT}hold-history/${safeId(journeyId)}.json`;
}

/** Key of the marker the sweep writes before it deletes a journey's media. */
export function purgingKey(journeyId: string): string {
  return `${ROOT}purging/${safeId(journeyId)}.json`;
}

/** Prefix of the due pointers of one UTC day. */
function dueDayPrefix(day: string): string {
  return `${ROOT}due/${day}/`;
}

/** Key of the due pointer of a journey deleted after `deleteAfter`. */
export function dueKey(journeyId: string, deleteAfter: string): string {
  return `${dueDayPrefix(utcDay(Date.parse(deleteAfter)))}${safeId(journeyId)}.json`;
}

function safeId(journeyId: string): string {
  // The same rule as media keys: ids are `ekyc:<reference>`, never a path.
  journeyPrefix(journeyId);
  return journeyId;
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  let stream;
  try {
    stream = await store.get(key);
  } catch (error) {
    if (error instanceof ArchiveObjectMissingError) return undefined;
    throw error;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

async function writeJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, Buffer.from(JSON.stringify(value)), { contentType: 'application/json' });
}

/** A journey's retention record, or undefined when none was written. */
export function readRetentionRecord(store: ObjectStore, journeyId: string): Promise<RetentionRecord | undefined> {
  return readJson<RetentionRecord>(store, retentionRecordKey(journeyId));
}

/**
 * Removes a journey's retention bookkeeping (record, due pointer, purge marker) once erasure has deleted its media
 * itself, so that no sweep acts on it later; answers the keys removed.
 */
export async function forgetRetention(store: ObjectStore, journeyId: string): Promise<string[]> {
  const record = await readRetentionRecord(store, journeyId);
  const keys = [
    ...(record ? [dueKey(journeyId, record.deleteAfter)] : []),
    purgingKey(journeyId),
    retentionRecordKey(journeyId),
    // Erasure has copied it into its own record first.
    holdHistoryKey(journeyId),
  ];
  const removed: string[] = [];
  for (const key of keys) {
    if (!(await store.head(key))) continue;
    await store.delete(key);
    removed.push(key);
  }
  return removed;
}

/** Every hold set and released on a journey, oldest first (empty when there was none). */
export async function readHoldHistory(store: ObjectStore, journeyId: string): Promise<LegalHoldEvent[]> {
  const found = await store.readVersioned(holdHistoryKey(journeyId));
  return found ? (JSON.parse(found.body.toString('utf8')) as LegalHoldEvent[]) : [];
}

/** How often an append to the hold history is retried when another gateway wrote it in between. */
const HISTORY_ATTEMPTS = 5;

/** Appends one event to a journey's hold history with a compare-and-swap write, so concurrent operators lose none. */
async function appendHoldEvent(store: ObjectStore, journeyId: string, event: LegalHoldEvent): Promise<void> {
  for (let attempt = 0; attempt < HISTORY_ATTEMPTS; attempt += 1) {
    const found = await store.readVersioned(holdHistoryKey(journeyId));
    const events = found ? (JSON.parse(found.body.toString('utf8')) as LegalHoldEvent[]) : [];
    const body = Buffer.from(JSON.stringify([...events, event]));
    if (await store.putIfVersion(holdHistoryKey(journeyId), body, 'application/json', found?.version)) return;
  }
  throw new Error(`the hold history of ${journeyId} kept changing; the hold itself is written`);
}

/** A journey's legal hold, or undefined when none is set. */
function readLegalHold(store: ObjectStore, journeyId: string): Promise<LegalHold | undefined> {
  return readJson<LegalHold>(store, legalHoldKey(journeyId));
}

/** What {@link recordRetention} is asked to keep. */
export interface RecordRetentionRequest {
  journeyId: string;
  deleteAfter: string;
  inputKeys: string[];
  now?: () => string;
}

/**
 * Records that a journey's media is to be deleted after `deleteAfter`: the record, then its due pointer. Writes nothing
 * when the journey stored nothing that retention would delete. Idempotent: repeating it rewrites the same objects; a journey already purged is never
 * recorded again.
 */
export async function recordRetention(
  store: ObjectStore,
  request: RecordRetentionRequest,
): Promise<{ recorded: boolean }> {
  const now = request.now ?? (() => new Date().toISOString());
  const { journeyId } = request;
  const existing = await readRetentionRecord(store, journeyId);
  if (existing?.deletedAt !== undefined) return { recorded: false };
  if (!existing && !(await hasSomethingToDelete(store, journeyId, request.inputKeys))) return { recorded: false };
  const record: RetentionRecord = existing ?? {
    version: 1,
    journeyId,
    deleteAfter: request.deleteAfter,
    inputKeys: request.inputKeys,
    recordedAt: now(),
  };
  if (!existing) await writeJson(store, retentionRecordKey(journeyId), record);
  // The record is written before its pointer: a sweep that finds the pointer always finds the record.
  await writeJson(store, dueKey(journeyId, record.deleteAfter), {
    journeyId,
    deleteAfter: record.deleteAfter,
  } satisfies DuePointer);
  return { recorded: true };
}

async function hasSomethingToDelete(store: ObjectStore, journeyId: string, inputKeys: string[]): Promise<boolean> {
  const manifest = manifestKey(journeyId);
  if ((await store.list(journeyPrefix(journeyId))).some((key) => key !== manifest)) return true;
  for (const key of inputKeys) if (await store.head(key)) return true;
  return false;
}

/**
 * Due entries, oldest day first, at most `limit`: every pointer of the days before today (UTC) and those of today
 * whose date has passed. Days older than `lookbackDays` are not listed (a released hold re-files its pointer under
 * today, so only a sweep outage longer than that leaves pointers behind; run the sweep once with a larger lookback).
 */
export async function listDue(
  store: ObjectStore,
  options: { limit: number; lookbackDays: number; nowMs?: number },
): Promise<DueEntry[]> {
  const nowMs = options.nowMs ?? Date.now();
  const today = utcDay(nowMs);
  const due: DueEntry[] = [];
  for (let back = options.lookbackDays; back >= 0 && due.length < options.limit; back -= 1) {
    const day = utcDay(nowMs - back * 24 * 3600 * 1000);
    for (const key of await store.list(dueDayPrefix(day))) {
      if (due.length >= options.limit) break;
      const journeyId = key.slice(dueDayPrefix(day).length, -'.json'.length);
      if (day === today) {
        const pointer = await readJson<DuePointer>(store, key);
        if (!pointer || Date.parse(pointer.deleteAfter) > nowMs) continue;
      }
      due.push({ journeyId, dueKey: key });
    }
  }
  return due;
}

/**
 * Deletes one due journey's media unless it is held, then marks the record and drops the pointer. Safe to repeat
 * after a crash at any step: the record says what is left to do, and a hold seen at any retry still wins.
 */
export async function purgeDue(
  store: ObjectStore,
  entry: DueEntry,
  options: { nowMs?: number } = {},
): Promise<{ outcome: PurgeOutcome; deleted: number }> {
  const nowMs = options.nowMs ?? Date.now();
  const { journeyId } = entry;
  const record = await readRetentionRecord(store, journeyId);
  if (!record || record.deletedAt !== undefined) {
    await store.delete(entry.dueKey);
    await store.delete(purgingKey(journeyId));
    return { outcome: 'gone', deleted: 0 };
  }
  if (Date.parse(record.deleteAfter) > nowMs) {
    const right = dueKey(journeyId, record.deleteAfter);
    if (right === entry.dueKey) return { outcome: 'not_due', deleted: 0 };
    await writeJson(store, right, { journeyId, deleteAfter: record.deleteAfter } satisfies DuePointer);
    await store.delete(entry.dueKey);
    return { outcome: 'moved', deleted: 0 };
  }
  const at = new Date(nowMs).toISOString();
  await writeJson(store, purgingKey(journeyId), { journeyId, startedAt: at });
  // Read after the marker is written (see the module comment): a hold set before this read is always seen.
  if (await store.head(legalHoldKey(journeyId))) {
    // The pointer goes: releasing the hold files a new one, so held journeys cost the sweep nothing.
    await store.delete(entry.dueKey);
    await store.delete(purgingKey(journeyId));
    return { outcome: 'held', deleted: 0 };
  }
  const { deleted } = await purgeJourneyMedia(store, journeyId, { inputKeys: record.inputKeys });
  await writeJson(store, retentionRecordKey(journeyId), { ...record, deletedAt: at, deleted: deleted.length });
  await store.delete(entry.dueKey);
  await store.delete(purgingKey(journeyId));
  return { outcome: 'deleted', deleted: deleted.length };
}

/** Raised when a hold comes too late: the sweep has deleted, or begun deleting, the journey's media. */
export class MediaDeletedError extends Error {
  override readonly name = 'MediaDeletedError';
}

/**
 * Sets (`hold: true`) or releases a journey's legal hold in the store, and appends either to the hold history. Setting
 * it writes the hold first and then checks that no purge has begun ({@link MediaDeletedError} otherwise; the hold
 * stays, harmlessly). Releasing it files the journey's due pointer again, under today when the period is over, so the
 * next sweep deletes it.
 */
export async function writeLegalHold(
  store: ObjectStore,
  journeyId: string,
  hold: { hold: boolean; operator: string; reason: string },
  options: { nowMs?: number } = {},
): Promise<RetentionStatus> {
  const nowMs = options.nowMs ?? Date.now();
  const event: LegalHoldEvent = {
    action: hold.hold ? 'set' : 'released',
    operator: hold.operator,
    reason: hold.reason,
    at: new Date(nowMs).toISOString(),
  };
  if (hold.hold) {
    const existing = await readLegalHold(store, journeyId);
    if (!existing || existing.operator !== hold.operator || existing.reason !== hold.reason) {
      await writeJson(store, legalHoldKey(journeyId), {
        journeyId,
        operator: hold.operator,
        reason: hold.reason,
        since: existing?.since ?? new Date(nowMs).toISOString(),
      } satisfies LegalHold);
    }
    await appendHoldEvent(store, journeyId, event);
    // The marker first, then the record: the sweep writes the record before it removes the marker.
    const purging = await store.head(purgingKey(journeyId));
    const record = await readRetentionRecord(store, journeyId);
    if (purging || record?.deletedAt !== undefined) {
      throw new MediaDeletedError(`the media of journey ${journeyId} is already deleted or being deleted`);
    }
    return retentionStatus(store, journeyId);
  }
  await store.delete(legalHoldKey(journeyId));
  await appendHoldEvent(store, journeyId, event);
  const record = await readRetentionRecord(store, journeyId);
  if (record && record.deletedAt === undefined) {
    const dueAt = new Date(Math.max(Date.parse(record.deleteAfter), nowMs)).toISOString();
    await writeJson(store, dueKey(journeyId, dueAt), {
      journeyId,
      deleteAfter: record.deleteAfter,
    } satisfies DuePointer);
  }
  return retentionStatus(store, journeyId);
}

/** A journey's retention as the store has it; a journey without a record has nothing to delete. */
export async function retentionStatus(store: ObjectStore, journeyId: string): Promise<RetentionStatus> {
  const [record, hold, purging] = await Promise.all([
    readRetentionRecord(store, journeyId),
    readLegalHold(store, journeyId),
    store.head(purgingKey(journeyId)),
  ]);
  return {
    journeyId,
    ...(record ? { deleteAfter: record.deleteAfter } : {}),
    legalHold: hold !== undefined,
    ...(hold ? { hold: { operator: hold.operator, reason: hold.reason, since: hold.since } } : {}),
    ...(record?.deletedAt !== undefined ? { deletedAt: record.deletedAt, deleted: record.deleted ?? 0 } : {}),
    ...(purging && record?.deletedAt === undefined ? { deleting: true } : {}),
  };
}
