import type { DecisionRecordInput } from './decision-record';
import type { JourneyEvent } from './types';

/** Payloads of the retention activities and the sweep: plain JSON, ISO timestamps. */

/** Input of the `recordRetention` activity. */
export interface RecordRetentionInput {
  journeyId: string;
  /** ISO timestamp after which the media may be deleted. */
  deleteAfter: string;
  /** Archive keys of the images the caller stored for the journey. */
  inputKeys: string[];
  /**
   * Media claims the journey left unarchived (it ended while archiving: cancelled, failed): their URLs are of no use
   * once it ended, so they go now instead of at retention.
   */
  discardClaims?: string[];
}

/** One due journey, as listed for the sweep. */
export interface DueRetention {
  journeyId: string;
  dueKey: string;
}

/** Input of the `listDueRetention` activity. */
export interface ListDueRetentionInput {
  limit: number;
  lookbackDays: number;
}

/** What one sweep (or one batch of it) did. */
export interface SweepTotals {
  /** Journeys whose media was deleted. */
  purged: number;
  /** Objects deleted. */
  objects: number;
  /** Journeys skipped because of a legal hold. */
  held: number;
  /** Pointers dropped because the journey was already purged (a re-run after a crash) or had no record. */
  gone: number;
  /** Pointers re-filed under a later day. */
  moved: number;
  /** Listed but not due yet (clock skew between lister and purge). */
  notDue: number;
}

/** Input of the `retentionSweep` workflow; all optional, so a schedule can start it with no arguments. */
export interface RetentionSweepInput {
  /** Due journeys per batch (one list and one purge activity). */
  batchSize?: number;
  /** Batches before the sweep continues as new, which keeps its history bounded. */
  maxBatches?: number;
  /** How many past days the lister looks at. */
  lookbackDays?: number;
  /** Carried across continue-as-new. */
  totals?: SweepTotals;
}

/** Input of the `settleJourney` activity: the journey's last step. */
export interface SettleJourneyInput {
  /** The `journey.completed` event for the backend. */
  event: JourneyEvent;
  /** Where the journey stored something to delete later; absent when it stored nothing. */
  retention?: RecordRetentionInput;
  /** The journey's decision record, written before the rest (journeys recorded before records existed have none). */
  record?: DecisionRecordInput;
}
