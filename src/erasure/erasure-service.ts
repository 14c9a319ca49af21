import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { journeyPrefix } from '../archive/keys';
import { JourneyNotFoundError } from '../client/errors';
import type { ArchiveDataKeys } from '../codec/data-keys';
import type { AuditFailureReport, AuditLog } from '../review/audit-log';
import type { ObjectStore } from '../store/object-store';
import { readErasure, type ErasureRecord, type ErasureRequest } from '../archive/erasure-record';
import type { ErasureChecks } from '../client/erasure-checks';
import type { DecisionRecords } from '../records/decision-records';
import { eraseJourney } from './journey-erasure';

/** What an {@link ErasureService} works with. */
export interface ErasureServiceDeps {
  client: Client;
  /** The archive: the journey's objects, its retention bookkeeping and the erasure records. */
  store: ObjectStore;
  /** The journeys' data keys (the ones the data converter uses): erasure destroys the journey's. */
  dataKeys: ArchiveDataKeys;
  /** Where every erasure is recorded; absent where there is no shared store (tests). */
  audit?: AuditLog;
  /** The erasure checks of this process's reads: told at once, where other processes see it within their TTL. */
  checks?: ErasureChecks;
  /** The decision records, in the database; absent without one. */
  decisionRecords?: DecisionRecords;
}

/** Erasure of a journey (docs/operations.md, "Erasure"), for the JSON API and in-process backends. */
export class ErasureService {
  constructor(private readonly deps: ErasureServiceDeps) {}

  /**
   * Erases a journey ({@link eraseJourney}): stops it if it runs, deletes every archived object of it and its input
   * images, and destroys its data key; its outcome and reason codes are kept in the erasure record, which is answered.
   * Its decision record forgets the journey id and reference (the anonymous decision inputs stay for back-tests).
   * Idempotent, and resumes an erasure a crash interrupted; recorded in the audit log under the requester's id.
   * `JourneyHeldError` under a legal hold, `JourneyNotFoundError` for an id nothing is known of.
   */
  async erase(journeyId: string, request: ErasureRequest, onAuditError?: AuditFailureReport): Promise<ErasureRecord> {
    const { client, store, dataKeys, audit } = this.deps;
    if (!(await readErasure(store, journeyId)) && !(await this.knowsOf(journeyId))) {
      throw new JourneyNotFoundError(`journey ${journeyId} not found`);
    }
    const record = await eraseJourney({ client, store, dataKeys }, journeyId, request);
    // After the journey and its children were stopped, so no write of its record can follow; a retried erasure
    // that finds the journey erased already still gets here, so a crash before this line is made good.
    await this.deps.decisionRecords?.erase(journeyId);
    this.deps.checks?.remember(record);
    await audit?.appendOrReport(
      {
        role: 'operator',
        actor: request.requestedBy,
        action: 'journey_erased',
        journeyId,
        detail: { reason: record.reason, deleted: String(record.deleted?.count ?? 0) },
      },
      onAuditError,
    );
    return record;
  }

  /**
   * Whether Temporal or the archive knows anything of the journey. (Its data key alone does not count: a client call
   * that encodes a payload for an id, such as a review sent to an unknown journey, makes one.)
   */
  private async knowsOf(journeyId: string): Promise<boolean> {
    const known = await this.deps.client.workflow
      .getHandle(journeyId)
      .describe()
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return false;
          throw error;
        },
      );
    return known || (await this.deps.store.list(journeyPrefix(journeyId))).length > 0;
  }
}
