import { metricMeter } from '@temporalio/workflow';
import { JOURNEY_METRICS } from '../contracts/journey-metrics';
import { resolveRules } from '../contracts/policy-document';
import {
  decide,
  decisionInputsOf,
  type DecisionInputs,
  type DecisionOutcome,
  type DocumentVerdict,
  type Expectations,
} from './decision';
import type { DecisionRecordInput } from './decision-record';
import type { JourneyRun } from './journey-run';
import type { JourneyInput, Outcome, VerificationResult } from './types';

/** The policy facts every status, result and event of a journey carries. */
export interface PolicyFacts {
  policyVersion: number | null;
  policyOverridden: boolean;
}

/** The version the journey is pinned to (null without one) and whether its own settings were applied over it. */
export function policyFactsOf(input: Pick<JourneyInput, 'pinnedPolicy' | 'policy'>): PolicyFacts {
  return { policyVersion: input.pinnedPolicy?.version ?? null, policyOverridden: input.policy !== undefined };
}

/** What the policies concluded for a journey, kept for its decision record. */
export interface PolicyVerdict {
  inputs: DecisionInputs;
  decision: DecisionOutcome;
  /** The shadow version's conclusion on the same inputs, when the journey has one. */
  shadow?: { version: number; decision: DecisionOutcome };
}

/**
 * Decides the journey under its pinned rules and, beside them without effect, under the shadow version's (with the
 * journey's own overrides, as the pinned ones have them); a disagreement is counted. Returns the pinned decision.
 */
export function decideByPolicies(
  run: JourneyRun,
  result: Pick<VerificationResult, 'codes' | 'compare' | 'document' | 'deviceRiskLevel' | 'extra'>,
  document: DocumentVerdict,
  expected: Expectations,
): DecisionOutcome {
  const { input } = run;
  const decision = decide(result, document, run.policy, expected);
  const shadowPolicy = input.shadowPolicy;
  const shadow = shadowPolicy
    ? {
        version: shadowPolicy.version,
        decision: decide(result, document, resolveRules(shadowPolicy.document, input, input.policy), expected),
      }
    : undefined;
  if (shadow && shadow.decision.decision !== decision.decision) {
    recordShadowDisagreement(decision.decision, shadow.decision.decision);
  }
  run.policyVerdict = { inputs: decisionInputsOf(result, document, expected), decision, ...(shadow ? { shadow } : {}) };
  return decision;
}

/** Counts a live journey the shadow version would have decided otherwise (skipped on replay, so counted once). */
function recordShadowDisagreement(from: string, to: string): void {
  metricMeter
    .createCounter(
      JOURNEY_METRICS.shadowDisagreements,
      'journeys',
      'Journeys the shadow policy version decides otherwise',
    )
    .add(1, { from, to });
}

/**
 * The journey's decision record as it ends, whatever the ending: what the decision used (nothing personal), what the
 * pinned and shadow versions concluded, the outcome, and when each stage began.
 */
export function decisionRecordOf(run: JourneyRun, outcome: Outcome, reasons: string[]): DecisionRecordInput {
  const { input, state, policyVerdict: verdict } = run;
  const pinned = input.pinnedPolicy;
  return {
    journeyId: run.journeyId,
    reference: input.reference,
    flow: input.flow,
    region: input.region,
    policy: pinned ? { version: pinned.version, sha256: pinned.sha256 } : null,
    policyOverridden: input.policy !== undefined,
    ending: outcome === 'approved' || outcome === 'rejected' ? 'decided' : outcome,
    outcome,
    policyDecision: verdict?.decision.decision ?? null,
    reasons,
    inputs: verdict ? { decision: verdict.inputs, ...(input.policy ? { overrides: input.policy } : {}) } : null,
    shadow: verdict?.shadow
      ? {
          version: verdict.shadow.version,
          decision: verdict.shadow.decision.decision,
          reasons: verdict.shadow.decision.reasons,
        }
      : null,
    stages: state.stagesBegan,
    startedAt: state.stagesBegan.issuing_token ?? new Date(Date.now()).toISOString(),
    endedAt: new Date(Date.now()).toISOString(),
  };
}
