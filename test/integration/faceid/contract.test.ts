import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { FACEID_SIGN_METHODS, type FaceIdClient } from '../../../src/faceid';
import {
  JPEG_BASE64,
  REGION,
  TOKEN,
  UUID,
  anyOf,
  containing,
  decoded,
  download,
  expectServedAsAdvertised,
  faceIdClient,
  fileInfos,
  isJpeg,
  isMp4,
  isPng,
  last,
  matching,
  md5,
  servedFileInfo,
  uniqueFront,
} from './harness';

// Contract of the project's FaceIdClient with the sandbox over real HTTP: every action, every signing method, each
// flow from token issue through the user's completion to the parsed DTO. Error paths live in the sibling files.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
});
afterAll(() => emulator.close());

const NOT_FINISHED = 'The verification process is not finished';

describe.each(FACEID_SIGN_METHODS)('FaceIdClient signed with %s: every action end to end', (signMethod) => {
  let faceid: FaceIdClient;
  // Reserved characters and non-ASCII text must survive both the v1 form encoding and the TC3 JSON body.
  const extra = `ref=${signMethod}&note=ü 空格+%2F`;
  beforeAll(() => {
    faceid = faceIdClient(emulator, { signMethod });
  });

  it('selfie: getFaceIdTokenIntl, -999 until the user finishes, then the DTO with inline media', async () => {
    const issued = await faceid.getFaceIdTokenIntl(REGION, {
      CheckMode: 'compare',
      Image: JPEG_BASE64,
      SecureLevel: '4',
      SdkVersion: 'PLUS',
      Extra: extra,
      RetryLimit: 3,
    });
    expect(issued).toStrictEqual({ SdkToken: matching(TOKEN), RequestId: matching(UUID) });

    const pending = await faceid.getFaceIdResultIntl(REGION, { SdkToken: issued.SdkToken });
    expect(pending).toStrictEqual({
      Result: '-999',
      Description: NOT_FINISHED,
      BestFrame: null,
      Video: null,
      ActionVideo: null,
      Similarity: null,
      Extra: extra,
      DeviceInfoLevel: '',
      LivenessInfoTag: null,
      RequestId: matching(UUID),
    });

    await emulator.sandbox.complete(issued.SdkToken, 'pass', { deviceRiskLevel: '2' });
    const result = await faceid.getFaceIdResultIntl(REGION, { SdkToken: issued.SdkToken });
    expect(result).toStrictEqual({
      Result: '0',
      Description: 'Success',
      BestFrame: anyOf(String),
      Video: anyOf(String),
      ActionVideo: anyOf(String),
      Similarity: 92.5,
      Extra: extra,
      DeviceInfoLevel: '2',
      LivenessInfoTag: [],
      RequestId: matching(UUID),
    });
    expect(result.RequestId).not.toBe(pending.RequestId);
    expect(isJpeg(decoded(result.BestFrame))).toBe(true);
    expect(isMp4(decoded(result.Video))).toBe(true);
    expect(isMp4(decoded(result.ActionVideo))).toBe(true);
  });

  it('ekyc: applySdkVerificationToken, empty attempt lists, then every attempt with FileInfo media that match', async () => {
    const issued = await faceid.applySdkVerificationToken(REGION, {
      CheckMode: 1,
      SecurityLevel: 4,
      IdCardType: 'HK',
      SelectedWarningCodes: [-9101, -9103],
      NeedVerifyIdCard: false,
      SdkVersion: 'ENHANCE',
      Extra: extra,
      RetryLimit: 2,
      CardOcrDisplayFields: ['FullName', 'LicenseNumber'],
    });
    expect(issued).toStrictEqual({ SdkToken: matching(TOKEN), ServerParamInfo: null, RequestId: matching(UUID) });

    expect(await faceid.getSdkVerificationResult(REGION, { SdkToken: issued.SdkToken })).toStrictEqual({
      Result: '-999',
      Description: NOT_FINISHED,
      ChargeCount: 0,
      CardVerifyResults: [],
      CompareResults: [],
      Extra: extra,
      DeviceInfoLevel: '',
      RequestId: matching(UUID),
    });

    await emulator.sandbox.complete(issued.SdkToken, 'pass', { attempts: 1 });
    const result = await faceid.getSdkVerificationResult(REGION, { SdkToken: issued.SdkToken });
    expect(result).toMatchObject({ Result: '0', Description: 'Success', ChargeCount: 4, Extra: extra });
    expect(result.DeviceInfoLevel).toBe('1');
    expect(result.CardVerifyResults?.map((card) => [card.IsPass, card.WarnCardInfos])).toEqual([
      [false, [-9108]],
      [true, []],
    ]);
    expect(result.CompareResults?.map((compare) => compare.ErrorCode)).toEqual(['1201', '0']);

    const fileInfo = servedFileInfo(emulator);
    const card = last(result.CardVerifyResults);
    expect(card).toStrictEqual({
      IsPass: true,
      IsEdit: false,
      CardVideo: null,
      CardImage: fileInfo,
      CardInfoOcrJson: fileInfo,
      RequestId: matching(UUID),
      CardInfo: null,
      NormalCardInfo: { HKIDCard: containing({ FullName: 'SANDBOX TESTER', LicenseNumber: matching(/^SBX\d{9}$/) }) },
      WarnCardInfos: [],
      EditDetails: [],
    });
    const compare = last(result.CompareResults);
    expect(compare).toStrictEqual({
      ErrorCode: '0',
      ErrorMsg: 'Success',
      LiveData: fileInfo,
      LiveVideo: fileInfo,
      ActionVideo: fileInfo,
      LiveErrorCode: '0',
      LiveErrorMsg: 'Success',
      BestFrame: fileInfo,
      ProfileImage: fileInfo,
      CompareErrorCode: '0',
      CompareErrorMsg: 'Success',
      Sim: 92.5,
      IsNeedCharge: true,
      CardInfoInputJson: null,
      RequestId: matching(UUID),
      // ENHANCE reports a device risk level but no liveness tags.
      LivenessInfoTag: null,
    });

    // Every URL of every attempt serves exactly the advertised bytes: 1 + 5 for the retry, 2 + 5 for the final one.
    const infos = fileInfos(result);
    expect(infos).toHaveLength(13);
    expect(new Set(infos.map((info) => info.Url)).size).toBe(13);
    const [ocrJson] = await expectServedAsAdvertised([card.CardInfoOcrJson!]);
    expect(JSON.parse(ocrJson!.toString('utf8'))).toMatchObject({ EnName: 'SANDBOX TESTER' });
    const [bestFrame, liveVideo] = await expectServedAsAdvertised([compare.BestFrame!, compare.LiveVideo!]);
    expect(isJpeg(bestFrame!)).toBe(true);
    expect(isMp4(liveVideo!)).toBe(true);
    await expectServedAsAdvertised(infos);
  });

  it('liveness: applyLivenessToken, nulls until finished, then BestFrame and Video whose bytes match', async () => {
    const issued = await faceid.applyLivenessToken(REGION, { SecureLevel: '2' });
    expect(issued).toStrictEqual({ SdkToken: matching(TOKEN), RequestId: matching(UUID) });
    expect(await faceid.getLivenessResult(REGION, { SdkToken: issued.SdkToken })).toStrictEqual({
      Result: '-999',
      Description: NOT_FINISHED,
      BestFrame: null,
      Video: null,
      RequestId: matching(UUID),
    });

    await emulator.sandbox.complete(issued.SdkToken, 'pass');
    const result = await faceid.getLivenessResult(REGION, { SdkToken: issued.SdkToken });
    const fileInfo = servedFileInfo(emulator);
    expect(result).toStrictEqual({
      Result: '0',
      Description: 'Success',
      BestFrame: fileInfo,
      Video: fileInfo,
      RequestId: matching(UUID),
    });
    expect(result.Video!.Size).toBeGreaterThan(2_000_000);
    const [bestFrame, video] = await expectServedAsAdvertised([result.BestFrame!, result.Video!]);
    expect(isJpeg(bestFrame!)).toBe(true);
    expect(isMp4(video!)).toBe(true);
  });

  it('web (Intl): applyWebVerificationBizTokenIntl, a working verification page, then details, OCR and media', async () => {
    const issued = await faceid.applyWebVerificationBizTokenIntl(REGION, {
      RedirectURL: 'https://backend.example/cb?journey=1',
      CompareImageBase64: JPEG_BASE64,
      Extra: extra,
      Config: { CheckMode: 1, IDCardType: 'MLIDCard', AutoSkip: true, Language: 'en', SecurityLevel: 3 },
    });
    const url = `${emulator.url}/web/verify?token=${issued.BizToken}`;
    expect(issued).toStrictEqual({
      BizToken: matching(TOKEN),
      VerificationURL: url,
      VerificationUrl: url,
      RequestId: matching(UUID),
    });
    const page = await download(issued.VerificationURL);
    expect(page.status).toBe(200);
    expect(page.body.toString('utf8')).toContain('data-scenario="pass"');

    expect(await faceid.getWebVerificationResultIntl(REGION, { BizToken: issued.BizToken })).toStrictEqual({
      ErrorCode: 17,
      ErrorMsg: NOT_FINISHED,
      VerificationDetailList: null,
      VideoBase64: null,
      BestFrameBase64: null,
      OCRResult: null,
      Extra: extra,
      RequestId: matching(UUID),
    });

    // The emulator's own clock around the result call (advancing by 0 s reads it).
    const emulatorNow = async () => Date.parse((await emulator.sandbox.advanceClock(0)).now);
    await emulator.sandbox.complete(issued.BizToken, 'pass');
    const calledFrom = await emulatorNow();
    const result = await faceid.getWebVerificationResultIntl(REGION, { BizToken: issued.BizToken });
    const answeredBy = await emulatorNow();
    expect(result).toMatchObject({ ErrorCode: 0, ErrorMsg: 'Success', Extra: extra });
    expect(result.VerificationDetailList).toStrictEqual([
      {
        ErrorCode: 0,
        ErrorMsg: 'Success',
        LivenessErrorCode: 0,
        LivenessErrorMsg: 'Success',
        CompareErrorCode: 0,
        CompareErrorMsg: 'Success',
        ReqTimestamp: anyOf(Number),
        Similarity: 92.5,
        Seq: matching(UUID),
        LivenessInfoTag: null,
      },
    ]);
    // Epoch milliseconds of the result call, on the emulator's clock.
    const { ReqTimestamp } = last(result.VerificationDetailList);
    expect(ReqTimestamp).toBeGreaterThanOrEqual(calledFrom);
    expect(ReqTimestamp).toBeLessThanOrEqual(answeredBy);
    expect(result.OCRResult).toStrictEqual([
      {
        IsPass: true,
        CardImageBase64: anyOf(String),
        CardInfo: null,
        NormalCardInfo: { MLIDCard: containing({ FullName: 'SANDBOX TESTER' }) },
        RequestId: matching(UUID),
        CardCutImageBase64: anyOf(String),
        CardBackCutImageBase64: null,
        WarnCardInfos: [],
        OriginalCardInfo: null,
        HeadImageBase64: null,
        CardBackImageBase64: null,
      },
    ]);
    const ocr = last(result.OCRResult);
    expect(isJpeg(decoded(ocr.CardImageBase64))).toBe(true);
    expect(isPng(decoded(ocr.CardCutImageBase64))).toBe(true);
    expect(isJpeg(decoded(result.BestFrameBase64))).toBe(true);
    expect(isMp4(decoded(result.VideoBase64))).toBe(true);
  });

  it('web (legacy): applyWebVerificationToken, code 17 until finished, then media URLs whose bytes match the MD5s', async () => {
    const issued = await faceid.applyWebVerificationToken(REGION, {
      RedirectUrl: 'https://backend.example/legacy',
      CompareImageUrl: 'https://bucket.cos.ap-singapore.myqcloud.com/face.jpg',
      CompareImageMd5: '0123456789abcdef0123456789abcdef',
    });
    expect(issued).toStrictEqual({
      VerificationUrl: `${emulator.url}/web/verify?token=${issued.BizToken}`,
      BizToken: matching(TOKEN),
      RequestId: matching(UUID),
    });
    expect(await faceid.getWebVerificationResult(REGION, { BizToken: issued.BizToken })).toStrictEqual({
      ErrorCode: 17,
      ErrorMsg: NOT_FINISHED,
      VideoBestFrameUrl: null,
      VideoBestFrameMd5: null,
      VerificationDetailList: null,
      VideoUrl: null,
      VideoMd5: null,
      RequestId: matching(UUID),
    });

    await emulator.sandbox.complete(issued.BizToken, 'pass');
    const result = await faceid.getWebVerificationResult(REGION, { BizToken: issued.BizToken });
    expect(result).toMatchObject({
      ErrorCode: 0,
      // The legacy flow's own word for it (reference §3.10); the intl flow says "Success".
      ErrorMsg: 'Succeed',
      VideoBestFrameUrl: matching(/\/media\/[0-9a-f]{32}\/best-frame\.png\?/),
      VideoUrl: matching(/\/media\/[0-9a-f]{32}\/video\.mp4\?/),
    });
    expect(last(result.VerificationDetailList)).toMatchObject({ ErrorCode: 0, CompareErrorCode: 0, Similarity: 92.5 });
    const frame = await download(result.VideoBestFrameUrl!);
    expect(frame.status).toBe(200);
    expect(md5(frame.body)).toBe(result.VideoBestFrameMd5);
    expect(isPng(frame.body)).toBe(true);
    const video = await download(result.VideoUrl!);
    expect(video.status).toBe(200);
    expect(md5(video.body)).toBe(result.VideoMd5);
    expect(isMp4(video.body)).toBe(true);
  });

  it('document step: applyCardVerification with polling hints, PROCESSING, then PASSED with the card fields', async () => {
    const front = uniqueFront(FACEID_SIGN_METHODS.indexOf(signMethod) + 1);
    await emulator.sandbox.registerCard(front.md5, 'pass', 1);
    const applied = await faceid.applyCardVerification(REGION, {
      Nationality: 'IDN',
      CardType: 'ID_CARD',
      ImageBase64Front: front.base64,
    });
    expect(applied).toStrictEqual({
      CardVerificationToken: matching(TOKEN),
      AsyncCardVerificationMaxPollingTimes: 10,
      AsyncCardVerificationPollingWaitTime: 1,
      RequestId: matching(UUID),
    });

    const request = { CardVerificationToken: applied.CardVerificationToken };
    const processing = await faceid.getCardVerificationResult(REGION, request);
    expect(processing).toStrictEqual({
      Status: 'PROCESSING',
      WarnInfo: null,
      Nationality: 'IDN',
      CardType: 'ID_CARD',
      CardSubType: null,
      CardInfo: null,
      IDVerificationToken: matching(TOKEN),
      RequestId: matching(UUID),
    });
    const passed = await faceid.getCardVerificationResult(REGION, request);
    expect(passed).toStrictEqual({
      Status: 'PASSED',
      WarnInfo: [],
      Nationality: 'IDN',
      CardType: 'ID_CARD',
      CardSubType: 'NATIONAL_ID',
      CardInfo: { IndonesiaIDCard: containing({ Nama: 'SANDBOX TESTER', NIK: matching(/^SBX/) }) },
      IDVerificationToken: processing.IDVerificationToken,
      RequestId: matching(UUID),
    });
  });
});
