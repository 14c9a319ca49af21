import fc from 'fast-check';
import { FACEID_SCHEMAS } from '../../../src/faceid/schemas';
import { SDK_FAILING_CODES, WEB_FAILING_CODES } from '../../../src/faceid/result-codes';
import {
  normaliseEkyc,
  normaliseLiveness,
  normaliseSelfie,
  normaliseWebIntl,
  normaliseWebLegacy,
  type NormalisedResult,
} from '../../../src/activities/normalize';
import { DEFAULT_POLICY_DOCUMENT, POLICY_REASONS, POLICY_WARNING_CODES } from '../../../src/contracts/policy-document';
import {
  decide,
  decisionInputsOf,
  redecide,
  type DecisionInputs,
  type Expectations,
} from '../../../src/workflows/decision';

const DEFAULT_POLICY = DEFAULT_POLICY_DOCUMENT.rules;

// Answers built from the pinned SDK's models as they may arrive: nullable fields null, strings empty, arrays missing or
// empty, codes documented, undocumented or misplaced. Whatever the shape, an approval means every step the journey
// expected reported FaceID's documented success at every level, the similarity cleared the threshold and the result
// carried the journey's tag.

const TAG = 'journey-tag';
const sdkCodes = ['0', '-999', ...Object.keys(SDK_FAILING_CODES), '3001', '1003'];
const webCodes = [0, 17, ...Object.keys(WEB_FAILING_CODES).map(Number), 5, 99];

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const absentOr = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const sdkCode = fc.oneof(fc.constantFrom(...sdkCodes), fc.constant(''));
const webCode = fc.constantFrom(...webCodes);
const extra = fc.oneof(fc.constant(TAG), fc.constant('another'), fc.constant(''), fc.constant(null));
const similarity = maybe(fc.double({ min: 0, max: 100, noNaN: true }));
const warnings = absentOr(maybe(fc.array(fc.constantFrom(-9101, -9103, -9109, -9901), { maxLength: 2 })));
const expectations = fc.record({ compare: fc.boolean(), document: fc.boolean() });

const compareResult = fc.record(
  {
    ErrorCode: maybe(sdkCode),
    LiveErrorCode: maybe(sdkCode),
    CompareErrorCode: maybe(sdkCode),
    Sim: similarity,
  },
  { requiredKeys: [] },
);
const cardVerifyResult = fc.record(
  { IsPass: maybe(fc.boolean()), IsEdit: maybe(fc.boolean()), WarnCardInfos: warnings },
  { requiredKeys: [] },
);
const detail = fc.record(
  {
    ErrorCode: maybe(webCode),
    LivenessErrorCode: maybe(webCode),
    CompareErrorCode: maybe(webCode),
    Similarity: similarity,
  },
  { requiredKeys: [] },
);
const ocrResult = fc.record({ IsPass: maybe(fc.boolean()), WarnCardInfos: warnings }, { requiredKeys: [] });

type Answer = (expected: { compare: boolean }) => NormalisedResult | undefined;

/** Parses with the FaceID layer's schema; an answer it refuses is a typed failure of the call, never a decision. */
function parsed<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  raw: unknown,
) {
  const result = schema.safeParse(raw);
  return result.success ? result.data : undefined;
}

