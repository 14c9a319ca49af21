import {
  DEFAULT_POLICY_DOCUMENT,
  POLICY_REASONS,
  resolveRules,
  type PolicyDocument,
  type PolicyRules,
} from '../../../src/contracts/policy-document';
import { decide, type Expectations } from '../../../src/workflows/decision';
import type { DocumentResult, VerificationResult } from '../../../src/workflows/types';

// The policy's rules, one by one: each changes only what it names, and none can make a failed check approve.

type Decided = Pick<VerificationResult, 'codes' | 'compare' | 'document' | 'deviceRiskLevel' | 'extra'>;

const TAG = 'tag-1';
const SELFIE: Expectations = { compare: true, document: false, extra: TAG };
const rulesWith = (rules: Partial<PolicyRules>): PolicyRules => ({ ...DEFAULT_POLICY_DOCUMENT.rules, ...rules });

function selfie(overall: string, similarity: number | null = 90): Decided {
  return {
    codes: { action: 'GetFaceIdResultIntl', overall },
    compare: { passed: overall === '0', code: overall, similarity },
    extra: TAG,
  };
}

function withDocument(document: DocumentResult): Decided {
  return { ...selfie('0'), document };
}

const warned = (warnings: string[], status: DocumentResult['status'] = 'WARNING'): DocumentResult => ({
  source: 'card-verification',
  status,
  warnings,
});

describe('decide under a policy version', () => {
  it('approves a clean answer under the first version', () => {
    expect(decide(selfie('0'), undefined, DEFAULT_POLICY_DOCUMENT.rules, SELFIE).decision).toBe('approved');
  });

  it('sends a code-table reason to review when the policy says so, and leaves the other reasons rejected', () => {
    const rules = rulesWith({ reasonActions: { lighting_poor: 'review' } });
    expect(decide(selfie('1201'), undefined, rules, SELFIE)).toEqual({
      decision: 'review',
      reasons: ['lighting_poor'],
    });
    expect(decide(selfie('1002'), undefined, rules, SELFIE)).toEqual({
      decision: 'rejected',
      reasons: ['liveness_spoof'],
    });
  });

  it('never lets a policy change an expired token', () => {
    expect(POLICY_REASONS).not.toContain('token_expired');
    const rules = rulesWith({ reasonActions: { token_expired: 'review' } });
    const web: Decided = { codes: { action: 'GetWebVerificationResultIntl', overall: '15' }, extra: TAG };
    expect(decide(web, undefined, rules, { compare: false, document: false, extra: TAG }).decision).toBe('expired');
  });

  it('applies the threshold and the action of a similarity below it', () => {
    expect(decide(selfie('0', 75), undefined, rulesWith({ similarityThreshold: 80 }), SELFIE)).toEqual({
      decision: 'rejected',
      reasons: ['similarity_below_threshold'],
    });
    const lenient = rulesWith({ similarityThreshold: 80, reasonActions: { similarity_below_threshold: 'review' } });
    expect(decide(selfie('0', 75), undefined, lenient, SELFIE).decision).toBe('review');
  });

  it('acts on each document warning code by its own action, the most severe winning', () => {
    const rules = rulesWith({
      documentWarnings: { default: 'review', codes: { '-9107': 'approve', '-9102': 'reject' } },
    });
    expect(decide(withDocument(warned(['-9107'])), undefined, rules, SELFIE).decision).toBe('approved');
    expect(decide(withDocument(warned(['-9107', '-9108'])), undefined, rules, SELFIE)).toEqual({
      decision: 'review',
      reasons: ['document_warning'],
    });
    expect(decide(withDocument(warned(['-9107', '-9102'])), undefined, rules, SELFIE).decision).toBe('rejected');
    expect(decide(withDocument(warned([])), undefined, rules, SELFIE).decision).toBe('review');
    expect(decide(withDocument(warned(['-9107'], 'PASSED')), undefined, rules, SELFIE).decision).toBe('approved');
  });

  it('keeps an unverified document in review and an account fault failed, whatever the warning actions', () => {
    const accepting = rulesWith({
      documentWarnings: { default: 'review', codes: { '-9101': 'approve', '-9107': 'approve' } },
    });
    expect(decide(withDocument(warned([], 'UNKNOWN')), undefined, accepting, SELFIE).reasons).toContain(
      'inconsistent_result',
    );
    expect(decide(withDocument(warned(['-9109'])), undefined, accepting, SELFIE).decision).toBe('failed');
  });

  it('accepts, reviews or rejects edited OCR fields as the policy says', () => {
    const edited = withDocument({ ...warned([], 'PASSED'), edited: true });
    expect(decide(edited, undefined, DEFAULT_POLICY_DOCUMENT.rules, SELFIE).decision).toBe('review');
    expect(decide(edited, undefined, rulesWith({ ocrFieldsEdited: 'approve' }), SELFIE).decision).toBe('approved');
    expect(decide(edited, undefined, rulesWith({ ocrFieldsEdited: 'reject' }), SELFIE).decision).toBe('rejected');
  });

  it('reviews or rejects by device risk level', () => {
    const risky = (level: string): Decided => ({ ...selfie('0'), deviceRiskLevel: level });
    const rules = rulesWith({ deviceRisk: { review: ['2'], reject: ['3', '4'] } });
    expect(decide(risky('2'), undefined, rules, SELFIE).decision).toBe('review');
    expect(decide(risky('3'), undefined, rules, SELFIE).decision).toBe('rejected');
    expect(decide(risky('1'), undefined, rules, SELFIE).decision).toBe('approved');
  });

  it('sets the action of a document that timed out', () => {
    expect(decide(selfie('0'), 'timed_out', DEFAULT_POLICY_DOCUMENT.rules, SELFIE).decision).toBe('review');
    const strict = rulesWith({ reasonActions: { document_timeout: 'reject' } });
    expect(decide(selfie('0'), 'timed_out', strict, SELFIE).decision).toBe('rejected');
  });
});

describe('resolveRules', () => {
  const document: PolicyDocument = {
    ...DEFAULT_POLICY_DOCUMENT,
    overrides: [
      { flow: 'web', rules: { similarityThreshold: 80 } },
      { region: 'ap-jakarta', rules: { ocrFieldsEdited: 'reject' } },
      { flow: 'web', region: 'ap-jakarta', rules: { similarityThreshold: 85 } },
    ],
  };

  it('applies the overrides that match the journey, in order', () => {
    expect(resolveRules(document, { flow: 'ekyc', region: 'ap-singapore' })).toEqual(DEFAULT_POLICY_DOCUMENT.rules);
    expect(resolveRules(document, { flow: 'web', region: 'ap-singapore' }).similarityThreshold).toBe(80);
    const both = resolveRules(document, { flow: 'web', region: 'ap-jakarta' });
    expect(both).toMatchObject({ similarityThreshold: 85, ocrFieldsEdited: 'reject' });
  });

  it('puts the journey’s own settings last', () => {
    const rules = resolveRules(
      document,
      { flow: 'web', region: 'ap-jakarta' },
      {
        similarityThreshold: 60,
        documentWarning: 'reject',
        rejectDeviceRiskLevels: ['3', '4'],
        fourEyesRejection: true,
      },
    );
    expect(rules).toMatchObject({
      similarityThreshold: 60,
      documentWarnings: { default: 'reject', codes: {} },
      deviceRisk: { review: ['3'], reject: ['3', '4'] },
      review: { timeoutDecision: 'rejected', fourEyesRejection: true },
    });
  });
});
