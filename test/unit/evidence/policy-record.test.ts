import { createHash } from 'node:crypto';
import { canonicalJson, policyRecord } from '../../../src/evidence/policy-record';
import { DEFAULT_POLICY } from '../../../src/workflows/decision';

describe('policyRecord', () => {
  it('merges the journey overrides over the defaults as the workflow does, and versions the result by its SHA-256', () => {
    const record = policyRecord({ similarityThreshold: 80, fourEyesRejection: true });
    expect(record.effective).toEqual({ ...DEFAULT_POLICY, similarityThreshold: 80, fourEyesRejection: true });
    expect(record.overrides).toEqual({ similarityThreshold: 80, fourEyesRejection: true });
    const digest = createHash('sha256').update(canonicalJson(record.effective)).digest('hex');
    expect(record.version).toBe(`sha256:${digest}`);
  });

  it('gives equal policies one version whatever the order of their keys, and different ones another', () => {
    const reordered = Object.fromEntries(Object.entries(DEFAULT_POLICY).reverse()) as typeof DEFAULT_POLICY;
    expect(policyRecord(reordered).version).toBe(policyRecord(undefined).version);
    expect(policyRecord({ similarityThreshold: 71 }).version).not.toBe(policyRecord(undefined).version);
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}');
  });
});
