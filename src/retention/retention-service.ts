import { retentionStatus, type RetentionStatus } from '../archive/retention-records';
import type { EkycClient } from '../client/ekyc-client';
import type { ObjectStore } from '../store/object-store';

/** Where ended journeys' retention stands, read from the archive for in-process backends. */
export class RetentionService {
  constructor(
    private readonly deps: {
      /** The journeys' client: whether a journey the archive knows nothing of has ended. */
      journeys: Pick<EkycClient, 'requireEnded'>;
      /** The archive, where the retention records and legal holds live. */
      store: ObjectStore;
    },
  ) {}

  /**
   * An ended journey's retention: delete-after date, legal hold, and once the sweep ran, when and how many objects it
   * deleted. A journey that stored nothing has no `deleteAfter`; one that has not ended is `JourneyRunningError`.
   */
  async status(journeyId: string): Promise<RetentionStatus> {
    const status = await retentionStatus(this.deps.store, journeyId);
    if (status.deleteAfter === undefined && !status.legalHold) await this.deps.journeys.requireEnded(journeyId);
    return status;
  }
}
