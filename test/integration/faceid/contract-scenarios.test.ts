import { type RunningEmulator, type Scenario, startEmulator } from '../../../src/emulator';
import type { FaceIdClient } from '../../../src/faceid';
import { JPEG_BASE64, REGION, faceIdClient, last, uniqueFront } from './harness';

// Every sandbox scenario on every flow it applies to, read back through the project's client (TC3): the parsed DTO
// carries the codes, similarity and document verdicts the decision policy relies on.

let emulator: RunningEmulator;
let faceid: FaceIdClient;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
  faceid = faceIdClient(emulator);
});
afterAll(() => emulator.close());

const LIVENESS_FAILURES: Scenario[] = ['spoof', 'liveness_fail', 'liveness_engine_error', 'no_face'];
const COMPARE_FAILURES: Scenario[] = [
  'compare_fail',
  'low_similarity',
  'image_size',
  'multiple_faces',
  'incomplete_face',
  'low_resolution',
  'face_occluded',
];
const LIVENESS_SCENARIOS: Scenario[] = ['pass', ...LIVENESS_FAILURES, 'abandon'];
const COMPARE_SCENARIOS: Scenario[] = ['pass', ...LIVENESS_FAILURES, ...COMPARE_FAILURES, 'abandon'];
const ALL_SCENARIOS: Scenario[] = [
  'pass',
  ...LIVENESS_FAILURES,
  ...COMPARE_FAILURES,
  'document_warning',
  'document_rejected',
  'abandon',
];
/** The web flows' codes (§5.2) have no 2017, so an occluded face is not theirs to play. */
const notWeb = (scenarios: Scenario[]) => scenarios.filter((scenario) => scenario !== 'face_occluded');

describe('which scenarios apply to which flow configuration', () => {
  it.each<[string, () => Promise<string>, Scenario[]]>([
    [
      'selfie compare',
      async () => (await faceid.getFaceIdTokenIntl(REGION, { CheckMode: 'compare', Image: JPEG_BASE64 })).SdkToken,
      COMPARE_SCENARIOS,
    ],
    [
      'selfie liveness',
      async () => (await faceid.getFaceIdTokenIntl(REGION, { CheckMode: 'liveness' })).SdkToken,
      LIVENESS_SCENARIOS,
    ],
    [
      'ekyc CheckMode 1',
      async () => (await faceid.applySdkVerificationToken(REGION, { CheckMode: 1 })).SdkToken,
      ALL_SCENARIOS,
    ],
    [
      'ekyc CheckMode 3',
      async () => (await faceid.applySdkVerificationToken(REGION, { CheckMode: 3 })).SdkToken,
      LIVENESS_SCENARIOS,
    ],
    ['liveness', async () => (await faceid.applyLivenessToken(REGION, {})).SdkToken, LIVENESS_SCENARIOS],
    [
      'web CheckMode 1',
      async () =>
        (
          await faceid.applyWebVerificationBizTokenIntl(REGION, {
            RedirectURL: 'https://a.example/',
            Config: { CheckMode: 1 },
          })
        ).BizToken,
      notWeb(ALL_SCENARIOS),
    ],
    [
      'web CheckMode 4 (OCR only)',
      async () =>
        (
          await faceid.applyWebVerificationBizTokenIntl(REGION, {
            RedirectURL: 'https://a.example/',
            Config: { CheckMode: 4 },
          })
        ).BizToken,
      ['pass', 'document_warning', 'document_rejected', 'abandon'],
    ],
    [
      'web-legacy',
      async () =>
        (
          await faceid.applyWebVerificationToken(REGION, {
            RedirectUrl: 'https://a.example/',
            CompareImageUrl: 'https://b.example/face.jpg',
            CompareImageMd5: 'ffffffffffffffffffffffffffffffff',
          })
        ).BizToken,
      notWeb(COMPARE_SCENARIOS),
    ],
  ])('%s', async (_name, issue, applicable) => {
    const token = await issue();
    expect(await emulator.sandbox.session(token)).toMatchObject({ applicableScenarios: applicable });
    const refused = ALL_SCENARIOS.find((scenario) => !applicable.includes(scenario));
    if (refused !== undefined) {
      await expect(emulator.sandbox.complete(token, refused)).rejects.toMatchObject({ status: 400 });
    }
  });
});

