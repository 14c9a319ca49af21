/**
 * Version 2 of the service's workflow code, for the worker-versioning test: the journey records which code ran it in
 * its memo before anything else. A command version 1 never issues, so version 1's journeys could not replay on it.
 */
import { upsertMemo } from '@temporalio/workflow';
import { ekycJourney as ekycJourneyV1 } from '../../../src/workflows/ekyc-journey';
import type { JourneyInput, JourneyResult } from '../../../src/workflows/types';

export { deliverJourneyEvent, retentionSweep } from '../../../src/workflows';

export async function ekycJourney(input: JourneyInput): Promise<JourneyResult> {
  // Synchronous, so the journey's handlers are still registered in its first activation (update-with-start).
  upsertMemo({ journeyCode: 'v2' });
  return ekycJourneyV1(input);
}
