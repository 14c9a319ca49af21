import type { JourneyInput } from './types';

/** The policy facts every status, result and event of a journey carries. */
export interface PolicyFacts {
  policyVersion: number | null;
  policyOverridden: boolean;
}

/** The version the journey is pinned to (null without one) and whether its own settings were applied over it. */
export function policyFactsOf(input: Pick<JourneyInput, 'pinnedPolicy' | 'policy'>): PolicyFacts {
  return { policyVersion: input.pinnedPolicy?.version ?? null, policyOverridden: input.policy !== undefined };
}
