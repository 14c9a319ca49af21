/**
 * A deliberately changed journey: it waits one millisecond before doing anything. Histories recorded by the real
 * workflow must fail to replay against it, which proves the replay check has teeth.
 */
import { sleep } from '@temporalio/workflow';
import { ekycJourney as recordedJourney } from '../../src/workflows/ekyc-journey';
import type { JourneyInput, JourneyResult } from '../../src/workflows/types';

export { deliverJourneyEvent } from '../../src/workflows';

export async function ekycJourney(input: JourneyInput): Promise<JourneyResult> {
  await sleep(1);
  return recordedJourney(input);
}
