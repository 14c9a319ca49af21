import type { JourneyPolicyOverrides } from '../contracts/policy-document';
import type { DecisionInputs, DecisionOutcome } from './decision';
import type { Flow, Outcome, Stage } from './types';

/** How a journey ended: decided (approved or rejected, by the policy or a reviewer), or without a decision. */
export type JourneyEnding = 'decided' | 'expired' | 'cancelled' | 'failed';

/**
 * What a journey hands over as it ends, for its decision record: ids, codes and times, never personal data. The
 * reference is the backend's opaque id; erasure removes it and the journey id from the stored record.
 */
export interface DecisionRecordInput {
  journeyId: string;
  reference: string;
  flow: Flow;
  region: string;
  /** The pinned version; null for a journey started without one (decided by the first version's rules). */
  policy: { version: number; sha256: string } | null;
  /** The journey's own settings were applied over the version's rules (they are in `inputs.overrides`). */
  policyOverridden: boolean;
  ending: JourneyEnding;
  outcome: Outcome;
  /** What the pinned rules concluded before any review; null when the journey ended before a decision. */
  policyDecision: DecisionOutcome['decision'] | null;
  reasons: string[];
  /** What the decision used, so a back-test can decide again; null when nothing was decided. */
  inputs: { decision: DecisionInputs; overrides?: JourneyPolicyOverrides } | null;
  /** The shadow version's conclusion on the same inputs. */
  shadow: { version: number; decision: DecisionOutcome['decision']; reasons: string[] } | null;
  /** When each stage the journey entered began (ISO). */
  stages: Partial<Record<Stage, string>>;
  /** ISO timestamps. */
  startedAt: string;
  endedAt: string;
}
