import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { send } from './raw';
import { containing, faceidClients, matching } from './sdk';

// Completing sessions with result codes, detail codes, OCR attempts and Extra, read back through the real Tencent SDK.

let emulator: RunningEmulator;
let call: ReturnType<typeof faceidClients>['call'];
let common: ReturnType<typeof faceidClients>['common'];
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
  ({ call, common } = faceidClients({ endpoint: emulator.endpoint, signMethod: 'TC3-HMAC-SHA256' }));
});
afterAll(() => emulator.close());

const image = '/9j/4AAQSkZJRgABAQ';
type Entry = Record<string, unknown>;
const last = (list: unknown): Entry | undefined => (list as Entry[]).at(-1);

async function ekycToken(options: object = {}): Promise<string> {
  return (await call('ApplySdkVerificationToken', { CheckMode: 1, IdCardType: 'IndonesiaIDCard', ...options }))
    .SdkToken as string;
}

async function webToken(config: object = {}, extra?: string): Promise<string> {
  const applied = await call('ApplyWebVerificationBizTokenIntl', {
    RedirectURL: 'https://backend.example/done',
    Config: { CheckMode: 1, IDCardType: 'ThailandIDCard', ...config },
    ...(extra === undefined ? {} : { Extra: extra }),
  });
  return applied.BizToken as string;
}

