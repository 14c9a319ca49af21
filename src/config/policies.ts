import { z } from 'zod';

/** The decision policies' variables (docs/policies.md). */
export const policiesEnv = z.object({
  // Whether publishing and retiring a policy version need a second, different identity.
  POLICY_FOUR_EYES: z.enum(['true', 'false']).default('false'),
});

/** How the policy service runs: whether publishing and retiring need a second identity. */
export function policySettings(e: z.infer<typeof policiesEnv>): { fourEyes: boolean } {
  return { fourEyes: e.POLICY_FOUR_EYES === 'true' };
}
