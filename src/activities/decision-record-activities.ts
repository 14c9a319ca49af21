import { DecisionRecords } from '../records/decision-records';
import type { Database } from '../db/database';
import type { DecisionRecordInput } from '../workflows/decision-record';

const DAY_MS = 86_400_000;
/** Default of `DECISION_RECORD_RETENTION_DAYS`: a 366-day back-test window stays covered. */
const DEFAULT_RETENTION_DAYS = 400;

/** What the decision record activities need. */
export interface DecisionRecordActivityDeps {
  /** The policy and decision database; without it the activities write and purge nothing. */
  database?: Database | undefined;
  /** Days a record is kept after its journey ended (default 400). */
  retentionDays?: number | undefined;
}

/**
 * The decision record's write at a journey's end and its purge by the retention sweep. Without a database they do
 * nothing and return (the worker says so once at start-up): a journey's last step must not wait on records nobody
 * configured.
 */
export function createDecisionRecordActivities({ database, retentionDays }: DecisionRecordActivityDeps) {
  const records = database ? new DecisionRecords(database) : undefined;
  return {
    /** Writes the journey's decision record once (a retry of the same journey writes nothing more). */
    recordJourneyEnd: async (record: DecisionRecordInput): Promise<void> => {
      await records?.insert(record);
    },
    /** Deletes the records of journeys that ended longer ago than the retention; answers how many. */
    purgeDecisionRecords: async (): Promise<number> =>
      records ? records.purgeEndedBefore(new Date(Date.now() - (retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS)) : 0,
  };
}
