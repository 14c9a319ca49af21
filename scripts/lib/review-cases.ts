import type { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import {
  ekycFlowKey,
  ekycReasonKey,
  ekycRegionKey,
  ekycReviewDeadlineKey,
  ekycStageKey,
} from '../../src/workflows/search-attributes';

/** A case the review queue should list; no deadline: one that entered review before the queue kept deadlines. */
export interface SeededCase {
  journeyId: string;
  deadlineMs?: number;
  region?: 'ap-singapore' | 'ap-hongkong';
}

/**
 * Starts `ekycJourney` executions that stand in for journeys waiting for a reviewer, `concurrency` at a time: the
 * queue's attributes are set at start and there is no input. On a task queue no worker polls they stay Running with
 * those attributes, which is all the queue reads (visibility), at the cost of one start each instead of a journey.
 * Each case is taken from `cases` as its start is sent, so a generator can date a case from its own entry.
 */
export async function seedReviewCases(
  client: Client,
  taskQueue: string,
  cases: Iterable<SeededCase>,
  concurrency = 16,
): Promise<void> {
  const pending = cases[Symbol.iterator]();
  const lane = async () => {
    for (let next = pending.next(); !next.done; next = pending.next()) {
      const seeded = next.value;
      const attributes: SearchAttributePair[] = [
        { key: ekycStageKey, value: 'in_review' },
        { key: ekycFlowKey, value: 'ekyc' },
        { key: ekycRegionKey, value: seeded.region ?? 'ap-singapore' },
        { key: ekycReasonKey, value: 'document_warning' },
        ...(seeded.deadlineMs === undefined
          ? []
          : [{ key: ekycReviewDeadlineKey, value: new Date(seeded.deadlineMs) } satisfies SearchAttributePair]),
      ];
      await client.workflow.start('ekycJourney', {
        taskQueue,
        workflowId: seeded.journeyId,
        args: [],
        typedSearchAttributes: attributes,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}
