import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { encodePng } from '../../../src/emulator/image-encoding';
import { md5 } from './raw';
import { errorCode, faceidClients } from './sdk';

let emulator: RunningEmulator;
let call: ReturnType<typeof faceidClients>['call'];
let common: ReturnType<typeof faceidClients>['common'];
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
  ({ call, common } = faceidClients({ endpoint: emulator.endpoint, signMethod: 'TC3-HMAC-SHA256' }));
});
afterAll(() => emulator.close());

const image = '/9j/4AAQSkZJRgABAQ';

async function selfie(scenario: Parameters<RunningEmulator['sandbox']['complete']>[1], options = {}) {
  const { SdkToken } = await call('GetFaceIdTokenIntl', { CheckMode: 'compare', Image: image, SdkVersion: 'PLUS' });
  await emulator.sandbox.complete(SdkToken as string, scenario, options);
  return call('GetFaceIdResultIntl', { SdkToken });
}

describe('selfie scenarios (GetFaceIdResultIntl)', () => {
  it.each([
    ['pass', '0', 92.5, []],
    ['spoof', '1002', 0, ['03']],
    ['liveness_fail', '1005', 0, ['02']],
    ['compare_fail', '2015', 12, []],
    ['low_similarity', '2016', 55, []],
  ] as const)('%s → Result %s, Similarity %s', async (scenario, code, similarity, tags) => {
    expect(await selfie(scenario)).toMatchObject({
      Result: code,
      Similarity: similarity,
      LivenessInfoTag: tags,
      DeviceInfoLevel: '1',
    });
  });

  it('similarity and deviceRiskLevel are taken from the completion', async () => {
    expect(await selfie('low_similarity', { similarity: 61.5, deviceRiskLevel: '4' })).toMatchObject({
      Result: '2016',
      Similarity: 61.5,
      DeviceInfoLevel: '4',
    });
  });

  it('abandon: started, never finished, stays -999 past the start window', async () => {
    const { SdkToken } = await call('GetFaceIdTokenIntl', {});
    await emulator.sandbox.complete(SdkToken as string, 'abandon');
    await emulator.sandbox.advanceClock(3600);
    expect(await call('GetFaceIdResultIntl', { SdkToken })).toMatchObject({ Result: '-999' });
    expect(await emulator.sandbox.session(SdkToken as string)).toMatchObject({ state: 'started', scenario: 'abandon' });
  });

  it('a token serves one process: completing it twice is refused (409)', async () => {
    const { SdkToken } = await call('GetFaceIdTokenIntl', {});
    await emulator.sandbox.complete(SdkToken as string, 'pass');
    await expect(emulator.sandbox.complete(SdkToken as string, 'spoof')).rejects.toMatchObject({ status: 409 });
  });

  it('scenarios the session does not run are refused (400): compare in liveness mode, documents in selfie', async () => {
    const { SdkToken } = await call('GetFaceIdTokenIntl', { CheckMode: 'liveness' });
    await expect(emulator.sandbox.complete(SdkToken as string, 'low_similarity')).rejects.toMatchObject({
      status: 400,
    });
    await expect(emulator.sandbox.complete(SdkToken as string, 'document_warning')).rejects.toMatchObject({
      status: 400,
    });
  });
});

