import {
  CAPABILITY_NOT_ENABLED_WARNING,
  failingCode,
  isDocumented,
  reportsDetails,
  SUCCESS_CODE,
  type CodeAction,
  type CodeField,
} from '../faceid/result-codes';
import type { Decision, DecisionPolicy, DocumentResult, Outcome, ResultCodes, VerificationResult } from './types';

/** The default policy: similarity 70 (FAR 0.1 %), document warnings reviewed, high device risk rejected. */
export const DEFAULT_POLICY: DecisionPolicy = {
  similarityThreshold: 70,
  documentWarning: 'review',
  reviewDeviceRiskLevels: ['3'],
  rejectDeviceRiskLevels: ['4'],
  reviewTimeoutDecision: 'rejected',
  fourEyesRejection: false,
};

/** The separate document step's result: a verdict, `timed_out` when FaceID kept processing, or none at all. */
export type DocumentVerdict = DocumentResult | 'timed_out' | undefined;

/** A decision with the reason codes that led to it: a web token that expired ends `expired`, an account fault `failed`. */
export interface DecisionOutcome {
  decision: Decision | Extract<Outcome, 'expired' | 'failed'>;
  reasons: string[];
}

/** What the journey asked FaceID to check, so a step that did not answer is a finding, never a pass. */
export interface Expectations {
  /** The flow was asked to compare faces. */
  compare: boolean;
  /** The flow's own OCR step ran (eKYC CheckMode 1, web CheckMode 1). */
  document: boolean;
  /** The tag the journey sent as FaceID's `Extra`; the result must return it. */
  extra?: string;
}

/** The reason of a journey FaceID could not check a document for: the account lacks the capability (-9109). */
export const CAPABILITY_NOT_ENABLED_REASON = 'document_capability_not_enabled';

/** The reason of an answer the code table cannot vouch for: undocumented codes, disagreeing levels, missing steps. */
const INCONSISTENT_RESULT = 'inconsistent_result';

/** Reasons, by the outcome they lead to. */
class Findings {
  readonly reject: string[] = [];
  readonly review: string[] = [];
  readonly expire: string[] = [];
  readonly fail: string[] = [];

  add(action: CodeAction, reason: string): void {
    this[action].push(reason);
  }

  /** An answer the table cannot vouch for: review, with what was missing when something was. */
  inconsistent(missing?: string): void {
    this.review.push(INCONSISTENT_RESULT, ...(missing ? [missing] : []));
  }

  /** The most severe outcome: a rejection of the person first, then an expired token, an account fault, a review. */
  outcome(): DecisionOutcome {
    if (this.reject.length > 0) return { decision: 'rejected', reasons: unique(this.reject) };
    if (this.expire.length > 0) return { decision: 'expired', reasons: unique(this.expire) };
    if (this.fail.length > 0) return { decision: 'failed', reasons: unique(this.fail) };
    if (this.review.length > 0) return { decision: 'review', reasons: unique(this.review) };
    return { decision: 'approved', reasons: ['all_checks_passed'] };
  }
}

/**
 * Decides a finished verification; it fails closed. It approves only when every code FaceID gave is documented for
 * its action and mode and reports success at the overall and the detail level, every expected step answered, the
 * similarity clears the threshold and the result carries the journey's tag. Pure and deterministic.
 */
export function decide(
  result: Pick<VerificationResult, 'codes' | 'compare' | 'document' | 'deviceRiskLevel' | 'extra'>,
  document: DocumentVerdict,
  policy: DecisionPolicy,
  expected: Expectations,
): DecisionOutcome {
  const findings = new Findings();
  if (result.codes) judgeCodes(result.codes, expected, findings);
  else findings.inconsistent('codes_missing');
  judgeSimilarity(result, expected, policy, findings);

  if (expected.document && !result.document) findings.inconsistent('document_missing');
  if (document === 'timed_out') findings.review.push('document_timeout');
  for (const doc of [result.document, document === 'timed_out' ? undefined : document]) {
    if (doc) judgeDocument(doc, policy, findings);
  }

  if (expected.extra !== undefined && result.extra !== expected.extra) findings.reject.push('result_mismatch');

  const risk = result.deviceRiskLevel;
  if (risk && policy.rejectDeviceRiskLevels.includes(risk)) findings.reject.push('device_risk_high');
  else if (risk && policy.reviewDeviceRiskLevels.includes(risk)) findings.review.push('device_risk_elevated');
  return findings.outcome();
}

