import { patched, workflowInfo } from '@temporalio/workflow';
import { resolvePolicy } from './decision';
import { FLOW_PLANS, type FlowPlan } from './flow-plan';
import { journeyDurations, type JourneyDurations } from './journey-durations';
import { JourneyState } from './journey-state';
import type { DecisionPolicy, JourneyEvent, JourneyInput } from './types';

/** Renewals a client app may ask for when the journey input does not say. */
const DEFAULT_MAX_RENEWALS = 3;

/**
 * Patch: journeys started since the history was trimmed. One marker stands for the three earlier patches (inline
 * FaceID calls, retention records, the review queue), and stages that begin and end inside one workflow task stay out
 * of search attributes (`JourneyState.publishStage`). Each marker costs a history event and a `TemporalChangeVersion`
 * upsert, so a journey now writes one instead of two or three. Histories recorded before it replay the old checks.
 */
export const LEAN_HISTORY_PATCH = 'journey-lean-history';

/**
 * Patch: journeys decided by FaceID's code table (`decide`), failing closed, whose tokens carry the journey's tag as
 * `Extra`. Asked at the start, so a journey keeps the rules it began with; histories recorded before it replay on
 * `decideRecorded`. It stands for `LEAN_HISTORY_PATCH` too, so a new journey still writes a single marker.
 */
export const FAIL_CLOSED_PATCH = 'fail-closed-decision';

/**
 * One run of a journey: its input, what follows from it (FaceID actions, durations, policy), its state, and the
 * bookkeeping its stages share. Every stage function takes it.
 */
export class JourneyRun {
  readonly journeyId = workflowInfo().workflowId;
  readonly plan: FlowPlan;
  readonly durations: JourneyDurations;
  readonly policy: DecisionPolicy;
  readonly maxRenewals: number;
  readonly state: JourneyState;
  /** FaceID's request ids, in call order: the result lists them for support cases. */
  readonly requestIds: string[] = [];
  /** Media claims written by result pulls and not yet consumed by an archive: discarded when the journey ends. */
  readonly openClaims = new Set<string>();
  /**
   * Whether this journey decides by the code table (`FAIL_CLOSED_PATCH`). Asked first, so its marker is the first
   * command; it implies `LEAN_HISTORY_PATCH`, which is asked only when it is absent, so a journey writes one marker.
   */
  readonly failClosed = patched(FAIL_CLOSED_PATCH);
  /** Whether this journey began on the code of `LEAN_HISTORY_PATCH` (or later). */
  readonly leanHistory = this.failClosed || patched(LEAN_HISTORY_PATCH);
  /**
   * The opaque tag the journey sends as FaceID's `Extra` and expects back in the result: its first run id, which names
   * nothing about the person.
   */
  readonly tag = this.failClosed ? workflowInfo().firstExecutionRunId : undefined;

  constructor(readonly input: JourneyInput) {
    this.plan = FLOW_PLANS[input.flow];
    this.durations = journeyDurations(input);
    this.policy = resolvePolicy(input.policy);
    this.maxRenewals = input.maxRenewals ?? DEFAULT_MAX_RENEWALS;
    this.state = new JourneyState(input, this.maxRenewals, this.leanHistory);
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
      occurredAt: new Date(Date.now()).toISOString(),
    };
  }
}
