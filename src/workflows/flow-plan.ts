// Pure data with no imports of its own: safe inside the workflow bundle.
import { FACEID_FLOWS } from '../faceid/actions';
import type { Flow } from './types';

/** FaceID actions that issue a token for the user. */
type TokenAction = (typeof FACEID_FLOWS)[Flow]['issueAction'];

/** FaceID actions that return a flow's result. */
type ResultAction = (typeof FACEID_FLOWS)[Flow]['resultAction'];

/** The FaceID actions behind each flow (reference §1). */
export interface FlowPlan {
  issue: TokenAction;
  result: ResultAction;
}

/** Token issue and result actions per flow. */
export const FLOW_PLANS = Object.fromEntries(
  Object.entries(FACEID_FLOWS).map(([flow, spec]) => [flow, { issue: spec.issueAction, result: spec.resultAction }]),
) as Record<Flow, FlowPlan>;
