import { DEFAULT_POLICY, resolvePolicy, type DocumentVerdict } from '../../../src/workflows/decision';
import { decideRecorded as decide } from '../../../src/workflows/recorded-decision';
import type { DecisionPolicy, DocumentResult, VerificationResult } from '../../../src/workflows/types';

type Facts = Pick<VerificationResult, 'liveness' | 'compare' | 'document' | 'deviceRiskLevel'>;

const pass: Facts = { liveness: { passed: true, code: '0' }, compare: { passed: true, code: '0', similarity: 92 } };
const doc = (status: DocumentResult['status'], warnings: string[] = []): DocumentResult => ({
  source: 'card-verification',
  status,
  warnings,
});

const cases: Array<{
  name: string;
  facts: Facts;
  document?: DocumentVerdict;
  policy?: Partial<DecisionPolicy>;
  decision: string;
  reasons: string[];
}> = [
  { name: 'everything passes', facts: pass, decision: 'approved', reasons: ['all_checks_passed'] },
  {
    name: 'liveness only, passed',
    facts: { liveness: { passed: true, code: '0' } },
    decision: 'approved',
    reasons: ['all_checks_passed'],
  },
  { name: 'no liveness result at all', facts: {}, decision: 'rejected', reasons: ['liveness_missing'] },
  {
    name: 'spoof (1002)',
    facts: { liveness: { passed: false, code: '1002' } },
    decision: 'rejected',
    reasons: ['liveness_spoof'],
  },
  {
    name: 'liveness failed (1005)',
    facts: { liveness: { passed: false, code: '1005' } },
    decision: 'rejected',
    reasons: ['liveness_failed'],
  },
  {
    name: 'similarity below the default threshold 70',
    facts: { ...pass, compare: { passed: true, code: '0', similarity: 69.9 } },
    decision: 'rejected',
    reasons: ['similarity_below_threshold'],
  },
  {
    name: 'similarity exactly at the threshold',
    facts: { ...pass, compare: { passed: true, code: '0', similarity: 70 } },
    decision: 'approved',
    reasons: ['all_checks_passed'],
  },
  {
    name: 'strict threshold 80 rejects 75',
    facts: { ...pass, compare: { passed: true, code: '0', similarity: 75 } },
    policy: { similarityThreshold: 80 },
    decision: 'rejected',
    reasons: ['similarity_below_threshold'],
  },
  {
    name: 'FaceID says similarity too low (2016)',
    facts: { ...pass, compare: { passed: false, code: '2016', similarity: null } },
    decision: 'rejected',
    reasons: ['similarity_below_threshold'],
  },
  {
    name: 'comparison failed (2015)',
    facts: { ...pass, compare: { passed: false, code: '2015', similarity: 0 } },
    decision: 'rejected',
    reasons: ['compare_failed'],
  },
  {
    name: 'comparison failed without a similarity (2015)',
    facts: { ...pass, compare: { passed: false, code: '2015', similarity: null } },
    decision: 'rejected',
    reasons: ['compare_failed'],
  },
  {
    name: 'document PASSED',
    facts: pass,
    document: doc('PASSED'),
    decision: 'approved',
    reasons: ['all_checks_passed'],
  },
  {
    name: 'document WARNING → review',
    facts: pass,
    document: doc('WARNING', ['-9103']),
    decision: 'review',
    reasons: ['document_warning'],
  },
  {
    name: 'document WARNING → reject by policy',
    facts: pass,
    document: doc('WARNING', ['-9103']),
    policy: { documentWarning: 'reject' },
    decision: 'rejected',
    reasons: ['document_warning'],
  },
  {
    name: 'document REJECTED',
    facts: pass,
    document: doc('REJECTED'),
    decision: 'rejected',
    reasons: ['document_rejected'],
  },
  {
    name: 'document passed with warnings → review',
    facts: pass,
    document: doc('PASSED', ['-9107']),
    decision: 'review',
    reasons: ['document_warning'],
  },
  {
    name: 'document still processing at the cap',
    facts: pass,
    document: 'timed_out',
    decision: 'review',
    reasons: ['document_timeout'],
  },
  {
    name: 'eKYC SDK document warning in the flow result',
    facts: { ...pass, document: { source: 'ekyc-sdk', status: 'WARNING', warnings: ['-9102'] } },
    decision: 'review',
    reasons: ['document_warning'],
  },
  {
    name: 'device risk 3 → review',
    facts: { ...pass, deviceRiskLevel: '3' },
    decision: 'review',
    reasons: ['device_risk_elevated'],
  },
  {
    name: 'device risk 4 → reject',
    facts: { ...pass, deviceRiskLevel: '4' },
    decision: 'rejected',
    reasons: ['device_risk_high'],
  },
  {
    name: 'device risk 1 → approved',
    facts: { ...pass, deviceRiskLevel: '1' },
    decision: 'approved',
    reasons: ['all_checks_passed'],
  },
  {
    name: 'a rejection outranks a review, and every reason is kept',
    facts: { liveness: { passed: false, code: '1005' }, deviceRiskLevel: '3' },
    document: doc('WARNING'),
    decision: 'rejected',
    reasons: ['liveness_failed'],
  },
  {
    name: 'several rejecting reasons are all reported',
    facts: { liveness: { passed: false, code: '1002' }, deviceRiskLevel: '4' },
    document: doc('REJECTED'),
    decision: 'rejected',
    reasons: ['liveness_spoof', 'document_rejected', 'device_risk_high'],
  },
];

describe('the decision of journeys recorded before fail-closed decisions', () => {
  it.each(cases)('$name → $decision', ({ facts, document, policy, decision, reasons }) => {
    expect(decide(facts, document, resolvePolicy(policy))).toEqual({ decision, reasons });
  });

  it('defaults to threshold 70, review on warnings, reject on risk 4', () => {
    expect(DEFAULT_POLICY).toMatchObject({
      similarityThreshold: 70,
      documentWarning: 'review',
      rejectDeviceRiskLevels: ['4'],
    });
  });
});

describe('each documented liveness and compare code has its reason', () => {
  it.each([
    ['1001', 'liveness_engine_error'],
    ['1002', 'liveness_spoof'],
    ['1004', 'face_not_detected'],
    ['1005', 'liveness_failed'],
    ['1201', 'liveness_failed'],
  ])('liveness %s → %s', (code, reason) => {
    expect(decide({ liveness: { passed: false, code } }, undefined, DEFAULT_POLICY)).toEqual({
      decision: 'rejected',
      reasons: [reason],
    });
  });

  it.each([
    ['2004', 'face_image_size_invalid'],
    ['2012', 'multiple_faces'],
    ['2013', 'face_incomplete'],
    ['2014', 'face_image_quality_low'],
    ['2015', 'compare_failed'],
    ['2016', 'similarity_below_threshold'],
    ['2017', 'face_occluded'],
  ])('compare %s → %s', (code, reason) => {
    const facts: Facts = { liveness: { passed: true, code: '0' }, compare: { passed: false, code, similarity: 0 } };
    expect(decide(facts, undefined, DEFAULT_POLICY)).toEqual({ decision: 'rejected', reasons: [reason] });
  });
});
