import { sleep } from '@temporalio/workflow';
import { faceIdActivity } from './activity-proxies';
import type { DocumentVerdict } from './decision';
import type { JourneyRun } from './journey-run';
import type { ArchiveRef } from './types';

/** The document step's verdict and the card images it archived. */
export interface DocumentStep {
  verdict: DocumentVerdict;
  archived: ArchiveRef[];
}

/** ApplyCardVerification, then GetCardVerificationResult at FaceID's pace, within our own cap. */
export async function verifyDocument(run: JourneyRun): Promise<DocumentStep> {
  const { input, durations } = run;
  const document = input.document;
  if (!document) return { verdict: undefined, archived: [] };
  run.transitions.enterStage('verifying_document', 'checking the identity document');
  const call = { scheduleToCloseMs: durations.faceIdRetryWindowMs, startToCloseMs: durations.faceIdCallMs };
  const apply = faceIdActivity('ApplyCardVerification', { ...call, summary: 'submit document' });
  const grant = await apply({ journeyId: run.journeyId, region: input.region, document });
  run.requestIds.push(grant.requestId);
  const waitMs = Math.max(grant.pollWaitSeconds * 1000, durations.documentPollMinWaitMs);
  const maxPolls = Math.max(grant.maxPolls, 1);
  const startedAt = Date.now();
  const poll = faceIdActivity('GetCardVerificationResult', { ...call, summary: 'poll document' });
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await poll({ journeyId: run.journeyId, region: input.region, cardToken: grant.cardToken });
    run.requestIds.push(outcome.requestId);
    if (outcome.document) return { verdict: outcome.document, archived: outcome.archived };
    if (attempt >= maxPolls || Date.now() - startedAt + waitMs > durations.documentPollCapMs) {
      return { verdict: 'timed_out', archived: [] };
    }
    await sleep(waitMs, { summary: 'document polling wait' });
  }
}