const answers: fc.Arbitrary<{ action: string; answer: Answer }> = fc.oneof(
  fc
    .record({ Result: sdkCode, Similarity: similarity, Extra: extra, DeviceInfoLevel: maybe(fc.constantFrom('', '1')) })
    .map((raw) => ({
      action: 'GetFaceIdResultIntl',
      answer: ({ compare }: { compare: boolean }) => {
        const response = parsed(FACEID_SCHEMAS.GetFaceIdResultIntl.response, { ...raw, RequestId: 'r' });
        return response && normaliseSelfie(response, compare);
      },
    })),
  fc.record({ Result: sdkCode }).map((raw) => ({
    action: 'GetLivenessResult',
    answer: () => {
      const response = parsed(FACEID_SCHEMAS.GetLivenessResult.response, { ...raw, RequestId: 'r' });
      return response && normaliseLiveness(response);
    },
  })),
  fc
    .record(
      {
        Result: sdkCode,
        CompareResults: absentOr(maybe(fc.array(compareResult, { maxLength: 2 }))),
        CardVerifyResults: absentOr(maybe(fc.array(cardVerifyResult, { maxLength: 2 }))),
        Extra: extra,
      },
      { requiredKeys: ['Result'] },
    )
    .map((raw) => ({
      action: 'GetSdkVerificationResult',
      answer: () => {
        const response = parsed(FACEID_SCHEMAS.GetSdkVerificationResult.response, { ...raw, RequestId: 'r' });
        return response && normaliseEkyc(response);
      },
    })),
  fc
    .record(
      {
        ErrorCode: maybe(webCode),
        VerificationDetailList: absentOr(maybe(fc.array(detail, { maxLength: 2 }))),
        OCRResult: absentOr(maybe(fc.array(ocrResult, { maxLength: 2 }))),
        Extra: extra,
      },
      { requiredKeys: [] },
    )
    .map((raw) => ({
      action: 'GetWebVerificationResultIntl',
      answer: () => {
        const response = parsed(FACEID_SCHEMAS.GetWebVerificationResultIntl.response, { ...raw, RequestId: 'r' });
        return response && normaliseWebIntl(response);
      },
    })),
  fc
    .record(
      { ErrorCode: maybe(webCode), VerificationDetailList: absentOr(maybe(fc.array(detail, { maxLength: 2 }))) },
      { requiredKeys: [] },
    )
    .map((raw) => ({
      action: 'GetWebVerificationResult',
      answer: () => {
        const response = parsed(FACEID_SCHEMAS.GetWebVerificationResult.response, { ...raw, RequestId: 'r' });
        return response && normaliseWebLegacy(response);
      },
    })),
);

describe('an approval always rests on documented success at every level', () => {
  it('holds for any answer shape the SDK models allow', () => {
    fc.assert(
      fc.property(answers, expectations, fc.boolean(), ({ action, answer }, checks, tagged) => {
        const normalised = answer(checks);
        if (!normalised?.result.finished) return;
        const result = { ...normalised.result, archived: [], remoteMedia: [] };
        const expected: Expectations = { ...checks, ...(tagged ? { extra: TAG } : {}) };
        const outcome = decide(result, undefined, DEFAULT_POLICY, expected);
        if (outcome.decision !== 'approved') return;

        const codes = result.codes!;
        expect(codes.action).toBe(action);
        expect(codes.overall).toBe('0');
        if (codes.attempt !== undefined) expect([null, '0']).toContain(codes.attempt);
        if (codes.liveness !== undefined) expect(codes.liveness).toBe('0');
        if (checks.compare && codes.compare !== undefined) expect(codes.compare).toBe('0');
        if (checks.compare) {
          expect(result.compare?.passed).toBe(true);
          expect(result.compare?.similarity).toBeGreaterThanOrEqual(DEFAULT_POLICY.similarityThreshold);
        }
        expect(result.liveness?.passed).toBe(true);
        if (checks.document) expect(result.document).toBeDefined();
        if (result.document) {
          expect(result.document.status).toBe('PASSED');
          expect(result.document.warnings).toEqual([]);
          expect(result.document.edited).toBeUndefined();
        }
        if (tagged) expect(result.extra).toBe(TAG);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('a decision record decides again exactly as the journey did', () => {
  const rules = fc.record({
    similarityThreshold: fc.integer({ min: 0, max: 100 }),
    reasonActions: fc.dictionary(
      fc.constantFrom(...POLICY_REASONS),
      fc.constantFrom('review' as const, 'reject' as const),
    ),
    documentWarnings: fc.record({
      default: fc.constantFrom('review' as const, 'reject' as const),
      codes: fc.dictionary(fc.constantFrom(...POLICY_WARNING_CODES), fc.constantFrom('approve', 'review', 'reject')),
    }),
    deviceRisk: fc.record({
      review: fc.subarray(['1', '2', '3', '4'] as const),
      reject: fc.subarray(['3', '4'] as const),
    }),
    ocrFieldsEdited: fc.constantFrom('approve' as const, 'review' as const, 'reject' as const),
    review: fc.constant(DEFAULT_POLICY.review),
  });

  it('holds for any answer and any rules', () => {
    fc.assert(
      fc.property(answers, expectations, fc.boolean(), rules, ({ answer }, checks, tagged, policy) => {
        const normalised = answer(checks);
        if (!normalised?.result.finished) return;
        const result = { ...normalised.result, archived: [], remoteMedia: [] };
        const expected: Expectations = { ...checks, ...(tagged ? { extra: TAG } : {}) };
        const inputs = decisionInputsOf(result, undefined, expected);
        expect(redecide(JSON.parse(JSON.stringify(inputs)) as DecisionInputs, policy)).toEqual(
          decide(result, undefined, policy, expected),
        );
      }),
      { numRuns: 5_000 },
    );
  });
});
