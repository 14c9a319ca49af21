import {
  DEFAULT_POLICY_DOCUMENT,
  resolveRules,
  type JourneyPolicyOverrides,
  type PinnedPolicy,
  type PolicyDocument,
  type PolicyRules,
} from '../contracts/policy-document';
import { policySha256 } from '../policy/policy-hash';
import type { JourneyInput } from '../workflows/types';

/** `policy.json` of a bundle: the policy version a journey was pinned to, the document itself, and what it decided by. */
export interface PolicyRecord {
  /** The version's number, or null for a journey started without one (it ran under the first version's document). */
  version: number | null;
  /** Hex SHA-256 of `document` as canonical JSON (`policySha256`). */
  sha256: string;
  sha256Is: string;
  document: PolicyDocument;
  /** The journey's own settings from its start body, applied over the version's rules. */
  overrides: JourneyPolicyOverrides;
  overridden: boolean;
  /** The rules the journey was decided by: the document's, for its flow and region, with its overrides. */
  effective: PolicyRules;
  /** A version evaluated beside it without effect, when one was marked shadow at the start. */
  shadow?: { version: number; sha256: string };
}

/** The policy record of a journey, from its input exactly as its history recorded it. */
export function policyRecord(
  input: Pick<JourneyInput, 'flow' | 'region' | 'policy' | 'pinnedPolicy' | 'shadowPolicy'>,
): PolicyRecord {
  const pinned: PinnedPolicy | undefined = input.pinnedPolicy;
  const document = pinned?.document ?? DEFAULT_POLICY_DOCUMENT;
  const overrides = input.policy ?? {};
  return {
    version: pinned?.version ?? null,
    sha256: pinned?.sha256 ?? policySha256(document),
    sha256Is: 'the SHA-256 of `document` as JSON with its keys sorted and no whitespace (UTF-8), in hex',
    document,
    overrides,
    overridden: Object.keys(overrides).length > 0,
    effective: resolveRules(document, input, input.policy),
    ...(input.shadowPolicy
      ? { shadow: { version: input.shadowPolicy.version, sha256: input.shadowPolicy.sha256 } }
      : {}),
  };
}