describe('selfie (GetFaceIdTokenIntl compare, PLUS) → getFaceIdResultIntl', () => {
  it.each<[Scenario, string, number | null, string[] | null, string]>([
    ['pass', '0', 92.5, [], 'Success'],
    ['spoof', '1002', 0, ['03'], 'Suspected spoofing attack'],
    ['liveness_fail', '1005', 0, ['02'], 'Liveness detection failed'],
    ['compare_fail', '2015', 12, [], 'Face comparison failed'],
    ['low_similarity', '2016', 55, [], 'The similarity did not reach the passing standard'],
    ['abandon', '-999', null, null, 'The verification process is not finished'],
  ])('%s → Result %s, Similarity %s, LivenessInfoTag %j', async (scenario, code, similarity, tags, description) => {
    const { SdkToken } = await faceid.getFaceIdTokenIntl(REGION, {
      CheckMode: 'compare',
      Image: JPEG_BASE64,
      SdkVersion: 'PLUS',
    });
    await emulator.sandbox.complete(SdkToken, scenario);
    const result = await faceid.getFaceIdResultIntl(REGION, { SdkToken });
    expect(result).toMatchObject({ Result: code, Description: description, Similarity: similarity });
    expect(result.LivenessInfoTag).toEqual(tags);
    expect(result.BestFrame === null).toBe(scenario === 'abandon');
  });

  it('carries the completion similarity and device risk level into the DTO', async () => {
    const { SdkToken } = await faceid.getFaceIdTokenIntl(REGION, { CheckMode: 'compare', Image: JPEG_BASE64 });
    await emulator.sandbox.complete(SdkToken, 'low_similarity', { similarity: 61.5, deviceRiskLevel: '4' });
    expect(await faceid.getFaceIdResultIntl(REGION, { SdkToken })).toMatchObject({
      Result: '2016',
      Similarity: 61.5,
      DeviceInfoLevel: '4',
    });
  });
});

describe('ekyc (ApplySdkVerificationToken CheckMode 1) → getSdkVerificationResult', () => {
  it.each<[Scenario, string, [string, string, string, number], [boolean, number[], boolean]]>([
    ['pass', '0', ['0', '0', '0', 92.5], [true, [], true]],
    ['spoof', '1002', ['1002', '1002', '', 0], [true, [], true]],
    ['liveness_fail', '1005', ['1005', '1005', '', 0], [true, [], true]],
    ['compare_fail', '2015', ['2015', '0', '2015', 12], [true, [], true]],
    ['low_similarity', '2016', ['2016', '0', '2016', 55], [true, [], true]],
    ['document_warning', '0', ['0', '0', '0', 92.5], [true, [-9103], true]],
    ['document_rejected', '0', ['0', '0', '0', 92.5], [false, [-9102, -9104], false]],
  ])('%s → Result %s; last compare and last card attempt', async (scenario, code, compare, card) => {
    const { SdkToken } = await faceid.applySdkVerificationToken(REGION, {
      CheckMode: 1,
      IdCardType: 'IndonesiaIDCard',
    });
    await emulator.sandbox.complete(SdkToken, scenario);
    const result = await faceid.getSdkVerificationResult(REGION, { SdkToken });
    expect(result.Result).toBe(code);
    const [errorCode, liveCode, compareCode, sim] = compare;
    expect(last(result.CompareResults)).toMatchObject({
      ErrorCode: errorCode,
      LiveErrorCode: liveCode,
      CompareErrorCode: compareCode,
      Sim: sim,
    });
    const [isPass, warnings, hasOcr] = card;
    const lastCard = last(result.CardVerifyResults);
    expect(lastCard).toMatchObject({ IsPass: isPass, WarnCardInfos: warnings });
    expect(lastCard.NormalCardInfo?.IndonesiaIDCard?.FullName ?? null).toBe(hasOcr ? 'SANDBOX TESTER' : null);
    expect(lastCard.CardInfoOcrJson === null).toBe(!hasOcr);
  });

  it('abandon → Result -999 with no attempts', async () => {
    const { SdkToken } = await faceid.applySdkVerificationToken(REGION, { CheckMode: 1 });
    await emulator.sandbox.complete(SdkToken, 'abandon');
    expect(await faceid.getSdkVerificationResult(REGION, { SdkToken })).toMatchObject({
      Result: '-999',
      ChargeCount: 0,
      CardVerifyResults: [],
      CompareResults: [],
    });
  });

  it('keeps the attempts in order, the last one authoritative', async () => {
    const { SdkToken } = await faceid.applySdkVerificationToken(REGION, { CheckMode: 1 });
    await emulator.sandbox.complete(SdkToken, 'spoof', { attempts: 2 });
    const result = await faceid.getSdkVerificationResult(REGION, { SdkToken });
    expect(result.CompareResults?.map((entry) => entry.ErrorCode)).toEqual(['1201', '1201', '1002']);
    expect(result.CardVerifyResults?.map((entry) => entry.WarnCardInfos)).toEqual([[-9108], [-9108], []]);
    expect(result.ChargeCount).toBe(6);
  });
});

describe('liveness (ApplyLivenessToken) → getLivenessResult', () => {
  it.each<[Scenario, string, boolean]>([
    ['pass', '0', true],
    ['spoof', '1002', true],
    ['liveness_fail', '1005', true],
    ['abandon', '-999', false],
  ])('%s → Result %s', async (scenario, code, hasMedia) => {
    const { SdkToken } = await faceid.applyLivenessToken(REGION, {});
    await emulator.sandbox.complete(SdkToken, scenario);
    const result = await faceid.getLivenessResult(REGION, { SdkToken });
    expect(result.Result).toBe(code);
    expect(result.BestFrame !== null && result.Video !== null).toBe(hasMedia);
  });
});

