import { faceIdActivityName } from '../contracts/task-queues';
import { INLINE_SLOT_WAIT_MS } from '../contracts/inline-calls';
import { FACEID_FLOWS, type FaceIdAction } from '../faceid/actions';
import { runAsLocalCall } from '../quota';
import type { Flow, ResultFetchInput, TokenGrant, TokenIssueInput, VerificationResult } from '../workflows/types';

type FlowSpec = (typeof FACEID_FLOWS)[Flow];
type Call<I, O> = (input: I) => Promise<O>;

/** The token activity of every flow's issue action, and the result activity of every result action. */
type FlowActivities = Record<Uncapitalize<FlowSpec['issueAction']>, Call<TokenIssueInput, TokenGrant>> &
  Record<Uncapitalize<FlowSpec['resultAction']>, Call<ResultFetchInput, VerificationResult>>;

/**
 * The two local activities the journey worker registers, `issueTokenInline` and `fetchResultInline`: a journey's
 * FaceID call inside the workflow task that asks for it, the token the update-with-start answers with or the result
 * once the user finished, with no activity task and no second workflow task in between. Each is the flow's own
 * activity, paced by the same quota slots; `null` when no slot of this process comes within
 * {@link INLINE_SLOT_WAIT_MS}, and the journey then schedules the call on the action's queue.
 */
export function inlineFaceIdCalls(activities: FlowActivities, slotWaitMs: (action: FaceIdAction) => number) {
  const inline =
    <I extends { flow: Flow }, O>(actionOf: (flow: Flow) => FaceIdAction): Call<I, O | null> =>
    async (input) => {
      const action = actionOf(input.flow);
      if (slotWaitMs(action) > INLINE_SLOT_WAIT_MS) return null;
      const call = activities[faceIdActivityName(action) as keyof FlowActivities] as unknown as Call<I, O>;
      return runAsLocalCall(() => call(input));
    };
  return {
    issueTokenInline: inline<TokenIssueInput, TokenGrant>((flow) => FACEID_FLOWS[flow].issueAction),
    fetchResultInline: inline<ResultFetchInput, VerificationResult>((flow) => FACEID_FLOWS[flow].resultAction),
  };
}
