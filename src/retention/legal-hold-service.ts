import { readRetentionRecord, writeLegalHold, type RetentionStatus } from '../archive/retention-records';
import type { EkycClient } from '../client/ekyc-client';
import { refuseIfErased } from '../archive/erasure-record';
import type { AuditFailureReport, AuditLog } from '../review/audit-log';
import type { ObjectStore } from '../store/object-store';
import { legalHoldInputSchema, LegalHoldInputError, type LegalHoldInput } from './legal-hold-input';

/** What a {@link LegalHoldService} works with. */
export interface LegalHoldServiceDeps {
  /** The journeys' client: whether a journey without a retention record has ended. */
  journeys: Pick<EkycClient, 'requireEnded'>;
  /** The archive, where holds, their history and the retention records live (so a hold outlives every workflow). */
  store: ObjectStore;
  /** Where every hold set or released is recorded; absent where there is no shared store (tests). */
  audit?: AuditLog;
}

/**
 * The legal hold on an ended journey's media, for the JSON API and in-process backends: while held, the retention sweep
 * never deletes it, and erasure is refused.
 */
export class LegalHoldService {
  constructor(private readonly deps: LegalHoldServiceDeps) {}

  /**
   * Sets or releases the hold, recorded in the audit log under the operator's id. Rejects with
   * {@link LegalHoldInputError} for a malformed request, `JourneyRunningError` before the outcome (retention starts at
   * the outcome), `JourneyNotFoundError` for an unknown journey, `MediaDeletedError` once the sweep has deleted (or
   * begun deleting) the media, and `JourneyErasedError` once the journey was erased.
   */
  async set(journeyId: string, input: LegalHoldInput, onAuditError?: AuditFailureReport): Promise<RetentionStatus> {
    const { journeys, store, audit } = this.deps;
    const parsed = legalHoldInputSchema.safeParse(input);
    if (!parsed.success) throw new LegalHoldInputError();
    const hold = parsed.data;
    // Nothing is left to hold.
    await refuseIfErased(store, journeyId);
    // A retention record means the journey ended with media; without one, Temporal says whether it ended at all.
    if (!(await readRetentionRecord(store, journeyId))) await journeys.requireEnded(journeyId);
    const status = await writeLegalHold(store, journeyId, hold);
    await audit?.appendOrReport(
      {
        role: 'operator',
        actor: hold.operator,
        action: hold.hold ? 'legal_hold_set' : 'legal_hold_released',
        journeyId,
      },
      onAuditError,
    );
    return status;
  }
}
