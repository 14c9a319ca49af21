import { createHash } from 'node:crypto';
import { canonicalJson, DEFAULT_POLICY_DOCUMENT, type PolicyDocument } from '../../../src/contracts/policy-document';
import { policyRecord } from '../../../src/evidence/policy-record';
import { policySha256 } from '../../../src/policy/policy-hash';

const stricter: PolicyDocument = {
  ...DEFAULT_POLICY_DOCUMENT,
  rules: { ...DEFAULT_POLICY_DOCUMENT.rules, similarityThreshold: 85 },
};

describe('policyRecord', () => {
  it('holds the pinned version, its document and the rules the journey ran by, its own overrides on top', () => {
    const record = policyRecord({
      flow: 'ekyc',
      region: 'ap-singapore',
      policy: { fourEyesRejection: true },
      pinnedPolicy: { version: 4, sha256: policySha256(stricter), document: stricter },
    });
    expect(record).toMatchObject({ version: 4, document: stricter, overrides: { fourEyesRejection: true } });
    expect(record.overridden).toBe(true);
    expect(record.effective.similarityThreshold).toBe(85);
    expect(record.effective.review.fourEyesRejection).toBe(true);
    expect(record.sha256).toBe(createHash('sha256').update(canonicalJson(stricter)).digest('hex'));
  });

  it('names no version for a journey started without one, which ran under the first version’s document', () => {
    const record = policyRecord({ flow: 'selfie', region: 'ap-jakarta' });
    expect(record).toMatchObject({ version: null, document: DEFAULT_POLICY_DOCUMENT, overridden: false });
    expect(record.sha256).toBe(policySha256(DEFAULT_POLICY_DOCUMENT));
  });

  it('hashes equal documents alike whatever the order of their keys', () => {
    expect(policySha256({ overrides: [], rules: stricter.rules, format: 1 })).toBe(policySha256(stricter));
    expect(policySha256(stricter)).not.toBe(policySha256(DEFAULT_POLICY_DOCUMENT));
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}');
  });
});
