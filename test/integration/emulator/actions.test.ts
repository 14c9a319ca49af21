import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { encodePng } from '../../../src/emulator/image-encoding';
import { SIGN_METHODS, faceidClients, matching, anyOf, containing } from './sdk';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
});
afterAll(() => emulator.close());

const jpegBase64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';
const fileInfo = {
  Url: matching(/^http:\/\/127\.0\.0\.1:\d+\/media\//),
  MD5: matching(/^[0-9a-f]{32}$/),
  Size: anyOf(Number),
};

describe.each(SIGN_METHODS)('every action through the real SDK, signed with %s', (signMethod) => {
  const clients = () => faceidClients({ endpoint: emulator.endpoint, signMethod });

  it('GetFaceIdTokenIntl → GetFaceIdResultIntl (selfie, compare, PLUS): -999, then inline Base64 media', async () => {
    const { call } = clients();
    const { SdkToken } = await call('GetFaceIdTokenIntl', {
      CheckMode: 'compare',
      Image: jpegBase64,
      SdkVersion: 'PLUS',
      Extra: 'ref-1',
      RetryLimit: 3,
    });
    expect(SdkToken).toMatch(/^[0-9A-F-]{36}$/);
    expect(await call('GetFaceIdResultIntl', { SdkToken })).toMatchObject({
      Result: '-999',
      BestFrame: null,
      Extra: 'ref-1',
    });
    await emulator.sandbox.complete(SdkToken as string, 'pass', { deviceRiskLevel: '2' });
    const result = await call('GetFaceIdResultIntl', { SdkToken });
    expect(result).toMatchObject({
      Result: '0',
      Description: 'Success',
      Similarity: 92.5,
      Extra: 'ref-1',
      DeviceInfoLevel: '2',
      LivenessInfoTag: [],
    });
    expect(Buffer.from(result.BestFrame as string, 'base64').subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(Buffer.from(result.Video as string, 'base64').toString('ascii', 4, 8)).toBe('ftyp');
    expect(Buffer.from(result.ActionVideo as string, 'base64').length).toBeGreaterThan(100_000);
    expect(typeof result.RequestId).toBe('string');
  });

  it('ApplySdkVerificationToken → GetSdkVerificationResult (ekyc): attempt arrays with FileInfo URLs', async () => {
    const { call } = clients();
    const { SdkToken } = await call('ApplySdkVerificationToken', {
      CheckMode: 1,
      SecurityLevel: 4,
      IdCardType: 'HK',
      DisableCheckOcrWarnings: false,
      SelectedWarningCodes: [-9101, -9103],
      SdkVersion: 'ENHANCE',
      Extra: 'ref-2',
    });
    expect(await call('GetSdkVerificationResult', { SdkToken })).toMatchObject({
      Result: '-999',
      CardVerifyResults: [],
      CompareResults: [],
    });
    await emulator.sandbox.complete(SdkToken as string, 'pass', { attempts: 1 });
    const result = await call('GetSdkVerificationResult', { SdkToken });
    expect(result).toMatchObject({ Result: '0', ChargeCount: 4, Extra: 'ref-2', DeviceInfoLevel: '1' });
    const cards = result.CardVerifyResults as Array<Record<string, unknown>>;
    const compares = result.CompareResults as Array<Record<string, unknown>>;
    expect(cards).toHaveLength(2);
    expect(compares).toHaveLength(2);
    expect(cards[0]).toMatchObject({ IsPass: false, WarnCardInfos: [-9108] });
    expect(cards[1]).toMatchObject({ IsPass: true, WarnCardInfos: [], CardImage: fileInfo, CardInfoOcrJson: fileInfo });
    expect((cards[1]?.NormalCardInfo as Record<string, Record<string, string>>).HKIDCard).toMatchObject({
      FullName: 'SANDBOX TESTER',
      LicenseNumber: matching(/^SBX\d{9}$/),
    });
    expect(compares[0]).toMatchObject({ ErrorCode: '1201', LiveErrorCode: '1201', CompareErrorCode: '' });
    expect(compares[1]).toMatchObject({
      ErrorCode: '0',
      LiveErrorCode: '0',
      CompareErrorCode: '0',
      Sim: 92.5,
      LiveData: fileInfo,
      LiveVideo: fileInfo,
      ActionVideo: fileInfo,
      BestFrame: fileInfo,
      ProfileImage: fileInfo,
    });
  });

  it('ApplyLivenessToken → GetLivenessResult: BestFrame and Video FileInfo', async () => {
    const { call } = clients();
    const { SdkToken } = await call('ApplyLivenessToken', { SecureLevel: '1' });
    expect(await call('GetLivenessResult', { SdkToken })).toMatchObject({
      Result: '-999',
      BestFrame: null,
      Video: null,
    });
    await emulator.sandbox.complete(SdkToken as string, 'pass');
    const result = await call('GetLivenessResult', { SdkToken });
    expect(result).toMatchObject({ Result: '0', BestFrame: fileInfo, Video: fileInfo });
    expect((result.Video as { Size: number }).Size).toBeGreaterThan(2_000_000);
  });

  it('ApplyWebVerificationBizTokenIntl → GetWebVerificationResultIntl: URL on the emulator, Base64 media, OCR', async () => {
    const { call } = clients();
    const applied = await call('ApplyWebVerificationBizTokenIntl', {
      RedirectURL: 'https://backend.example/cb',
      CompareImageBase64: jpegBase64,
      Extra: 'ref-3',
      Config: { CheckMode: 1, IDCardType: 'MLIDCard', AutoSkip: true, Language: 'en', SecurityLevel: 3 },
    });
    const token = applied.BizToken as string;
    expect(applied.VerificationURL).toBe(`${emulator.url}/web/verify?token=${token}`);
    expect(applied.VerificationUrl).toBe(applied.VerificationURL);
    expect(await call('GetWebVerificationResultIntl', { BizToken: token })).toMatchObject({
      ErrorCode: 17,
      OCRResult: null,
    });
    await emulator.sandbox.complete(token, 'pass');
    const result = await call('GetWebVerificationResultIntl', { BizToken: token });
    expect(result).toMatchObject({ ErrorCode: 0, ErrorMsg: 'Success', Extra: 'ref-3' });
    expect(result.VerificationDetailList).toEqual([
      containing({
        ErrorCode: 0,
        LivenessErrorCode: 0,
        CompareErrorCode: 0,
        Similarity: 92.5,
        Seq: anyOf(String),
      }),
    ]);
    expect(Buffer.from(result.BestFrameBase64 as string, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const ocr = (result.OCRResult as Array<Record<string, unknown>>)[0];
    expect(ocr).toMatchObject({ IsPass: true, WarnCardInfos: [] });
    expect((ocr?.NormalCardInfo as Record<string, unknown>).MLIDCard).toMatchObject({ FullName: 'SANDBOX TESTER' });
    expect(Buffer.from(ocr?.CardCutImageBase64 as string, 'base64').toString('latin1', 1, 4)).toBe('PNG');
  });

  it('ApplyWebVerificationToken → GetWebVerificationResult (legacy, CommonClient): URLs with MD5s', async () => {
    const { common } = clients();
    const applied = await common('ApplyWebVerificationToken', {
      RedirectUrl: 'https://backend.example/legacy',
      CompareImageUrl: 'https://bucket.cos.ap-singapore.myqcloud.com/face.jpg',
      CompareImageMd5: '0123456789abcdef0123456789abcdef',
    });
    const token = applied.BizToken as string;
    expect(applied.VerificationUrl).toBe(`${emulator.url}/web/verify?token=${token}`);
    expect(await common('GetWebVerificationResult', { BizToken: token })).toMatchObject({
      ErrorCode: 17,
      VideoUrl: null,
    });
    await emulator.sandbox.complete(token, 'pass');
    const result = await common('GetWebVerificationResult', { BizToken: token });
    expect(result).toMatchObject({
      ErrorCode: 0,
      VideoBestFrameUrl: matching(/\/media\/[0-9a-f]{32}\/best-frame\.png\?/),
      VideoBestFrameMd5: matching(/^[0-9a-f]{32}$/),
      VideoUrl: matching(/\/media\/[0-9a-f]{32}\/video\.mp4\?/),
      VideoMd5: matching(/^[0-9a-f]{32}$/),
    });
  });

  it('ApplyCardVerification → GetCardVerificationResult (CommonClient): PROCESSING with polling hints, then PASSED', async () => {
    const { common } = clients();
    const front = encodePng(8, 8, new Uint8Array(8 * 8 * 3).fill(signMethod.length)).toString('base64');
    const applied = await common('ApplyCardVerification', {
      Nationality: 'IDN',
      CardType: 'ID_CARD',
      ImageBase64Front: front,
    });
    expect(applied).toMatchObject({
      CardVerificationToken: anyOf(String),
      AsyncCardVerificationMaxPollingTimes: 10,
      AsyncCardVerificationPollingWaitTime: 1,
    });
    const token = applied.CardVerificationToken;
    expect(await common('GetCardVerificationResult', { CardVerificationToken: token })).toMatchObject({
      Status: 'PROCESSING',
      CardInfo: null,
    });
    const result = await common('GetCardVerificationResult', { CardVerificationToken: token });
    expect(result).toMatchObject({
      Status: 'PASSED',
      WarnInfo: [],
      Nationality: 'IDN',
      CardType: 'ID_CARD',
      CardSubType: 'NATIONAL_ID',
    });
    expect((result.CardInfo as Record<string, Record<string, string>>).IndonesiaIDCard).toMatchObject({
      Nama: 'SANDBOX TESTER',
      NIK: matching(/^SBX/),
    });
  });
});
