import {
  CAPABILITY_NOT_ENABLED_WARNING,
  failingCode,
  isDocumented,
  reportsDetails,
  SUCCESS_CODE,
  type CodeAction,
  type CodeField,
} from '../faceid/result-codes';
import {
  DECISION_REASON_DEFAULTS,
  type AcceptableAction,
  type PolicyRules,
  type ReasonAction,
} from '../contracts/policy-document';
import type { Decision, DocumentResult, Outcome, ResultCodes, VerificationResult } from './types';

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

  /** A reason the policy acts on: its action in the rules, else the code table's (or the decision's) own. */
  byPolicy(rules: PolicyRules, reason: string, tableAction: CodeAction): void {
    // An expired token is never the policy's to change.
    this.add(tableAction === 'expire' ? 'expire' : (rules.reasonActions[reason] ?? tableAction), reason);
  }

  /** A finding whose action may be to accept it. */
  accept(action: AcceptableAction, reason: string): void {
    if (action !== 'approve') this.add(action, reason);
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
  rules: PolicyRules,
  expected: Expectations,
): DecisionOutcome {
  const findings = new Findings();
  if (result.codes) judgeCodes(result.codes, expected, rules, findings);
  else findings.inconsistent('codes_missing');
  judgeSimilarity(result, expected, rules, findings);

  if (expected.document && !result.document) findings.inconsistent('document_missing');
  if (document === 'timed_out') decisionReason(rules, 'document_timeout', findings);
  for (const doc of [result.document, document === 'timed_out' ? undefined : document]) {
    if (doc) judgeDocument(doc, rules, findings);
  }

  if (expected.extra !== undefined && result.extra !== expected.extra) findings.reject.push('result_mismatch');

  const risk = result.deviceRiskLevel as PolicyRules['deviceRisk']['reject'][number] | undefined;
  if (risk && rules.deviceRisk.reject.includes(risk)) findings.reject.push('device_risk_high');
  else if (risk && rules.deviceRisk.review.includes(risk)) findings.review.push('device_risk_elevated');
  return findings.outcome();
}

const DETAIL_FIELDS = ['attempt', 'liveness', 'compare'] as const;
/** The step codes that must corroborate the overall code; `attempt` repeats the overall code for the last attempt. */
const STEP_FIELDS = ['liveness', 'compare'] as const;

