import { Context } from '@temporalio/activity';
import { removeOrphanInputs, type OrphanInputsResult } from '../archive/orphan-inputs';
import { listDue, purgeDue, recordRetention } from '../archive/retention-records';
import type { ObjectStore } from '../store/object-store';
import type {
  DueRetention,
  ListDueRetentionInput,
  RecordRetentionInput,
  SweepTotals,
} from '../workflows/retention-types';

/** What the retention activities need. */
export interface RetentionActivityDeps {
  archive: ObjectStore;
  /**
   * Whether Temporal knows a journey for a reference (running or ended); without it, orphaned input images are
   * never removed.
   */
  journeyExists?: ((reference: string) => Promise<boolean>) | undefined;
  /** Age below which input images are never orphans (default {@link ORPHAN_INPUT_AGE_MS}). */
  orphanInputAgeMs?: number | undefined;
}

/** Input images younger than this are never orphans: a start stores them just before the journey begins. */
const ORPHAN_INPUT_AGE_MS = 3600_000;

/** Counts of an empty sweep. */
function emptyTotals(): SweepTotals {
  return { purged: 0, objects: 0, held: 0, gone: 0, moved: 0, notDue: 0 };
}

/** Retention records and the sweep's steps, on the media task queue (they touch the archive, like the downloads). */
export function createRetentionActivities({ archive, journeyExists, orphanInputAgeMs }: RetentionActivityDeps) {
  return {
    /** Deletes input images no journey owns (a start that crashed before its journey began); see `orphan-inputs`. */
    removeOrphanInputs: async (): Promise<OrphanInputsResult> =>
      journeyExists
        ? removeOrphanInputs(archive, { journeyExists, olderThanMs: orphanInputAgeMs ?? ORPHAN_INPUT_AGE_MS })
        : { folders: 0, objects: 0 },

    /**
     * Files an ended journey for deletion after `deleteAfter`. Writes nothing when the journey stored nothing to
     * delete; repeating it is harmless.
     */
    recordRetention: async (input: RecordRetentionInput): Promise<{ recorded: boolean }> => {
      for (const key of input.discardClaims ?? []) await archive.delete(key);
      return recordRetention(archive, {
        journeyId: input.journeyId,
        deleteAfter: input.deleteAfter,
        inputKeys: input.inputKeys,
      });
    },

    /** The next due journeys, oldest first; read-only. */
    listDueRetention: async ({ limit, lookbackDays }: ListDueRetentionInput): Promise<DueRetention[]> =>
      listDue(archive, { limit, lookbackDays }),

    /**
     * Deletes the media of each listed journey unless held, one after another, heartbeating after each; a retry
     * (after a crash or a lost heartbeat) redoes what is left and skips what is done.
     */
    purgeDueRetention: async ({ entries }: { entries: DueRetention[] }): Promise<SweepTotals> => {
      const context = Context.current();
      const totals = emptyTotals();
      for (const [index, entry] of entries.entries()) {
        const { outcome, deleted } = await purgeDue(archive, entry);
        if (outcome === 'deleted') totals.purged += 1;
        else if (outcome === 'not_due') totals.notDue += 1;
        else totals[outcome] += 1;
        totals.objects += deleted;
        context.heartbeat({ done: index + 1, of: entries.length });
      }
      return totals;
    },
  };
}
