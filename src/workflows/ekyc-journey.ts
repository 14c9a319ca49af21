import { CAPABILITY_NOT_ENABLED_REASON } from './decision';
import { expectedChecks } from './flow-input';
import { endJourney, endOnFailure } from './journey-end';
import { registerJourneyHandlers } from './journey-handlers';
import { decideByPolicies } from './journey-policy';
import { JourneyRun } from './journey-run';
import { archiveMedia } from './stage-archive-media';
import { awaitUser } from './stage-await-user';
import { issueToken } from './stage-issue-token';
import { awaitReview } from './stage-review';
import { recordCapabilityNotEnabled } from './journey-metrics';
import { verifyDocument } from './stage-verify-document';
import type { JourneyEnd, JourneyInput } from './types';

/**
 * One eKYC verification of one person, stage by stage (`docs/architecture.md` draws them): issue a FaceID token, wait
 * for the user, verify the document, archive the media, decide, and (if needed) wait for a reviewer. Every outcome
 * carries reason codes and never regresses; any failure ends the journey with the reason it names.
 */
export async function ekycJourney(input: JourneyInput): Promise<JourneyEnd> {
  const run = new JourneyRun(input);
  const { state, transitions } = run;
  registerJourneyHandlers(run);
  try {
    transitions.enterStage('issuing_token', `issuing a ${input.flow} token`);
    await issueToken(run, 'first token');

    const user = await awaitUser(run);
    if (user === 'cancelled') return await endJourney(run, 'cancelled', ['user_cancelled']);
    if (user === 'expired') {
      return await endJourney(run, 'expired', [state.finishedHint ? 'result_not_finished' : 'user_did_not_finish']);
    }
    transitions.resultInHand();

    const document = await verifyDocument(run);
    const media = [...(await archiveMedia(run, user)), ...document.archived];
    const facts = {
      liveness: user.liveness,
      compare: user.compare,
      document: user.document ?? (document.verdict !== 'timed_out' ? document.verdict : undefined),
      deviceRiskLevel: user.deviceRiskLevel,
      ...(user.codes ? { codes: user.codes } : {}),
      media,
    };

    // Deciding spans no await, so nobody could see it in search attributes: show it in the UI details only.
    transitions.enterStage('deciding', 'applying the decision policy', { sync: false });
    const decision = decideByPolicies(run, user, document.verdict, expectedChecks(input, run.tag));
    if (decision.reasons.includes(CAPABILITY_NOT_ENABLED_REASON)) recordCapabilityNotEnabled(input.flow);
    if (decision.decision !== 'review') return await endJourney(run, decision.decision, decision.reasons, facts);
    return await awaitReview(run, decision.reasons, facts);
  } catch (error) {
    return await endOnFailure(run, error);
  }
}
