import { FLOW_PLANS, type FlowPlan } from '../contracts/flow-plan';
import { faceIdActivityName } from '../contracts/task-queues';
import { INLINE_SLOT_WAIT_MS } from '../contracts/inline-calls';
import type { FaceIdAction } from '../faceid/actions';
import { runAsLocalCall } from '../quota';
import type { Flow, ResultFetchInput, TokenGrant, TokenIssueInput, VerificationResult } from '../workflows/types';

type Call<I, O> = (input: I) => Promise<O>;

/** The token activity of every flow's issue action, and the result activity of every result action. */
type FlowActivities = Record<Uncapitalize<FlowPlan['issue']>, Call<TokenIssueInput, TokenGrant>> &
  Record<Uncapitalize<FlowPlan['result']>, Call<ResultFetchInput, VerificationResult>>;

/**
 * The two local activities the journey worker registers, `issueTokenInline` and `fetchResultInline`: a journey's
 * FaceID call inside the workflow task that asks for it, the token the update-with-start answers with or the result
 * once the user finished, with no activity task and no second workflow task in between. Each is the flow's own
 * activity, paced by the same quota slots; `null` when no slot of this process comes within
 * {@link INLINE_SLOT_WAIT_MS}, and the journey then schedules the call on the action's queue.
 */
export function inlineFaceIdCalls(activities: FlowActivities, slotWaitMs: (action: FaceIdAction) => number) {
  const inline =
    <I extends { flow: Flow }, O>(
      route: (flow: Flow) => { action: FaceIdAction; call: Call<I, O> },
    ): Call<I, O | null> =>
    async (input) => {
      const { action, call } = route(input.flow);
      if (slotWaitMs(action) > INLINE_SLOT_WAIT_MS) return null;
      return runAsLocalCall(() => call(input));
    };
  return {
    issueTokenInline: inline((flow) => {
      const action = FLOW_PLANS[flow].issue;
      return { action, call: activities[faceIdActivityName(action)] };
    }),
    fetchResultInline: inline((flow) => {
      const action = FLOW_PLANS[flow].result;
      return { action, call: activities[faceIdActivityName(action)] };
    }),
  };
}
