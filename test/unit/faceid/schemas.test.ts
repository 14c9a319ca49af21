import {
  FACEID_ACTION_NAMES,
  FACEID_SCHEMAS,
  FaceIdError,
  parseFaceIdRequest,
  parseFaceIdResponse,
  type FaceIdAction,
} from '../../../src/faceid';
import { loadSeed } from './fake-tencent';

function parseError(run: () => unknown): FaceIdError {
  try {
    run();
  } catch (error) {
    if (error instanceof FaceIdError) return error;
    throw error;
  }
  throw new Error('expected a FaceIdError');
}

describe('seed example responses', () => {
  it('S0 GetSdkVerificationResult parses, keeping empty compare codes and nulling absent fields', () => {
    const dto = parseFaceIdResponse('GetSdkVerificationResult', loadSeed('get-sdk-verification-result').Response);
    expect(dto.Result).toBe('1001');
    expect(dto.ChargeCount).toBe(4);
    expect(dto.DeviceInfoLevel).toBeNull();
    expect(dto.RequestId).toBe('b8cb2269-08b2-426c-8be8-c7142c7e64e4');
    const compare = dto.CompareResults?.at(-1);
    expect(compare?.ErrorCode).toBe('1001');
    expect(compare?.CompareErrorCode).toBe('');
    expect(compare?.Sim).toBe(0);
    expect(compare?.ActionVideo).toBeNull();
    expect(compare?.BestFrame).toEqual({
      Url: 'https://intl-reflect-h5-1257237511.cos.ap-guangzhou.myqcloud.com',
      MD5: 'c4f217871aaeb0180e40152f61658835',
      Size: 122984,
    });
    const card = dto.CardVerifyResults?.at(-1);
    expect(card?.IsPass).toBe(true);
    expect(card?.CardInfoOcrJson?.Size).toBe(224);
    expect(card?.NormalCardInfo).toBeNull();
    expect(card?.WarnCardInfos).toBeNull();
  });

  it('S1 GetWebVerificationResult parses', () => {
    const dto = parseFaceIdResponse('GetWebVerificationResult', loadSeed('get-web-verification-result').Response);
    expect(dto.ErrorCode).toBe(0);
    expect(dto.VideoBestFrameMd5).toBe('30fa34052530d0ba033b956d06eb89b5');
    expect(dto.VideoUrl).toMatch(/^https:\/\/xxx\.cos\.ap-singapore\.myqcloud\.com\//);
    expect(dto.VerificationDetailList).toEqual([
      {
        ErrorCode: 0,
        ErrorMsg: 'Succeed',
        LivenessErrorCode: 0,
        LivenessErrorMsg: 'Success',
        CompareErrorCode: 0,
        CompareErrorMsg: 'Success',
        Similarity: 100,
        ReqTimestamp: 1637291599353,
        Seq: '7269e30e-c142-46ba-aa60-b5677bf69d24',
        LivenessInfoTag: null,
      },
    ]);
  });

  it('S2 GetLivenessResult parses', () => {
    const dto = parseFaceIdResponse('GetLivenessResult', loadSeed('get-liveness-result').Response);
    expect(dto).toEqual({
      Result: '1001',
      Description: 'Failed to call the liveness engine',
      Video: {
        Url: 'https://intl-reflect-h5-1257237511.cos.ap-guangzhou.myqcloud.com',
        MD5: '682e24b207acf1825286c1fceef5631c',
        Size: 9430792,
      },
      BestFrame: {
        Url: 'https://intl-reflect-h5-1257237511.cos.ap-guangzhou.myqcloud.com',
        MD5: '667c2448b10b09ee9ec14ab2b0d36608',
        Size: 232267,
      },
      RequestId: 'b8cb2269-08b2-426c-8be8-c7142c7e64e4',
    });
  });

  it('S3 GetFaceIdTokenIntl parses', () => {
    const dto = parseFaceIdResponse('GetFaceIdTokenIntl', loadSeed('get-face-id-token-intl').Response);
    expect(dto).toEqual({
      SdkToken: 'C8CFF283-539AF-014E77-A5CF-DD9CAD93EFE2',
      RequestId: 'ace1147a-d761-49a2-a180-0c95263b50ff',
    });
  });

  describe('S4 GetCardVerificationResult', () => {
    const seed = loadSeed('get-card-verification-result').Response;

    it('parses every field; only the "abc" placeholder in Status is not a status', () => {
      const error = parseError(() => parseFaceIdResponse('GetCardVerificationResult', seed));
      expect(error.message).toBe(
        'FaceID GetCardVerificationResult failed: FaceIdMalformedResponse (schema: Status invalid_value)',
      );
    });

    it.each([
      ['Passed', 'PASSED'],
      ['Warning', 'WARNING'],
      ['Rejected', 'REJECTED'],
      ['PASSED', 'PASSED'],
      ['PROCESSING', 'PROCESSING'],
    ])('with the documented Status %s it parses and normalises to %s', (status, normalised) => {
      const dto = parseFaceIdResponse('GetCardVerificationResult', { ...seed, Status: status });
      expect(dto.Status).toBe(normalised);
      expect(dto.WarnInfo).toEqual(['abc']);
      expect(dto.IDVerificationToken).toBe('abc');
      expect(Object.keys(dto.CardInfo ?? {})).toHaveLength(13);
      expect(dto.CardInfo?.GeneralCard?.Address).toMatchObject({ Country: 'abc', LineFive: 'abc' });
      expect(dto.CardInfo?.HKIDCard?.IdNum).toBe('abc');
    });
  });

  it('parsed DTOs are plain JSON without undefined holes', () => {
    for (const [action, seed] of [
      ['GetSdkVerificationResult', 'get-sdk-verification-result'],
      ['GetWebVerificationResult', 'get-web-verification-result'],
      ['GetLivenessResult', 'get-liveness-result'],
      ['GetFaceIdTokenIntl', 'get-face-id-token-intl'],
    ] as const) {
      const dto = parseFaceIdResponse(action, loadSeed(seed).Response);
      expect(JSON.parse(JSON.stringify(dto))).toStrictEqual(dto);
    }
  });
});

describe('response schemas', () => {
  it('keep fields newer than SDK 3.0.1335 and drop unknown ones', () => {
    const token = parseFaceIdResponse('ApplySdkVerificationToken', {
      SdkToken: 't',
      ServerParamInfo: 'encrypted',
      SomethingNew: 1,
      RequestId: 'r',
    });
    expect(token).toStrictEqual({ SdkToken: 't', ServerParamInfo: 'encrypted', RequestId: 'r' });

    const web = parseFaceIdResponse('GetWebVerificationResultIntl', {
      ErrorCode: 0,
      VerificationDetailList: [{ ErrorCode: 0, LivenessInfoTag: ['01'] }],
      OCRResult: [{ IsPass: true, OriginalCardInfo: '{"a":1}', HeadImageBase64: 'aGk=', CardBackCutImageBase64: null }],
      RequestId: 'r',
    });
    expect(web.VerificationDetailList?.[0]?.LivenessInfoTag).toEqual(['01']);
    expect(web.OCRResult?.[0]).toMatchObject({ OriginalCardInfo: '{"a":1}', HeadImageBase64: 'aGk=' });
    expect(web.OCRResult?.[0]?.CardBackCutImageBase64).toBeNull();
    expect(web.VideoBase64).toBeNull();
  });

  it('parses the GetFaceIdResultIntl and GetWebVerificationResultIntl examples of the reference', () => {
    const selfie = parseFaceIdResponse('GetFaceIdResultIntl', {
      Result: '0',
      Description: 'Success',
      BestFrame: '/9j/',
      Video: '/9j/',
      ActionVideo: '/9j/',
      Similarity: 0,
      Extra: '',
      DeviceInfoLevel: '',
      LivenessInfoTag: null,
      RequestId: 'r',
    });
    expect(selfie.LivenessInfoTag).toBeNull();
    expect(selfie.Similarity).toBe(0);

    const web = parseFaceIdResponse('GetWebVerificationResultIntl', {
      ErrorCode: 0,
      ErrorMsg: 'Success',
      VerificationDetailList: [
        {
          ErrorCode: 0,
          ErrorMsg: 'Success',
          LivenessErrorCode: 0,
          LivenessErrorMsg: 'Success',
          CompareErrorCode: 0,
          CompareErrorMsg: 'Success',
          ReqTimestamp: 1700000000000,
          Similarity: 92.5,
          Seq: 's',
        },
      ],
      VideoBase64: 'AA==',
      BestFrameBase64: 'AA==',
      OCRResult: [
        {
          IsPass: true,
          CardImageBase64: 'AA==',
          CardCutImageBase64: 'AA==',
          CardBackCutImageBase64: null,
          NormalCardInfo: { HKIDCard: { FullName: 'A', LicenseNumber: 'B' } },
          WarnCardInfos: [],
          RequestId: 'r2',
        },
      ],
      Extra: 'x',
      RequestId: 'r',
    });
    expect(web.OCRResult?.[0]?.NormalCardInfo?.HKIDCard?.FullName).toBe('A');
    expect(web.VerificationDetailList?.[0]?.Similarity).toBe(92.5);
  });

  it('reads the Intl web token response with both URL spellings', () => {
    const dto = parseFaceIdResponse('ApplyWebVerificationBizTokenIntl', {
      VerificationURL: 'https://intl.faceid.qq.com/reflect/?token=T',
      BizToken: 'T',
      RequestId: 'r',
    });
    expect(dto).toStrictEqual({
      VerificationURL: 'https://intl.faceid.qq.com/reflect/?token=T',
      BizToken: 'T',
      VerificationUrl: null,
      RequestId: 'r',
    });
  });

  const SECRET_VALUE = 'PII-Jane-Doe-1234';
  it.each<[string, FaceIdAction, unknown, string]>([
    ['a missing token', 'GetFaceIdTokenIntl', { RequestId: 'r' }, 'SdkToken invalid_type'],
    ['a missing RequestId', 'ApplyLivenessToken', { SdkToken: SECRET_VALUE }, 'RequestId invalid_type'],
    [
      'a numeric Result',
      'GetFaceIdResultIntl',
      { Result: 0, Extra: SECRET_VALUE, RequestId: 'r' },
      'Result invalid_type',
    ],
    [
      'a FileInfo without MD5',
      'GetLivenessResult',
      { Result: '0', Video: { Url: SECRET_VALUE, Size: 1 }, RequestId: 'r' },
      'Video.MD5 invalid_type',
    ],
    [
      'a string where attempts are listed',
      'GetSdkVerificationResult',
      { Result: '0', CompareResults: SECRET_VALUE, RequestId: 'r' },
      'CompareResults invalid_type',
    ],
    [
      'an unknown card status',
      'GetCardVerificationResult',
      { Status: SECRET_VALUE, RequestId: 'r' },
      'Status invalid_value',
    ],
    ['a string body', 'GetLivenessResult', SECRET_VALUE, '(root) invalid_type'],
    ['a null body', 'GetLivenessResult', null, '(root) invalid_type'],
  ])('rejects %s as FaceIdMalformedResponse naming only the path', (_name, action, body, detail) => {
    const error = parseError(() => parseFaceIdResponse(action, body));
    expect(error.kind).toBe('FaceIdMalformedResponse');
    expect(error.retryable).toBe(true);
    expect(error.action).toBe(action);
    expect(error.message).toContain(detail);
    expect(error.message).not.toContain(SECRET_VALUE);
    expect(JSON.stringify(error)).not.toContain(SECRET_VALUE);
  });

  it('keeps the RequestId of a malformed body for support, but only when it looks like an id', () => {
    expect(parseError(() => parseFaceIdResponse('GetLivenessResult', { RequestId: 'abc-123' })).requestId).toBe(
      'abc-123',
    );
    expect(
      parseError(() => parseFaceIdResponse('GetLivenessResult', { RequestId: 'not an id, Jane' })).requestId,
    ).toBeUndefined();
  });

  it('masks body-chosen record keys in issue paths', () => {
    const error = parseError(() =>
      parseFaceIdResponse('GetCardVerificationResult', {
        Status: 'PASSED',
        CardInfo: { 'Jane Doe 1990-01-01': { Name: [1] } },
        RequestId: 'r',
      }),
    );
    expect(error.message).toContain('CardInfo.?.Name');
    expect(error.message).not.toContain('Jane');
  });
});

describe('request schemas', () => {
  it('every action has a request and a response schema', () => {
    expect(Object.keys(FACEID_SCHEMAS).sort()).toEqual([...FACEID_ACTION_NAMES].sort());
  });

  it.each(['ENHANCE', 'ENHANCED', 'BASIC', 'PRO', 'PLUS'])('accepts SdkVersion %s unchanged', (sdkVersion) => {
    expect(parseFaceIdRequest('GetFaceIdTokenIntl', { SdkVersion: sdkVersion })).toEqual({ SdkVersion: sdkVersion });
    expect(parseFaceIdRequest('ApplySdkVerificationToken', { SdkVersion: sdkVersion })).toEqual({
      SdkVersion: sdkVersion,
    });
  });

  const IMAGE = 'SECRETIMAGEBASE64==';
  it.each<[string, FaceIdAction, unknown, string]>([
    ['an unknown SdkVersion', 'GetFaceIdTokenIntl', { SdkVersion: 'ENHANCEDX', Image: IMAGE }, 'SdkVersion'],
    ['compare mode without Image', 'GetFaceIdTokenIntl', { CheckMode: 'compare' }, 'Image custom'],
    ['ActionList with SecureLevel 3', 'GetFaceIdTokenIntl', { SecureLevel: '3', ActionList: 'blink' }, 'ActionList'],
    ['three actions', 'GetFaceIdTokenIntl', { ActionList: 'blink,mouth,nod' }, 'ActionList invalid_format'],
    ['RetryLimit 6', 'GetFaceIdTokenIntl', { RetryLimit: 6 }, 'RetryLimit too_big'],
    ['a misspelt field', 'GetFaceIdTokenIntl', { Chekmode: 'liveness' }, 'unrecognized_keys Chekmode'],
    ['CheckMode 2 without CompareImage', 'ApplySdkVerificationToken', { CheckMode: 2 }, 'CompareImage custom'],
    ['an unknown warning code', 'ApplySdkVerificationToken', { SelectedWarningCodes: [-1] }, 'SelectedWarningCodes.0'],
    ['an empty SdkToken', 'GetFaceIdResultIntl', { SdkToken: '' }, 'SdkToken too_small'],
    ['a missing BizToken', 'GetWebVerificationResultIntl', {}, 'BizToken invalid_type'],
    [
      'a relative RedirectURL',
      'ApplyWebVerificationBizTokenIntl',
      { RedirectURL: '/cb' },
      'RedirectURL invalid_format',
    ],
    [
      'a data: URI image',
      'ApplyWebVerificationBizTokenIntl',
      { RedirectURL: 'https://example.com/cb', CompareImageBase64: `data:image/jpeg;base64,${IMAGE}` },
      'CompareImageBase64 custom',
    ],
    [
      'a bad MD5',
      'ApplyWebVerificationToken',
      { RedirectUrl: 'https://a.example/', CompareImageUrl: 'https://b.example/x.jpg', CompareImageMd5: IMAGE },
      'CompareImageMd5 invalid_format',
    ],
    ['a card without front image', 'ApplyCardVerification', { Nationality: 'IDN', CardType: 'ID_CARD' }, 'custom'],
    [
      'an unknown card type',
      'ApplyCardVerification',
      { Nationality: 'IDN', CardType: 'VISA', ImageBase64Front: IMAGE },
      'CardType invalid_value',
    ],
    [
      'an unknown web language',
      'ApplyWebVerificationBizTokenIntl',
      { RedirectURL: 'https://e.x/', Config: { Language: 'fr' } },
      'Config.Language',
    ],
  ])('rejects %s as FaceIdInvalidRequest without echoing values', (_name, action, request, detail) => {
    const error = parseError(() => parseFaceIdRequest(action, request));
    expect(error.kind).toBe('FaceIdInvalidRequest');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(detail);
    expect(error.message).not.toContain(IMAGE);
  });

  it('accepts a Philippine document, which the support table lists though the Nationality row leaves it out', () => {
    const request = { Nationality: 'PHL', CardType: 'ID_CARD', ImageBase64Front: 'aGk=', ImageBase64Back: 'aGk=' };
    expect(parseFaceIdRequest('ApplyCardVerification', request)).toEqual(request);
  });

  it('accepts the documented example requests', () => {
    expect(() => parseFaceIdRequest('GetFaceIdTokenIntl', { CheckMode: 'liveness', RetryLimit: 1 })).not.toThrow();
    expect(() =>
      parseFaceIdRequest('ApplySdkVerificationToken', { CheckMode: 1, SecurityLevel: 4, IdCardType: 'HK', Extra: 'x' }),
    ).not.toThrow();
    expect(() => parseFaceIdRequest('ApplyLivenessToken', { SecureLevel: '1' })).not.toThrow();
    expect(() =>
      parseFaceIdRequest('ApplyWebVerificationBizTokenIntl', {
        RedirectURL: 'https://example.com/cb',
        CompareImageBase64: 'aGk=',
        Extra: 'x',
        Config: { AutoSkip: true, CheckMode: 1, IDCardType: 'HKIDCard' },
      }),
    ).not.toThrow();
    expect(() =>
      parseFaceIdRequest('ApplyWebVerificationToken', {
        RedirectUrl: 'https://www.domain.com/result/callback',
        CompareImageUrl: 'https://bucket.cos.ap-singapore.myqcloud.com/x.jpg',
        CompareImageMd5: '2455b660f5e3ac4a7e4c8d1c7a1f1d1e',
      }),
    ).not.toThrow();
    expect(() =>
      parseFaceIdRequest('ApplyCardVerification', {
        Nationality: 'IDN',
        CardType: 'ID_CARD',
        ImageBase64Front: 'aGk=',
      }),
    ).not.toThrow();
    expect(() =>
      parseFaceIdRequest('ApplyCardVerification', {
        Nationality: 'AUTO',
        CardType: 'AUTO',
        ImageUrlFront: 'https://e.x/front.jpg',
      }),
    ).not.toThrow();
  });
});
