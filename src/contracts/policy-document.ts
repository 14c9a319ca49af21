import type { FACEID_REGIONS } from '../faceid/actions';
import { DOCUMENT_WARNING_CODES, SDK_FAILING_CODES, WEB_FAILING_CODES } from '../faceid/result-codes';
import type { FLOW_PLANS } from './flow-plan';

/**
 * The decision policy as versioned data: the document a risk team writes, publishes and back-tests, and what the
 * journey's `decide` takes from it. Plain types and pure functions (no zod), so the workflow bundle can use them; the
 * edges validate documents with `src/policy/policy-schema.ts` before they reach a journey.
 */

/** The policy document's format; a document names the one it was written in. */
export const POLICY_FORMAT = 1;

/** What a reason the policy may act on leads to. Approving a failed check is not offered: the decision fails closed. */
export type ReasonAction = 'review' | 'reject';

/** What a document warning or an edited OCR field leads to; `approve` accepts it. */
export type AcceptableAction = 'approve' | 'review' | 'reject';

/** FaceID's device risk levels: "1" secure … "4" high. */
export type DeviceRiskLevel = '1' | '2' | '3' | '4';
export const DEVICE_RISK_LEVELS: readonly DeviceRiskLevel[] = ['1', '2', '3', '4'];

/** The journey flows a policy override can name. */
type PolicyFlow = keyof typeof FLOW_PLANS;

/** The FaceID regions a policy override can name. */
type PolicyRegion = (typeof FACEID_REGIONS)[number];

/**
 * The reasons whose action a policy sets: every failing code of the code table that the table rejects or reviews, and
 * the decision's own verdicts. Reasons that mean the answer cannot be trusted (`inconsistent_result`, a missing step,
 * `result_mismatch`, an unverified document), an expired token and an account fault are not the policy's to change.
 */
export const POLICY_REASONS: readonly string[] = [
  ...new Set([
    ...[SDK_FAILING_CODES, WEB_FAILING_CODES].flatMap((table) =>
      Object.values(table)
        .filter((meaning) => meaning.action !== 'expire')
        .map((meaning) => meaning.reason),
    ),
    'document_rejected',
    'document_timeout',
  ]),
].sort();

/** The reasons the decision adds by itself, with the action they take unless the policy says otherwise. */
export const DECISION_REASON_DEFAULTS: Readonly<Record<string, ReasonAction>> = {
  document_rejected: 'reject',
  document_timeout: 'review',
};

/** The document warning codes a policy can act on (the capability code -9109 is an account fault, never the person's). */
export const POLICY_WARNING_CODES: readonly string[] = Object.keys(DOCUMENT_WARNING_CODES).filter(
  (code) => code !== '-9109',
);

/** Every rule of a policy: the whole of what `decide` uses. */
export interface PolicyRules {
  /** Minimum similarity (0–100) for a face match; 70 ≈ FAR 0.1 %, 80 ≈ FAR 0.01 %. */
  similarityThreshold: number;
  /** The action per reason where it differs from the code table's own (which rejects every failed check). */
  reasonActions: Partial<Record<string, ReasonAction>>;
  /** What a document warning leads to: one action for every code, and the codes that take another. */
  documentWarnings: { default: ReasonAction; codes: Partial<Record<string, AcceptableAction>> };
  /** Device risk levels that send a journey to review, and that reject it. */
  deviceRisk: { review: DeviceRiskLevel[]; reject: DeviceRiskLevel[] };
  /** What it means that the user edited OCR fields before submitting them (the eKYC SDK reports it). */
  ocrFieldsEdited: AcceptableAction;
  /** Human review: the decision when no reviewer decides in time, and whether a rejection needs two reviewers. */
  review: { timeoutDecision: 'approved' | 'rejected'; fourEyesRejection: boolean };
}

/** Rules that replace the document's own for journeys of one flow, one region, or both. */
export interface PolicyOverride {
  flow?: PolicyFlow;
  region?: PolicyRegion;
  rules: Partial<PolicyRules>;
}

/** A decision policy document, format 1. */
export interface PolicyDocument {
  format: typeof POLICY_FORMAT;
  rules: PolicyRules;
  /** Applied in order to the journeys they match; a later match wins field by field. */
  overrides: PolicyOverride[];
}

/** The document of the first version: the code table's actions, similarity 70, warnings reviewed, risk 3/4. */
export const DEFAULT_POLICY_DOCUMENT: PolicyDocument = {
  format: POLICY_FORMAT,
  rules: {
    similarityThreshold: 70,
    reasonActions: {},
    documentWarnings: { default: 'review', codes: {} },
    deviceRisk: { review: ['3'], reject: ['4'] },
    ocrFieldsEdited: 'review',
    review: { timeoutDecision: 'rejected', fourEyesRejection: false },
  },
  overrides: [],
};

/**
 * A journey's own policy settings in its start body: the older flat form, applied over the version's rules and
 * recorded as overrides.
 */
export interface JourneyPolicyOverrides {
  similarityThreshold?: number;
  documentWarning?: ReasonAction;
  reviewDeviceRiskLevels?: DeviceRiskLevel[];
  rejectDeviceRiskLevels?: DeviceRiskLevel[];
  reviewTimeoutDecision?: 'approved' | 'rejected';
  fourEyesRejection?: boolean;
}

/** The version a journey is pinned to when it starts: its number, its hash and its document. */
export interface PinnedPolicy {
  version: number;
  /** Hex SHA-256 of the document's canonical JSON. */
  sha256: string;
  document: PolicyDocument;
}

/** The rules one journey is decided by: its version's, with the overrides for its flow and region and its own. */
export function resolveRules(
  document: PolicyDocument,
  journey: { flow: string; region: string },
  own?: JourneyPolicyOverrides,
): PolicyRules {
  let rules = document.rules;
  for (const override of document.overrides) {
    const matches =
      (override.flow === undefined || override.flow === journey.flow) &&
      (override.region === undefined || override.region === journey.region);
    if (matches) rules = { ...rules, ...override.rules };
  }
  return own ? applyJourneyOverrides(rules, own) : rules;
}

function applyJourneyOverrides(rules: PolicyRules, own: JourneyPolicyOverrides): PolicyRules {
  return {
    ...rules,
    ...(own.similarityThreshold !== undefined ? { similarityThreshold: own.similarityThreshold } : {}),
    ...(own.documentWarning !== undefined
      ? { documentWarnings: { ...rules.documentWarnings, default: own.documentWarning } }
      : {}),
    deviceRisk: {
      review: own.reviewDeviceRiskLevels ?? rules.deviceRisk.review,
      reject: own.rejectDeviceRiskLevels ?? rules.deviceRisk.reject,
    },
    review: {
      timeoutDecision: own.reviewTimeoutDecision ?? rules.review.timeoutDecision,
      fourEyesRejection: own.fourEyesRejection ?? rules.review.fourEyesRejection,
    },
  };
}

/** JSON with every object's keys sorted and no whitespace, so equal documents always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
