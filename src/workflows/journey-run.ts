import { workflowInfo } from '@temporalio/workflow';
import { FLOW_PLANS, type FlowPlan } from '../contracts/flow-plan';
import { DEFAULT_POLICY_DOCUMENT, resolveRules, type PolicyRules } from '../contracts/policy-document';
import { policyFactsOf, type PolicyVerdict } from './journey-policy';
import { journeyDurations, type JourneyDurations } from './journey-durations';
import { JourneyTransitions, type JourneyState } from './journey-state';
import type { JourneyEvent, JourneyInput } from './types';

/** Renewals a client app may ask for when the journey input does not say. */
const DEFAULT_MAX_RENEWALS = 3;

/**
 * One run of a journey: its input, what follows from it (FaceID actions, durations, policy), its state with its
 * transitions, and the bookkeeping its stages share. Every stage function takes it.
 */
export class JourneyRun {
  readonly journeyId = workflowInfo().workflowId;
  readonly plan: FlowPlan;
  readonly durations: JourneyDurations;
  /** The rules this journey is decided by: its pinned version's, for its flow and region, with its own overrides. */
  readonly policy: PolicyRules;
  readonly maxRenewals: number;
  /** The journey's named transitions, the only writers of `state`. */
  readonly transitions: JourneyTransitions;
  /** What the journey knows, for reading. */
  readonly state: Readonly<JourneyState>;
  /** FaceID's request ids, in call order: the result lists them for support cases. */
  readonly requestIds: string[] = [];
  /** Media claims written by result pulls and not yet consumed by an archive: discarded when the journey ends. */
  readonly openClaims = new Set<string>();
  /**
   * The opaque tag the journey sends as FaceID's `Extra` and expects back in the result: its first run id, which names
   * nothing about the person.
   */
  readonly tag = workflowInfo().firstExecutionRunId;
  /** What the policies concluded, once the journey was decided (`decideByPolicies`): its decision record keeps it. */
  policyVerdict?: PolicyVerdict;

  constructor(readonly input: JourneyInput) {
    this.plan = FLOW_PLANS[input.flow];
    this.durations = journeyDurations(input);
    this.policy = resolveRules(input.pinnedPolicy?.document ?? DEFAULT_POLICY_DOCUMENT, input, input.policy);
    this.maxRenewals = input.maxRenewals ?? DEFAULT_MAX_RENEWALS;
    this.transitions = new JourneyTransitions(input, this.maxRenewals);
    this.state = this.transitions.state;
  }

  /** A journey event for the backend, as of now; its id makes redeliveries recognisable. */
  event(type: JourneyEvent['type']): JourneyEvent {
    const { state, input } = this;
    return {
      id: `${this.journeyId}:${type}`,
      type,
      journeyId: this.journeyId,
      reference: input.reference,
      flow: input.flow,
      stage: type === 'journey.completed' ? 'completed' : state.stage,
      ...(state.outcome ? { outcome: state.outcome } : {}),
      reasons: state.reasons,
      ...policyFactsOf(input),
      occurredAt: new Date(Date.now()).toISOString(),
    };
  }
}
