import type { DecisionOutcome, DocumentVerdict } from './decision';
import type { DecisionPolicy, VerificationResult } from './types';

// The decision of journeys recorded before `FAIL_CLOSED_PATCH`, kept word for word so their histories replay. It trusts
// the normalised checks and has no code table; every journey started since decides with `decide` (decision.ts).

/**
 * Reasons for FaceID's liveness and compare codes (reference §5.1) that say more than "failed"; other failing codes
 * give `liveness_failed` / `compare_failed`. 1001 is FaceID's engine failing, not the person: the backend may offer a
 * new journey.
 */
const LIVENESS_REASONS: Readonly<Record<string, string>> = {
  '1001': 'liveness_engine_error',
  '1002': 'liveness_spoof',
  '1004': 'face_not_detected',
};
const COMPARE_REASONS: Readonly<Record<string, string>> = {
  '2004': 'face_image_size_invalid',
  '2012': 'multiple_faces',
  '2013': 'face_incomplete',
  '2014': 'face_image_quality_low',
  '2016': 'similarity_below_threshold',
  '2017': 'face_occluded',
};

/** The decision of a journey recorded before fail-closed decisions (histories only). */
export function decideRecorded(
  result: Pick<VerificationResult, 'liveness' | 'compare' | 'document' | 'deviceRiskLevel'>,
  document: DocumentVerdict,
  policy: DecisionPolicy,
): DecisionOutcome {
  const reject: string[] = [];
  const review: string[] = [];

  if (!result.liveness) {
    reject.push('liveness_missing');
  } else if (!result.liveness.passed) {
    reject.push(LIVENESS_REASONS[result.liveness.code] ?? 'liveness_failed');
  }

  if (result.compare) {
    const { similarity, passed, code } = result.compare;
    // FaceID's own verdict first (2016 is its "below threshold"); then our threshold, which may be stricter.
    if (!passed) reject.push(COMPARE_REASONS[code] ?? 'compare_failed');
    else if (similarity !== null && similarity < policy.similarityThreshold) reject.push('similarity_below_threshold');
  }

  if (document === 'timed_out') review.push('document_timeout');
  for (const doc of [result.document, document === 'timed_out' ? undefined : document]) {
    if (!doc) continue;
    if (doc.status === 'REJECTED') reject.push('document_rejected');
    if (doc.status === 'WARNING') (policy.documentWarning === 'reject' ? reject : review).push('document_warning');
    if (doc.status === 'PASSED' && doc.warnings.length > 0) review.push('document_warning');
  }

  const risk = result.deviceRiskLevel;
  if (risk && policy.rejectDeviceRiskLevels.includes(risk)) reject.push('device_risk_high');
  else if (risk && policy.reviewDeviceRiskLevels.includes(risk)) review.push('device_risk_elevated');

  if (reject.length > 0) return { decision: 'rejected', reasons: unique(reject) };
  if (review.length > 0) return { decision: 'review', reasons: unique(review) };
  return { decision: 'approved', reasons: ['all_checks_passed'] };
}

function unique(reasons: string[]): string[] {
  return [...new Set(reasons)];
}
