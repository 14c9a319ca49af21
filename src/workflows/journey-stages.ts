// Pure data: the journey's state machine, read by the workflow and checked against docs/architecture.md by a test.
import type { Stage } from './types';

/**
 * The stages each stage may move to. Staying in a stage is always allowed (it only updates the UI details); any move
 * not listed is a bug, and the journey refuses it. `notifying` is reachable from every live stage: an outcome (a
 * failure, an operator's cancel) can end a journey wherever it is.
 */
export const STAGE_TRANSITIONS: Readonly<Record<Stage, readonly Stage[]>> = {
  issuing_token: ['awaiting_user', 'notifying'],
  // The start window closed without a signal: the journey reconciles and may find the result finished.
  awaiting_user: ['fetching_result', 'verifying_document', 'archiving_media', 'notifying'],
  fetching_result: ['verifying_document', 'archiving_media', 'notifying'],
  verifying_document: ['archiving_media', 'notifying'],
  archiving_media: ['deciding', 'notifying'],
  deciding: ['in_review', 'notifying'],
  in_review: ['notifying'],
  notifying: ['completed'],
  completed: [],
};

/** Whether the journey may move from one stage to another. */
export function isAllowedTransition(from: Stage, to: Stage): boolean {
  return from === to || STAGE_TRANSITIONS[from].includes(to);
}
