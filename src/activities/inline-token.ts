import { faceIdActivityName } from '../contracts/task-queues';
import { FACEID_FLOWS, type FaceIdAction } from '../faceid/actions';
import { runAsLocalCall } from '../quota';
import type { TokenGrant, TokenIssueInput } from '../workflows/types';

/**
 * The longest wait for this process's next FaceID slot a token issued inline accepts. Beyond it the quota is busy
 * and the call joins the action's queue, whose backlog any worker of the group can take, rather than hold the
 * journey's workflow task.
 */
const INLINE_SLOT_WAIT_MS = 1_000;

type TokenIssuers = Record<
  Uncapitalize<(typeof FACEID_FLOWS)[keyof typeof FACEID_FLOWS]['issueAction']>,
  (input: TokenIssueInput) => Promise<TokenGrant>
>;

/**
 * The journey's token call as a local activity, inside the workflow task that asks for it: the update-with-start
 * answers with the token in one task, with no activity task or second workflow task in between. It is the same
 * token activity, paced by the same quota slots; `null` when no slot of this process comes within
 * {@link INLINE_SLOT_WAIT_MS}, and the journey then schedules the call on the action's queue.
 */
export function inlineTokenIssue(
  issuers: TokenIssuers,
  slotWaitMs: (action: FaceIdAction) => number,
): (input: TokenIssueInput) => Promise<TokenGrant | null> {
  return async (input) => {
    const action = FACEID_FLOWS[input.flow].issueAction;
    if (slotWaitMs(action) > INLINE_SLOT_WAIT_MS) return null;
    const issue = issuers[faceIdActivityName(action)];
    return runAsLocalCall(() => issue(input));
  };
}
