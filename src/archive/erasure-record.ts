import type { LegalHoldEvent } from './retention-records';
import type { ObjectStore } from '../store/object-store';
import type { Outcome } from '../workflows/types';

/** Who asks for an erasure, and why: an operator id and a code (`data_subject_request`), never a name or free text. */
export interface ErasureRequest {
  requestedBy: string;
  reason: string;
}

/**
 * What erasure keeps of a journey, in the archive store (`erasures/<journey id>.json`), for as long as the store
 * keeps anything: who asked, when and why, the outcome and its reason codes (no personal data), and what was deleted
 * (keys and counts, never content).
 */
export interface ErasureRecord {
  journeyId: string;
  requestedBy: string;
  reason: string;
  requestedAt: string;
  /** `erasing` until every step is done; a crash leaves it so, and the next request resumes. */
  state: 'erasing' | 'erased';
  /** The journey's outcome when erasure began (absent when it never reached one, or Temporal no longer had it). */
  outcome?: Outcome;
  reasons?: string[];
  /** How the journey's run was stopped, if it was still running. */
  stopped?: 'cancelled' | 'terminated';
  /** Child workflows (event delivery) terminated. */
  childrenTerminated?: number;
  deleted?: { count: number; keys: string[] };
  erasedAt?: string;
  /** Every legal hold set and released on the journey before erasure, oldest first (absent when there was none). */
  holdHistory?: LegalHoldEvent[];
}

/** The journey's data was erased: what is kept is its outcome and reason codes. */
export class JourneyErasedError extends Error {
  override readonly name = 'JourneyErasedError';
  constructor(readonly record: ErasureRecord) {
    super(`journey ${record.journeyId} was erased on ${record.erasedAt ?? record.requestedAt}`);
  }
}

/** Key of a journey's erasure record in the store. */
export function erasureRecordKey(journeyId: string): string {
  return `erasures/${journeyId}.json`;
}

/** The erasure record of a journey, if it was ever (or is being) erased. */
export async function readErasure(store: ObjectStore, journeyId: string): Promise<ErasureRecord | undefined> {
  const object = await store.readVersioned(erasureRecordKey(journeyId));
  return object ? (JSON.parse(object.body.toString('utf8')) as ErasureRecord) : undefined;
}

/** {@link JourneyErasedError} once the journey was erased (or is being erased): nothing of it is left to read or hold. */
export async function refuseIfErased(store: ObjectStore, journeyId: string): Promise<void> {
  if (!journeyId.startsWith('ekyc:')) return;
  const erasure = await readErasure(store, journeyId);
  if (erasure) throw new JourneyErasedError(erasure);
}