describe('ekyc scenarios (GetSdkVerificationResult)', () => {
  async function ekyc(scenario: Parameters<RunningEmulator['sandbox']['complete']>[1], options = {}) {
    const { SdkToken } = await call('ApplySdkVerificationToken', { CheckMode: 1, IdCardType: 'IndonesiaIDCard' });
    await emulator.sandbox.complete(SdkToken as string, scenario, options);
    return call('GetSdkVerificationResult', { SdkToken });
  }
  const last = (list: unknown) => (list as Array<Record<string, unknown>>).at(-1);

  it('document_warning: liveness passes, last CardVerifyResult passes with warning -9103', async () => {
    const result = await ekyc('document_warning');
    expect(result.Result).toBe('0');
    expect(last(result.CardVerifyResults)).toMatchObject({ IsPass: true, WarnCardInfos: [-9103] });
    expect((last(result.CardVerifyResults)?.NormalCardInfo as Record<string, unknown>).IndonesiaIDCard).toMatchObject({
      FullName: 'SANDBOX TESTER',
    });
  });

  it.each([
    ['checks on by default (HK ID card): the warning fails the attempt, OCR withheld', { IdCardType: 'HK' }, false],
    ['DisableCheckOcrWarnings: reported, not blocking', { IdCardType: 'HK', DisableCheckOcrWarnings: true }, true],
    ['SelectedWarningCodes without -9103: not blocking', { IdCardType: 'ML', SelectedWarningCodes: [-9104] }, true],
    ['SelectedWarningCodes with -9103: blocking', { IdCardType: 'ML', SelectedWarningCodes: [-9103, -9104] }, false],
    ['a card type FaceID does not check (Indonesia): not blocking', { IdCardType: 'IndonesiaIDCard' }, true],
  ] as const)('document_warning, %s', async (_name, options, isPass) => {
    const { SdkToken } = await call('ApplySdkVerificationToken', { CheckMode: 1, ...options });
    await emulator.sandbox.complete(SdkToken as string, 'document_warning');
    const card = last((await call('GetSdkVerificationResult', { SdkToken })).CardVerifyResults);
    expect(card).toMatchObject({ IsPass: isPass, WarnCardInfos: [-9103] });
    expect(card?.NormalCardInfo === null).toBe(!isPass);
  });

  it('document_rejected: last CardVerifyResult fails with warnings and no OCR data', async () => {
    const result = await ekyc('document_rejected');
    expect(last(result.CardVerifyResults)).toMatchObject({
      IsPass: false,
      WarnCardInfos: [-9102, -9104],
      NormalCardInfo: null,
      CardInfoOcrJson: null,
    });
  });

  it.each([
    ['spoof', '1002', '1002', ''],
    ['liveness_fail', '1005', '1005', ''],
    ['compare_fail', '2015', '0', '2015'],
    ['low_similarity', '2016', '0', '2016'],
    ['liveness_engine_error', '1001', '1001', ''],
    ['no_face', '1004', '1004', ''],
    ['image_size', '2004', '0', '2004'],
    ['multiple_faces', '2012', '0', '2012'],
    ['incomplete_face', '2013', '0', '2013'],
    ['low_resolution', '2014', '0', '2014'],
    ['face_occluded', '2017', '0', '2017'],
  ] as const)('%s → Result %s (liveness %s, compare "%s")', async (scenario, code, live, compare) => {
    const result = await ekyc(scenario);
    expect(result.Result).toBe(code);
    expect(last(result.CompareResults)).toMatchObject({
      ErrorCode: code,
      LiveErrorCode: live,
      CompareErrorCode: compare,
    });
  });

  it('attempts adds failed attempts before the final, authoritative one', async () => {
    const result = await ekyc('spoof', { attempts: 2 });
    const compares = result.CompareResults as Array<Record<string, unknown>>;
    expect(compares.map((c) => c.ErrorCode)).toEqual(['1201', '1201', '1002']);
    expect((result.CardVerifyResults as unknown[]).length).toBe(3);
    expect(result.ChargeCount).toBe(6);
  });

  it('CheckMode 3 (liveness only) has no OCR attempts and refuses document scenarios', async () => {
    const { SdkToken } = await call('ApplySdkVerificationToken', { CheckMode: 3 });
    await expect(emulator.sandbox.complete(SdkToken as string, 'document_warning')).rejects.toMatchObject({
      status: 400,
    });
    await emulator.sandbox.complete(SdkToken as string, 'pass');
    const result = await call('GetSdkVerificationResult', { SdkToken });
    expect(result).toMatchObject({ Result: '0', CardVerifyResults: [] });
    expect(last(result.CompareResults)).toMatchObject({ CompareErrorCode: '', Sim: 0, ProfileImage: null });
  });
});