const DETAIL_FIELDS = ['attempt', 'liveness', 'compare'] as const;
/** The step codes that must corroborate the overall code; `attempt` repeats the overall code for the last attempt. */
const STEP_FIELDS = ['liveness', 'compare'] as const;

/** The overall code and the last attempt's detail codes, checked against the table and against each other. */
function judgeCodes(codes: ResultCodes, expected: Expectations, findings: Findings): void {
  const { action, overall } = codes;
  const mode = { compare: expected.compare };
  const fields: readonly CodeField[] = reportsDetails(action) ? ['overall', ...DETAIL_FIELDS] : ['overall'];
  const undocumented = fields.filter((field) => !isDocumented(action, field, mode, codes[field] ?? null));
  if (undocumented.length > 0 || overall === null) {
    findings.inconsistent();
    return;
  }
  const meaning = overall === SUCCESS_CODE ? undefined : failingCode(action, overall);
  // A process code (token expired, too many attempts) ends the process by itself: the attempts before it need not agree.
  if (meaning?.scope === 'process' || (meaning && !reportsDetails(action))) {
    findings.add(meaning.action, meaning.reason);
    return;
  }
  const attempt = codes.attempt ?? null;
  if (attempt !== null && attempt !== overall) {
    findings.inconsistent();
    return;
  }
  const failingDetails = STEP_FIELDS.flatMap((field) => {
    const code = codes[field] ?? null;
    return code !== null && code !== SUCCESS_CODE ? [code] : [];
  });
  if (overall === SUCCESS_CODE) {
    if (failingDetails.length > 0) findings.inconsistent();
    else if (reportsDetails(action)) expectDetails(codes, expected, findings);
  } else if (!meaning || failingDetails.length === 0) {
    // An undocumented failure, or a failed check whose attempt shows nothing failing: FaceID's levels disagree.
    findings.inconsistent();
  } else {
    findings.add(meaning.action, meaning.reason);
    for (const code of failingDetails) {
      const detail = failingCode(action, code);
      if (detail) findings.add(detail.action, detail.reason);
    }
  }
}

/** With an overall success, the attempt must show the liveness and, when asked for, the compare step as passed. */
function expectDetails(codes: ResultCodes, expected: Expectations, findings: Findings): void {
  if ((codes.liveness ?? null) === null) findings.inconsistent('liveness_missing');
  if (expected.compare && (codes.compare ?? null) === null) findings.inconsistent('compare_missing');
}

/** FaceID's pass is necessary, not sufficient: the similarity must clear the policy's threshold too. */
function judgeSimilarity(
  result: Pick<VerificationResult, 'codes' | 'compare'>,
  expected: Expectations,
  policy: DecisionPolicy,
  findings: Findings,
): void {
  if (!expected.compare || result.codes?.overall !== SUCCESS_CODE) return;
  if (!result.compare) {
    findings.inconsistent('compare_missing');
    return;
  }
  // A comparison some level calls failed is a finding already.
  if (!result.compare.passed) return;
  const similarity = result.compare.similarity;
  if (similarity === null) findings.inconsistent('similarity_missing');
  else if (similarity < policy.similarityThreshold) findings.reject.push('similarity_below_threshold');
}

/** A document verdict: -9109 says the account lacks the capability, which is an operator's problem, not the person's. */
function judgeDocument(doc: DocumentResult, policy: DecisionPolicy, findings: Findings): void {
  const capabilityMissing = doc.warnings.includes(CAPABILITY_NOT_ENABLED_WARNING);
  const warnings = doc.warnings.filter((code) => code !== CAPABILITY_NOT_ENABLED_WARNING);
  if (capabilityMissing) findings.fail.push(CAPABILITY_NOT_ENABLED_REASON);
  // Flagged by -9109 alone, the document was never judged.
  const judged = !capabilityMissing || warnings.length > 0;
  const warningAction = policy.documentWarning === 'reject' ? findings.reject : findings.review;
  switch (doc.status) {
    case 'REJECTED':
      if (judged) findings.reject.push('document_rejected');
      break;
    case 'UNKNOWN':
      findings.inconsistent('document_unverified');
      break;
    case 'WARNING':
      if (judged) warningAction.push('document_warning');
      break;
    case 'PASSED':
      if (warnings.length > 0) warningAction.push('document_warning');
      break;
  }
  if (doc.edited) findings.review.push('ocr_fields_edited');
}

/** Merges per-journey overrides into the default policy. */
export function resolvePolicy(overrides: Partial<DecisionPolicy> | undefined): DecisionPolicy {
  return { ...DEFAULT_POLICY, ...overrides };
}

function unique(reasons: string[]): string[] {
  return [...new Set(reasons)];
}
