import { DEFAULT_POLICY_DOCUMENT, type PolicyDocument } from '../../../src/contracts/policy-document';
import { describeChange, diffPolicies } from '../../../src/policy/policy-diff';

const base = DEFAULT_POLICY_DOCUMENT;
const lines = (a: PolicyDocument, b: PolicyDocument): string[] => diffPolicies(a, b).map(describeChange);

describe('diffPolicies', () => {
  it('finds nothing between a document and itself', () => {
    expect(diffPolicies(base, structuredClone(base))).toEqual([]);
  });

  it('names a changed rule with both values, nested rules by their path, and level lists as wholes', () => {
    const stricter: PolicyDocument = {
      ...base,
      rules: {
        ...base.rules,
        similarityThreshold: 85,
        deviceRisk: { review: ['2', '3'], reject: ['4'] },
        review: { ...base.rules.review, fourEyesRejection: true },
      },
    };
    expect(lines(base, stricter)).toEqual([
      'rules.deviceRisk.review: [3] → [2, 3]',
      'rules.review.fourEyesRejection: false → true',
      'rules.similarityThreshold: 70 → 85',
    ]);
    expect(diffPolicies(base, stricter)[2]).toEqual({
      path: 'rules.similarityThreshold',
      kind: 'changed',
      before: 70,
      after: 85,
    });
  });

  it('names reason and warning actions added, removed and changed', () => {
    const a: PolicyDocument = {
      ...base,
      rules: {
        ...base.rules,
        reasonActions: { lighting_poor: 'review', document_timeout: 'review' },
        documentWarnings: { default: 'review', codes: { '-9107': 'approve' } },
      },
    };
    const b: PolicyDocument = {
      ...base,
      rules: {
        ...base.rules,
        reasonActions: { document_timeout: 'reject', liveness_spoof: 'review' },
        documentWarnings: { default: 'reject', codes: { '-9107': 'approve' } },
      },
    };
    expect(lines(a, b)).toEqual([
      'rules.documentWarnings.default: review → reject',
      'rules.reasonActions.document_timeout: review → reject',
      'rules.reasonActions.lighting_poor: removed (was review)',
      'rules.reasonActions.liveness_spoof: added review',
    ]);
  });

  it('matches overrides by the flow and region they apply to, not by their place in the list', () => {
    const a: PolicyDocument = {
      ...base,
      overrides: [
        { flow: 'web', rules: { ocrFieldsEdited: 'reject' } },
        { region: 'ap-jakarta', rules: { similarityThreshold: 80 } },
      ],
    };
    const b: PolicyDocument = {
      ...base,
      overrides: [
        { region: 'ap-jakarta', rules: { similarityThreshold: 90 } },
        { flow: 'ekyc', region: 'ap-bangkok', rules: { ocrFieldsEdited: 'review' } },
        { region: 'ap-jakarta', rules: { ocrFieldsEdited: 'reject' } },
      ],
    };
    expect(lines(a, b)).toEqual([
      'overrides[flow=ekyc,region=ap-bangkok]: added {"flow":"ekyc","region":"ap-bangkok","rules":{"ocrFieldsEdited":"review"}}',
      'overrides[flow=web]: removed (was {"flow":"web","rules":{"ocrFieldsEdited":"reject"}})',
      'overrides[region=ap-jakarta].rules.similarityThreshold: 80 → 90',
      'overrides[region=ap-jakarta#2]: added {"region":"ap-jakarta","rules":{"ocrFieldsEdited":"reject"}}',
    ]);
  });

  it('is the mirror image when the documents swap', () => {
    const b: PolicyDocument = { ...base, rules: { ...base.rules, reasonActions: { lighting_poor: 'review' } } };
    expect(diffPolicies(b, base)).toEqual([
      { path: 'rules.reasonActions.lighting_poor', kind: 'removed', before: 'review' },
    ]);
    expect(diffPolicies(base, b)).toEqual([
      { path: 'rules.reasonActions.lighting_poor', kind: 'added', after: 'review' },
    ]);
  });
});