describe('liveness and web scenarios', () => {
  it.each([
    ['pass', '0'],
    ['spoof', '1002'],
    ['liveness_fail', '1005'],
    ['liveness_engine_error', '1001'],
    ['no_face', '1004'],
  ] as const)('GetLivenessResult %s → %s', async (scenario, code) => {
    const { SdkToken } = await call('ApplyLivenessToken', {});
    await emulator.sandbox.complete(SdkToken as string, scenario);
    expect(await call('GetLivenessResult', { SdkToken })).toMatchObject({ Result: code });
  });

  it.each([
    ['spoof', 1002, null],
    ['low_similarity', 2016, [true, []]],
    // FaceID's default checks warnings on an HK ID card: the warning fails the attempt.
    ['document_warning', 0, [false, [-9103]]],
    ['document_rejected', 0, [false, [-9102, -9104]]],
  ] as const)('GetWebVerificationResultIntl %s → ErrorCode %s', async (scenario, code, ocr) => {
    const { BizToken } = await call('ApplyWebVerificationBizTokenIntl', {
      RedirectURL: 'https://a.example/cb',
      Config: { CheckMode: 1 },
    });
    await emulator.sandbox.complete(BizToken as string, scenario);
    const result = await call('GetWebVerificationResultIntl', { BizToken });
    expect(result.ErrorCode).toBe(code);
    const entry = (result.OCRResult as Array<Record<string, unknown>>)[0];
    if (ocr) expect(entry).toMatchObject({ IsPass: ocr[0], WarnCardInfos: ocr[1] });
    if (scenario === 'low_similarity')
      expect((result.VerificationDetailList as Array<Record<string, unknown>>)[0]).toMatchObject({
        Similarity: 55,
        CompareErrorCode: 2016,
      });
  });

  it.each([
    [{ DisableCheckOcrWarnings: true }, true],
    [{ SelectedWarningCodes: '-9104,-9105' }, true],
    [{ SelectedWarningCodes: '-9103' }, false],
  ] as const)('the web flow honours its warning checks: %j → IsPass %s', async (config, isPass) => {
    const { BizToken } = await call('ApplyWebVerificationBizTokenIntl', {
      RedirectURL: 'https://a.example/cb',
      Config: { CheckMode: 1, ...config },
    });
    await emulator.sandbox.complete(BizToken as string, 'document_warning');
    const result = await call('GetWebVerificationResultIntl', { BizToken });
    expect((result.OCRResult as Array<Record<string, unknown>>)[0]).toMatchObject({ IsPass: isPass });
  });

  it('refuses SelectedWarningCodes that are not a list of warning codes', async () => {
    const apply = call('ApplyWebVerificationBizTokenIntl', {
      RedirectURL: 'https://a.example/cb',
      Config: { CheckMode: 1, SelectedWarningCodes: '9103,abc' },
    });
    expect(await errorCode(apply)).toBe('InvalidParameterValue');
  });

  it('the web flow without OCR (default CheckMode 2) refuses document scenarios and returns no OCRResult', async () => {
    const { BizToken } = await call('ApplyWebVerificationBizTokenIntl', { RedirectURL: 'https://a.example/cb' });
    await expect(emulator.sandbox.complete(BizToken as string, 'document_warning')).rejects.toMatchObject({
      status: 400,
    });
    await emulator.sandbox.complete(BizToken as string, 'compare_fail');
    expect(await call('GetWebVerificationResultIntl', { BizToken })).toMatchObject({
      ErrorCode: 2015,
      OCRResult: null,
    });
  });

  it('legacy web compare_fail → ErrorCode 2015', async () => {
    const { BizToken } = await common('ApplyWebVerificationToken', {
      RedirectUrl: 'https://a.example/cb',
      CompareImageUrl: 'https://b.cos.ap-singapore.myqcloud.com/x.jpg',
      CompareImageMd5: '00000000000000000000000000000000',
    });
    await emulator.sandbox.complete(BizToken as string, 'compare_fail', { attempts: 1 });
    const result = await common('GetWebVerificationResult', { BizToken });
    expect(result.ErrorCode).toBe(2015);
    expect((result.VerificationDetailList as Array<Record<string, unknown>>).map((d) => d.ErrorCode)).toEqual([
      1201, 2015,
    ]);
  });
});

