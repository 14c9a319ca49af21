import { DEFAULT_POLICY_DOCUMENT } from '../../../src/contracts/policy-document';
import { parsePolicyDocument } from '../../../src/policy/policy-schema';

const withRules = (rules: Record<string, unknown>): unknown => ({
  ...DEFAULT_POLICY_DOCUMENT,
  rules: { ...DEFAULT_POLICY_DOCUMENT.rules, ...rules },
});

describe('parsePolicyDocument', () => {
  it('accepts the first version’s document and a full stricter one', () => {
    expect(parsePolicyDocument(DEFAULT_POLICY_DOCUMENT)).toEqual({ ok: true, document: DEFAULT_POLICY_DOCUMENT });
    const stricter = {
      format: 1,
      rules: {
        ...DEFAULT_POLICY_DOCUMENT.rules,
        similarityThreshold: 85,
        reasonActions: { lighting_poor: 'review', document_timeout: 'reject' },
        documentWarnings: { default: 'reject', codes: { '-9107': 'approve', '-9108': 'review' } },
      },
      overrides: [{ flow: 'web', region: 'ap-jakarta', rules: { ocrFieldsEdited: 'reject' } }],
    };
    expect(parsePolicyDocument(stricter).ok).toBe(true);
  });

  it('names every bad field', () => {
    const parsed = parsePolicyDocument({
      format: 2,
      rules: {
        ...DEFAULT_POLICY_DOCUMENT.rules,
        similarityThreshold: 101,
        reasonActions: { token_expired: 'review', inconsistent_result: 'reject', lighting_poor: 'approve' },
        documentWarnings: { default: 'review', codes: { '-9109': 'approve' } },
        deviceRisk: { review: ['3'], reject: ['3', '4'] },
        surprise: true,
      },
      overrides: [{ rules: {} }, { flow: 'postal', rules: {} }],
    });
    expect(parsed.ok).toBe(false);
    const paths = parsed.ok ? [] : parsed.problems.map((problem) => problem.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'format',
        'rules.similarityThreshold',
        'rules.reasonActions.token_expired',
        'rules.reasonActions.inconsistent_result',
        'rules.reasonActions.lighting_poor',
        'rules.documentWarnings.codes.-9109',
        'rules.deviceRisk.reject',
        'rules.surprise',
        'overrides.0',
        'overrides.1.flow',
      ]),
    );
  });

  it('refuses what is not a document at all', () => {
    expect(parsePolicyDocument(null)).toMatchObject({ ok: false, problems: [{ path: '(document)' }] });
    expect(parsePolicyDocument(withRules({ review: { timeoutDecision: 'review' } })).ok).toBe(false);
  });
});
