import { DEFAULT_POLICY_DOCUMENT, resolveRules } from '../../src/contracts/policy-document';
import type { ResultAction } from '../../src/faceid/result-codes';
import { decide, decisionInputsOf, type Expectations } from '../../src/workflows/decision';
import type { DocumentResult, Flow, VerificationResult } from '../../src/workflows/types';

// Synthetic decision records for the back-test bench: every id made up, every input what a FaceID answer of the flow
// looks like after normalisation, decided by the first policy version as a live journey would have been.

/** One `decision_records` row, as the bench inserts it. */
export interface SyntheticRecord {
  journey_id: string;
  reference: string;
  flow: Flow;
  region: string;
  policy_version: number;
  policy_sha256: string;
  ending: 'decided' | 'expired' | 'cancelled' | 'failed';
  outcome: string;
  policy_decision: string | null;
  reasons: string[];
  inputs: unknown;
  stages: Record<string, string>;
  started_at: string;
  ended_at: string;
}

/** The flows in the mix a bank might see: mostly SDK selfie and eKYC, some liveness-only and web. */
const FLOW_MIX: ReadonlyArray<[Flow, number]> = [
  ['selfie', 0.3],
  ['ekyc', 0.3],
  ['liveness', 0.15],
  ['web', 0.2],
  ['web-legacy', 0.05],
];
const REGION_MIX: ReadonlyArray<[string, number]> = [
  ['ap-singapore', 0.35],
  ['ap-jakarta', 0.3],
  ['ap-bangkok', 0.2],
  ['ap-hongkong', 0.1],
  ['sa-saopaulo', 0.05],
];

const ACTIONS: Readonly<Record<Flow, ResultAction>> = {
  selfie: 'GetFaceIdResultIntl',
  liveness: 'GetLivenessResult',
  ekyc: 'GetSdkVerificationResult',
  web: 'GetWebVerificationResultIntl',
  'web-legacy': 'GetWebVerificationResult',
};

const LIVENESS_FAILURES = ['1001', '1002', '1004', '1201'];
const COMPARE_FAILURES = ['2015', '2016', '2017'];
const DOCUMENT_WARNINGS = ['-9101', '-9102', '-9103', '-9107', '-9108'];
const TAG = 'bench-tag';

/** A small seeded generator (mulberry32), so every run inserts the same records. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(mix: ReadonlyArray<[T, number]>, r: number): T {
  let left = r;
  for (const [value, share] of mix) {
    if (left < share) return value;
    left -= share;
  }
  return (mix[mix.length - 1] as [T, number])[0];
}

type Decided = Pick<VerificationResult, 'codes' | 'compare' | 'document' | 'deviceRiskLevel' | 'extra'>;

/** A normalised answer of `flow` whose last attempt ended with `code` at its step (`0` throughout: a pass). */
function answer(
  flow: Flow,
  code: string,
  step: 'liveness' | 'compare',
  similarity: number,
  next: () => number,
): Decided {
  const action = ACTIONS[flow];
  const failed = code !== '0';
  const detailed = flow === 'ekyc' || flow === 'web' || flow === 'web-legacy';
  const codes = detailed
    ? {
        action,
        overall: code,
        attempt: code,
        liveness: failed && step === 'liveness' ? code : '0',
        compare: failed && step === 'liveness' ? null : code,
      }
    : { action, overall: code };
  const compares = flow !== 'liveness';
  const document: DocumentResult | undefined =
    flow === 'ekyc'
      ? next() < 0.08
        ? { source: 'ekyc-sdk', status: 'WARNING', warnings: [DOCUMENT_WARNINGS[Math.floor(next() * 5)] as string] }
        : { source: 'ekyc-sdk', status: 'PASSED', warnings: [], ...(next() < 0.03 ? { edited: true } : {}) }
      : undefined;
  const risk = next();
  return {
    codes,
    ...(compares ? { compare: { passed: !failed, code, similarity } } : {}),
    ...(document ? { document } : {}),
    ...(flow === 'selfie' || flow === 'ekyc'
      ? { deviceRiskLevel: risk < 0.04 ? '4' : risk < 0.1 ? '3' : risk < 0.25 ? '2' : '1' }
      : {}),
    extra: TAG,
  };
}

/** `count` records whose journeys ended evenly over `[from, to)`, with the mix of flows, regions and answers above. */
export function* syntheticRecords(count: number, from: number, to: number, sha256: string): Generator<SyntheticRecord> {
  const next = random(32);
  const step = (to - from) / count;
  for (let i = 0; i < count; i += 1) {
    const id = String(i + 1).padStart(7, '0');
    const flow = pick(FLOW_MIX, next());
    const region = pick(REGION_MIX, next());
    const endedAt = Math.floor(from + i * step);
    const startedAt = endedAt - 60_000 - Math.floor(next() * 600_000);
    const base = {
      journey_id: `ekyc:bench-${id}`,
      reference: `bench-${id}`,
      flow,
      region,
      policy_version: 1,
      policy_sha256: sha256,
      stages: { issuing_token: new Date(startedAt).toISOString(), notifying: new Date(endedAt).toISOString() },
      started_at: new Date(startedAt).toISOString(),
      ended_at: new Date(endedAt).toISOString(),
    };
    const scenario = next();
    if (scenario < 0.04) {
      const ending = scenario < 0.025 ? 'expired' : scenario < 0.035 ? 'cancelled' : 'failed';
      const reason = { expired: 'user_did_not_finish', cancelled: 'user_cancelled', failed: 'faceid_unavailable' }[
        ending
      ];
      yield { ...base, ending, outcome: ending, policy_decision: null, reasons: [reason], inputs: null };
      continue;
    }
    // Most pass; of those, similarities spread from 70 to 100, so a stricter threshold has journeys to change.
    const similarity = scenario < 0.8 ? 70 + next() * 30 : scenario < 0.88 ? 40 + next() * 30 : 60 + next() * 40;
    const code =
      scenario < 0.88
        ? '0'
        : scenario < 0.95
          ? (LIVENESS_FAILURES[Math.floor(next() * LIVENESS_FAILURES.length)] as string)
          : (COMPARE_FAILURES[Math.floor(next() * COMPARE_FAILURES.length)] as string);
    const result = answer(
      flow,
      code,
      scenario < 0.95 ? 'liveness' : 'compare',
      Math.round(similarity * 100) / 100,
      next,
    );
    const expected: Expectations = { compare: flow !== 'liveness', document: flow === 'ekyc', extra: TAG };
    const own = decide(result, undefined, resolveRules(DEFAULT_POLICY_DOCUMENT, { flow, region }), expected);
    // A reviewer approves most cases the policy sent to review.
    const outcome = own.decision === 'review' ? (next() < 0.8 ? 'approved' : 'rejected') : own.decision;
    yield {
      ...base,
      ending: 'decided',
      outcome,
      policy_decision: own.decision,
      reasons: own.reasons,
      inputs: { decision: decisionInputsOf(result, undefined, expected) },
    };
  }
}