describe('overall codes the scenarios do not cover', () => {
  it('a liveness-only selfie completed with 2012: Result "2012", Similarity 0', async () => {
    const { SdkToken } = await call('GetFaceIdTokenIntl', { CheckMode: 'liveness' });
    await emulator.sandbox.completeWith(SdkToken as string, { resultCode: '2012', similarity: 80 });
    expect(await call('GetFaceIdResultIntl', { SdkToken })).toMatchObject({
      Result: '2012',
      Description: 'Several faces were detected',
      Similarity: 0,
    });
  });

  it.each([15, 16])('web resultCode %s: a process code, no attempt listed, no media', async (code) => {
    const token = await webToken();
    await emulator.sandbox.completeWith(token, { resultCode: code });
    const result = await call('GetWebVerificationResultIntl', { BizToken: token });
    expect(result).toMatchObject({
      ErrorCode: code,
      ErrorMsg: code === 15 ? 'Token expired' : 'Too many attempts',
      VerificationDetailList: [],
      VideoBase64: null,
      BestFrameBase64: null,
    });
  });

  it('legacy web resultCode 16 after two failed attempts: those attempts, no final one', async () => {
    const { BizToken } = await common('ApplyWebVerificationToken', {
      RedirectUrl: 'https://backend.example/legacy',
      CompareImageUrl: 'https://b.cos.ap-singapore.myqcloud.com/x.jpg',
      CompareImageMd5: '0123456789abcdef0123456789abcdef',
    });
    await emulator.sandbox.completeWith(BizToken as string, { resultCode: '16', attempts: 2 });
    const result = await common('GetWebVerificationResult', { BizToken });
    expect(result.ErrorCode).toBe(16);
    expect((result.VerificationDetailList as Entry[]).map((entry) => entry.ErrorCode)).toEqual([1201, 1201]);
    expect(result.VideoUrl).toMatch(/\/media\//);
  });
});

describe('inconsistent answers a decision must not trust', () => {
  it('eKYC 1002 with empty details: overall failing, LiveErrorCode "" and CompareErrorCode null', async () => {
    const token = await ekycToken();
    await emulator.sandbox.completeWith(token, { resultCode: '1002', codes: { liveness: '', compare: null } });
    const result = await call('GetSdkVerificationResult', { SdkToken: token });
    expect(result.Result).toBe('1002');
    expect(last(result.CompareResults)).toMatchObject({
      ErrorCode: '1002',
      LiveErrorCode: '',
      LiveErrorMsg: '',
      CompareErrorCode: null,
      CompareErrorMsg: null,
      Sim: 0,
    });
  });

  it('web 0 with a failing liveness detail: details failing, overall 0', async () => {
    const token = await webToken();
    await emulator.sandbox.completeWith(token, { resultCode: 0, codes: { liveness: 1005 } });
    const result = await call('GetWebVerificationResultIntl', { BizToken: token });
    expect(result).toMatchObject({ ErrorCode: 0, ErrorMsg: 'Success' });
    expect(last(result.VerificationDetailList)).toMatchObject({
      ErrorCode: 0,
      LivenessErrorCode: 1005,
      LivenessErrorMsg: 'Liveness failed',
      CompareErrorCode: null,
      Similarity: 0,
    });
  });
});

describe('a blocked OCR warning ends the session before liveness', () => {
  it('eKYC (HK ID card, checks on by default): the failed OCR attempt, no CompareResults', async () => {
    const token = await ekycToken({ IdCardType: 'HK' });
    await emulator.sandbox.complete(token, 'document_warning');
    const result = await call('GetSdkVerificationResult', { SdkToken: token });
    expect(result).toMatchObject({ Result: '0', CompareResults: [], ChargeCount: 1 });
    expect(last(result.CardVerifyResults)).toMatchObject({
      IsPass: false,
      WarnCardInfos: [-9103],
      NormalCardInfo: null,
      CardInfoOcrJson: null,
    });
  });

  it('web with OCR (HK ID card): OCRResult with the failed attempt, VerificationDetailList [], ErrorCode 0', async () => {
    const token = await webToken({ IDCardType: 'HKIDCard' });
    await emulator.sandbox.complete(token, 'document_warning');
    const result = await call('GetWebVerificationResultIntl', { BizToken: token });
    expect(result).toMatchObject({
      ErrorCode: 0,
      VerificationDetailList: [],
      VideoBase64: null,
      BestFrameBase64: null,
    });
    expect(result.OCRResult).toEqual([containing({ IsPass: false, WarnCardInfos: [-9103], NormalCardInfo: null })]);
  });

  it('checks off: the warning is reported and liveness runs', async () => {
    const token = await ekycToken({ IdCardType: 'HK', DisableCheckOcrWarnings: true });
    await emulator.sandbox.complete(token, 'document_warning');
    const result = await call('GetSdkVerificationResult', { SdkToken: token });
    expect(last(result.CardVerifyResults)).toMatchObject({ IsPass: true, WarnCardInfos: [-9103] });
    expect(last(result.CompareResults)).toMatchObject({ ErrorCode: '0' });
  });
});

describe('the final OCR attempt', () => {
  it('isPass null: FaceID nullable IsPass, OCR data kept', async () => {
    const token = await ekycToken();
    await emulator.sandbox.completeWith(token, { scenario: 'pass', ocr: { isPass: null } });
    const card = last((await call('GetSdkVerificationResult', { SdkToken: token })).CardVerifyResults);
    expect(card?.IsPass).toBeNull();
    expect(card?.NormalCardInfo).toMatchObject({ IndonesiaIDCard: { FullName: 'SANDBOX TESTER' } });
  });

  it('edited: IsEdit true with one synthetic EditDetails entry', async () => {
    const token = await ekycToken();
    await emulator.sandbox.completeWith(token, { resultCode: '0', ocr: { edited: true } });
    const card = last((await call('GetSdkVerificationResult', { SdkToken: token })).CardVerifyResults);
    expect(card).toMatchObject({
      IsPass: true,
      IsEdit: true,
      EditDetails: [
        { FieldName: 'FullName', OriginalFieldValue: 'SANDB0X TESTER', RevisedFieldValue: 'SANDBOX TESTER' },
      ],
    });
  });

  it('warnings [-9109] (capability not enabled): reported, never blocking, even with checks on', async () => {
    const token = await ekycToken({ IdCardType: 'HK' });
    await emulator.sandbox.completeWith(token, { resultCode: '0', ocr: { warnings: [-9109] } });
    const result = await call('GetSdkVerificationResult', { SdkToken: token });
    expect(last(result.CardVerifyResults)).toMatchObject({ IsPass: true, WarnCardInfos: [-9109] });
    expect((result.CompareResults as Entry[]).length).toBe(1);
  });
});

describe('Extra', () => {
  it('selfie, eKYC and web results echo the token request Extra', async () => {
    const selfie = await call('GetFaceIdTokenIntl', { CheckMode: 'compare', Image: image, Extra: 'journey-1' });
    const ekyc = await ekycToken({ Extra: 'journey-2' });
    const web = await webToken({}, 'journey-3');
    for (const token of [selfie.SdkToken as string, ekyc, web]) await emulator.sandbox.complete(token, 'pass');
    expect((await call('GetFaceIdResultIntl', { SdkToken: selfie.SdkToken })).Extra).toBe('journey-1');
    expect((await call('GetSdkVerificationResult', { SdkToken: ekyc })).Extra).toBe('journey-2');
    expect((await call('GetWebVerificationResultIntl', { BizToken: web })).Extra).toBe('journey-3');
  });

  it('extra overrides it: a result that does not belong to the journey', async () => {
    const selfie = await call('GetFaceIdTokenIntl', { CheckMode: 'compare', Image: image, Extra: 'journey-1' });
    const ekyc = await ekycToken({ Extra: 'journey-2' });
    const web = await webToken({}, 'journey-3');
    for (const token of [selfie.SdkToken as string, ekyc, web]) {
      await emulator.sandbox.completeWith(token, { scenario: 'pass', extra: 'someone-else' });
    }
    expect((await call('GetFaceIdResultIntl', { SdkToken: selfie.SdkToken })).Extra).toBe('someone-else');
    expect((await call('GetSdkVerificationResult', { SdkToken: ekyc })).Extra).toBe('someone-else');
    expect((await call('GetWebVerificationResultIntl', { BizToken: web })).Extra).toBe('someone-else');
  });
});

describe('the control', () => {
  it('refuses an undocumented code with 400 naming why, and lists the applicable codes', async () => {
    const { SdkToken } = await call('GetFaceIdTokenIntl', { CheckMode: 'liveness' });
    await expect(emulator.sandbox.completeWith(SdkToken as string, { resultCode: '2016' })).rejects.toMatchObject({
      status: 400,
      message: matching(/^resultCode 2016 is not documented for GetFaceIdResultIntl in liveness mode/),
    });
    expect(await emulator.sandbox.session(SdkToken as string)).toMatchObject({
      state: 'issued',
      applicableResultCodes: ['0', '1001', '1002', '1004', '1005', '1201', '2012', '2013', '2014', '2017'],
      applicableDetailCodes: null,
    });
  });
});

describe('the web page result-code form', () => {
  function post(form: Record<string, string>) {
    return send(`${emulator.url}/web/verify/complete`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  it('offers the codes allowed for the session, script-free', async () => {
    const token = await webToken();
    const html = (await send(`${emulator.url}/web/verify?token=${token}`)).body.toString();
    const select = /<select name="resultCode">(.*?)<\/select>/s.exec(html)?.[1] ?? '';
    const codes = [...select.matchAll(/value="(\d+)"/g)].map((match) => Number(match[1]));
    expect(codes).toContain(15);
    expect(codes).toContain(2016);
    expect(codes).not.toContain(17);
    expect(html).toContain('<select name="liveness">');
    expect(html).not.toContain('<script');
  });

  it('posts to the same completion: resultCode 0 with a failing liveness detail', async () => {
    const token = await webToken();
    const answer = await post({ token, resultCode: '0', liveness: '1005', compare: '' });
    expect(answer.status).toBe(303);
    const result = await call('GetWebVerificationResultIntl', { BizToken: token });
    expect(result.ErrorCode).toBe(0);
    expect(last(result.VerificationDetailList)).toMatchObject({ LivenessErrorCode: 1005, CompareErrorCode: null });
  });

  it('refuses a code the session cannot play with a 400 page', async () => {
    const token = await webToken();
    const answer = await post({ token, resultCode: '17' });
    expect(answer.status).toBe(400);
    expect(answer.body.toString()).toContain('not finished');
  });
});