describe('web Intl (Config.CheckMode 1) → getWebVerificationResultIntl', () => {
  it.each<[Scenario, number, [number, number | null, number] | null, [boolean, number[], boolean] | null]>([
    ['pass', 0, [0, 0, 92.5], [true, [], true]],
    ['spoof', 1002, [1002, null, 0], [true, [], true]],
    ['liveness_fail', 1005, [1005, null, 0], [true, [], true]],
    ['compare_fail', 2015, [0, 2015, 12], [true, [], true]],
    ['low_similarity', 2016, [0, 2016, 55], [true, [], true]],
    ['document_warning', 0, [0, 0, 92.5], [true, [-9103], true]],
    ['document_rejected', 0, [0, 0, 92.5], [false, [-9102, -9104], false]],
    ['abandon', 17, null, null],
  ])('%s → ErrorCode %s', async (scenario, code, detail, ocr) => {
    const { BizToken } = await faceid.applyWebVerificationBizTokenIntl(REGION, {
      RedirectURL: 'https://a.example/cb',
      Config: { CheckMode: 1, IDCardType: 'ThailandIDCard' },
    });
    await emulator.sandbox.complete(BizToken, scenario);
    const result = await faceid.getWebVerificationResultIntl(REGION, { BizToken });
    expect(result.ErrorCode).toBe(code);
    if (detail === null) {
      expect(result.VerificationDetailList).toBeNull();
    } else {
      const [liveness, compare, similarity] = detail;
      expect(last(result.VerificationDetailList)).toMatchObject({
        ErrorCode: code,
        LivenessErrorCode: liveness,
        CompareErrorCode: compare,
        Similarity: similarity,
      });
    }
    if (ocr === null) {
      expect(result.OCRResult).toBeNull();
    } else {
      const [isPass, warnings, hasFields] = ocr;
      const entry = last(result.OCRResult);
      expect(entry).toMatchObject({ IsPass: isPass, WarnCardInfos: warnings });
      expect(entry.NormalCardInfo?.ThailandIDCard?.FullName ?? null).toBe(hasFields ? 'SANDBOX TESTER' : null);
    }
  });
});

describe('web legacy (ApplyWebVerificationToken) → getWebVerificationResult', () => {
  it.each<[Scenario, number, boolean]>([
    ['pass', 0, true],
    ['spoof', 1002, true],
    ['liveness_fail', 1005, true],
    ['compare_fail', 2015, true],
    ['low_similarity', 2016, true],
    ['abandon', 17, false],
  ])('%s → ErrorCode %s', async (scenario, code, hasMedia) => {
    const { BizToken } = await faceid.applyWebVerificationToken(REGION, {
      RedirectUrl: 'https://a.example/cb',
      CompareImageUrl: 'https://b.example/face.jpg',
      CompareImageMd5: '00000000000000000000000000000000',
    });
    await emulator.sandbox.complete(BizToken, scenario);
    const result = await faceid.getWebVerificationResult(REGION, { BizToken });
    expect(result.ErrorCode).toBe(code);
    expect(result.VideoUrl !== null && result.VideoMd5 !== null).toBe(hasMedia);
    if (hasMedia) expect(last(result.VerificationDetailList).ErrorCode).toBe(code);
  });
});

describe('document step (ApplyCardVerification) → getCardVerificationResult', () => {
  it.each<['pass' | 'document_warning' | 'document_rejected', string, string[], boolean]>([
    ['pass', 'PASSED', [], true],
    ['document_warning', 'WARNING', ['-9103'], true],
    ['document_rejected', 'REJECTED', ['-9102', '-9104'], false],
  ])('%s → PROCESSING, then %s for good', async (scenario, status, warnings, hasFields) => {
    const front = uniqueFront(100 + scenario.length);
    await emulator.sandbox.registerCard(front.md5, scenario, 1);
    const { CardVerificationToken } = await faceid.applyCardVerification(REGION, {
      Nationality: 'MYS',
      CardType: 'ID_CARD',
      ImageBase64Front: front.base64,
    });
    const poll = () => faceid.getCardVerificationResult(REGION, { CardVerificationToken });
    expect((await poll()).Status).toBe('PROCESSING');
    const final = await poll();
    expect(final).toMatchObject({ Status: status, WarnInfo: warnings, Nationality: 'MYS', CardType: 'ID_CARD' });
    expect(final.CardInfo?.MLIDCard?.Name ?? null).toBe(hasFields ? 'SANDBOX TESTER' : null);
    expect((await poll()).Status).toBe(status);
  });
});