/** The overall code and the last attempt's detail codes, checked against the table and against each other. */
function judgeCodes(codes: ResultCodes, expected: Expectations, rules: PolicyRules, findings: Findings): void {
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
    findings.byPolicy(rules, meaning.reason, meaning.action);
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
    findings.byPolicy(rules, meaning.reason, meaning.action);
    for (const code of failingDetails) {
      const detail = failingCode(action, code);
      if (detail) findings.byPolicy(rules, detail.reason, detail.action);
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
  rules: PolicyRules,
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
  else if (similarity < rules.similarityThreshold) findings.byPolicy(rules, 'similarity_below_threshold', 'reject');
}

/** A document verdict: -9109 says the account lacks the capability, which is an operator's problem, not the person's. */
function judgeDocument(doc: DocumentResult, rules: PolicyRules, findings: Findings): void {
  const capabilityMissing = doc.warnings.includes(CAPABILITY_NOT_ENABLED_WARNING);
  const warnings = doc.warnings.filter((code) => code !== CAPABILITY_NOT_ENABLED_WARNING);
  if (capabilityMissing) findings.fail.push(CAPABILITY_NOT_ENABLED_REASON);
  // Flagged by -9109 alone, the document was never judged.
  const judged = !capabilityMissing || warnings.length > 0;
  switch (doc.status) {
    case 'REJECTED':
      if (judged) decisionReason(rules, 'document_rejected', findings);
      break;
    case 'UNKNOWN':
      findings.inconsistent('document_unverified');
      break;
    case 'WARNING':
      if (judged) findings.accept(warningAction(warnings, rules), 'document_warning');
      break;
    case 'PASSED':
      if (warnings.length > 0) findings.accept(warningAction(warnings, rules), 'document_warning');
      break;
  }
  if (doc.edited) findings.accept(rules.ocrFieldsEdited, 'ocr_fields_edited');
}

const SEVERITY: Readonly<Record<AcceptableAction, number>> = { approve: 0, review: 1, reject: 2 };

/** The most severe action the policy gives any of the warnings; a warning without codes takes the default. */
function warningAction(warnings: readonly string[], rules: PolicyRules): AcceptableAction {
  const { default: fallback, codes } = rules.documentWarnings;
  const actions: AcceptableAction[] =
    warnings.length > 0 ? warnings.map((code) => codes[code] ?? fallback) : [fallback];
  return actions.reduce((worst, action) => (SEVERITY[action] > SEVERITY[worst] ? action : worst));
}

/** One of the decision's own reasons, with its action from the rules or its default. */
function decisionReason(rules: PolicyRules, reason: string, findings: Findings): void {
  const fallback: ReasonAction = DECISION_REASON_DEFAULTS[reason] ?? 'reject';
  findings.byPolicy(rules, reason, fallback);
}

/**
 * What a decision used, with nothing personal: the codes, the similarity, the document's verdict and warning codes, the
 * device risk, and whether the result carried the journey's tag. The decision record keeps it so a back-test can decide
 * the journey again under another version ({@link redecide}).
 */
export interface DecisionInputs {
  result: {
    codes?: ResultCodes;
    compare?: { passed: boolean; similarity: number | null };
    document?: RecordedDocument;
    deviceRiskLevel?: string;
    /** Whether `Extra` came back as the journey's tag (its value, the run id, is not kept). */
    tagMatched: boolean;
  };
  /** The separate document step's verdict. */
  document?: RecordedDocument | 'timed_out';
  expected: { compare: boolean; document: boolean; tagged: boolean };
}

/** A document verdict without the card's type or nationality. */
type RecordedDocument = Pick<DocumentResult, 'source' | 'status' | 'warnings' | 'edited'>;

function recordedDocument(doc: DocumentResult): RecordedDocument {
  return { source: doc.source, status: doc.status, warnings: doc.warnings, ...(doc.edited ? { edited: true } : {}) };
}

/** The inputs of one {@link decide} call, for its record. */
export function decisionInputsOf(
  result: Pick<VerificationResult, 'codes' | 'compare' | 'document' | 'deviceRiskLevel' | 'extra'>,
  document: DocumentVerdict,
  expected: Expectations,
): DecisionInputs {
  return {
    result: {
      ...(result.codes ? { codes: result.codes } : {}),
      ...(result.compare ? { compare: { passed: result.compare.passed, similarity: result.compare.similarity } } : {}),
      ...(result.document ? { document: recordedDocument(result.document) } : {}),
      ...(result.deviceRiskLevel ? { deviceRiskLevel: result.deviceRiskLevel } : {}),
      tagMatched: expected.extra !== undefined && result.extra === expected.extra,
    },
    ...(document === 'timed_out' ? { document } : document ? { document: recordedDocument(document) } : {}),
    expected: { compare: expected.compare, document: expected.document, tagged: expected.extra !== undefined },
  };
}

const RECORDED_TAG = 'recorded-tag';

/** The decision `rules` give the recorded inputs: the same as {@link decide} gave the live journey under its rules. */
export function redecide(inputs: DecisionInputs, rules: PolicyRules): DecisionOutcome {
  const { result, expected } = inputs;
  const live = {
    ...(result.codes ? { codes: result.codes } : {}),
    ...(result.compare ? { compare: { ...result.compare, code: '' } } : {}),
    ...(result.document ? { document: result.document } : {}),
    ...(result.deviceRiskLevel ? { deviceRiskLevel: result.deviceRiskLevel } : {}),
    extra: result.tagMatched ? RECORDED_TAG : null,
  };
  return decide(live, inputs.document, rules, {
    compare: expected.compare,
    document: expected.document,
    ...(expected.tagged ? { extra: RECORDED_TAG } : {}),
  });
}

function unique(reasons: string[]): string[] {
  return [...new Set(reasons)];
}