describe('document step (ApplyCardVerification / GetCardVerificationResult), driven by the front image MD5', () => {
  function uniqueFront(seed: number): { base64: string; md5: string } {
    const bytes = encodePng(8, 8, new Uint8Array(8 * 8 * 3).fill(seed));
    return { base64: bytes.toString('base64'), md5: md5(bytes) };
  }
  async function poll(token: unknown) {
    return common('GetCardVerificationResult', { CardVerificationToken: token });
  }

  it.each([
    ['pass', 'PASSED', []],
    ['document_warning', 'WARNING', ['-9103']],
    ['document_rejected', 'REJECTED', ['-9102', '-9104']],
  ] as const)(
    'registered %s: PROCESSING for processingPolls polls, then %s for good',
    async (scenario, status, warnings) => {
      const front = uniqueFront(scenario.length * 9);
      await emulator.sandbox.registerCard(front.md5, scenario, 2);
      const { CardVerificationToken } = await common('ApplyCardVerification', {
        Nationality: 'MYS',
        CardType: 'ID_CARD',
        ImageBase64Front: front.base64,
        ImageBase64Back: front.base64,
      });
      expect((await poll(CardVerificationToken)).Status).toBe('PROCESSING');
      expect((await poll(CardVerificationToken)).Status).toBe('PROCESSING');
      const final = await poll(CardVerificationToken);
      expect(final).toMatchObject({ Status: status, WarnInfo: warnings, Nationality: 'MYS' });
      if (status === 'REJECTED') expect(final.CardInfo).toBeNull();
      else expect((final.CardInfo as Record<string, unknown>).MLIDCard).toMatchObject({ Name: 'SANDBOX TESTER' });
      expect((await poll(CardVerificationToken)).Status).toBe(status);
    },
  );

  it('processingPolls 0 answers the verdict on the first poll; passports read as InternationalIDPassport', async () => {
    const front = uniqueFront(201);
    await emulator.sandbox.registerCard(front.md5, 'pass', 0);
    const { CardVerificationToken } = await common('ApplyCardVerification', {
      Nationality: 'JPN',
      CardType: 'PASSPORT',
      ImageBase64Front: front.base64,
    });
    const final = await poll(CardVerificationToken);
    expect(final).toMatchObject({ Status: 'PASSED', CardSubType: 'E_PASSPORT' });
    expect((final.CardInfo as Record<string, unknown>).InternationalIDPassport).toMatchObject({
      FullName: 'SANDBOX TESTER',
    });
  });

  it('a URL front image is not fetched and is judged as an unregistered card', async () => {
    const { CardVerificationToken } = await common('ApplyCardVerification', {
      Nationality: 'IDN',
      CardType: 'ID_CARD',
      ImageUrlFront: 'https://cdn.example/front.jpg',
    });
    expect((await poll(CardVerificationToken)).Status).toBe('PROCESSING');
    expect((await poll(CardVerificationToken)).Status).toBe('PASSED');
  });

  it('a front image that is neither PNG nor JPEG is InvalidParameter.EngineImageDecodeFailed', async () => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1').toString('base64');
    expect(
      await errorCode(
        common('ApplyCardVerification', { Nationality: 'IDN', CardType: 'ID_CARD', ImageBase64Front: gif }),
      ),
    ).toBe('InvalidParameter.EngineImageDecodeFailed');
  });

  it('an unknown card token is BizTokenIllegal', async () => {
    expect(await errorCode(poll('NOPE'))).toBe('InvalidParameterValue.BizTokenIllegal');
  });
});
