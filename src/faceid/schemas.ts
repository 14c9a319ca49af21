import { z } from 'zod';
import { CARD_NATIONALITIES, type FaceIdAction } from './actions';
import { CARD_TYPES, SDK_ID_CARD_TYPES, WEB_ID_CARD_TYPES } from './document-types';
import {
  cardInfoSchema,
  cardVerificationStatusSchema,
  cardVerifyResultSchema,
  compareResultSchema,
  fileInfoSchema,
  maybe,
  ocrResultSchema,
  verificationDetailSchema,
} from './structures';

// Requests are strict so a misspelt field fails locally instead of being silently ignored by Tencent. Responses are
// lenient: unknown fields are dropped, optional ones become null, only the fields a flow needs are required.

const MEBIBYTE = 1024 * 1024;

/** Base64 length allowed for a face image where FaceID states no limit: the 5 MB it states for document images. */
const UNSTATED_IMAGE_LIMIT = 5 * MEBIBYTE;
const token = z.string().min(1);
const httpUrl = z.url({ protocol: /^https?$/ });
const md5Hex = z.string().regex(/^[0-9a-fA-F]{32}$/, 'expected a 32-digit hex MD5');
const base64Image = (maxBytes: number) =>
  z
    .string()
    .min(1)
    .max(maxBytes)
    .refine((value) => !value.startsWith('data:'), 'expected raw Base64 without a data: URI prefix');
const actionList = z
  .string()
  .regex(/^(blink|mouth|nod|shake)(,(blink|mouth|nod|shake))?$/, 'expected one or two of blink,mouth,nod,shake');
// N spells the enhanced tier ENHANCE, S3 and CLI-head spell it ENHANCED; both are passed through unchanged.
const sdkVersion = z.enum(['BASIC', 'ENHANCE', 'ENHANCED', 'PRO', 'PLUS']).meta({
  description: 'BASIC (default); ENHANCE or ENHANCED add the device risk level, PRO attack-type tags, PLUS both',
});
const secureLevel = z.enum(['1', '2', '3', '4']);
const retryLimit = z.number().int().min(1).max(5);
const allowExpiredDocument = z
  .boolean()
  .optional()
  .meta({ description: 'Hong Kong ID cards only: whether an expired card passes (default true)' });
const warningCode = z.literal([-9101, -9102, -9103, -9104, -9107, -9108, -9901]);

/** A response's own fields followed by the `RequestId` every answer carries. */
function response<const Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object({ ...shape, RequestId: z.string().min(1) });
}

/** An SdkToken answer: the token is usable for 10 minutes to start the SDK process. */
const sdkTokenResponse = response({ SdkToken: token });
/** What every SDK result starts with; `Result` "-999" means the process has not finished. */
const sdkResultFields = { Result: z.string(), Description: maybe(z.string()) };
/** What every web result starts with; `ErrorCode` 17 means the process has not finished. */
const webResultFields = { ErrorCode: maybe(z.number().int()), ErrorMsg: maybe(z.string()) };

/** FaceID's rule that an ActionList goes only with a motion `level` (reference §3.1): the API errors otherwise. */
export function requireMotionLevel<S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
  level: 'SecureLevel' | 'SecurityLevel',
  motion: readonly (string | number)[],
): S {
  return schema.refine(
    (request) =>
      request.ActionList === undefined ||
      request[level] === undefined ||
      motion.includes(request[level] as string | number),
    { path: ['ActionList'], message: `only allowed with ${level} ${motion.join(' or ')}` },
  );
}

/** GetFaceIdTokenIntl's fields, without the rules between them (the selfie journey's options derive from it). */
export const getFaceIdTokenIntlFieldsSchema = z.strictObject({
  CheckMode: z
    .enum(['liveness', 'compare'])
    .optional()
    .meta({ description: 'liveness (default): liveness only; compare: liveness and a face match with the photo' }),
  SecureLevel: secureLevel.optional(),
  // No size limit is documented (too large ⇒ FailedOperation.ImageSizeTooLarge): held to the 5 MB FaceID states for
  // document images, as the emulator does; the gateway's input images (3,000,000 bytes decoded) fit under it.
  Image: base64Image(UNSTATED_IMAGE_LIMIT).optional(),
  Extra: z.string().optional(),
  ActionList: actionList.optional(),
  SdkVersion: sdkVersion.optional(),
  RetryLimit: retryLimit.optional(),
});

/** ApplySdkVerificationToken's fields, without the rules between them (the eKYC journey's options derive from it). */
export const applySdkVerificationTokenFieldsSchema = z.strictObject({
  CheckMode: z.literal([1, 2, 3]).optional().meta({
    description:
      '1 OCR + liveness + compare with the document (default), 2 liveness + compare with the photo, 3 liveness',
  }),
  SecurityLevel: z.literal([1, 2, 3, 4]).optional(),
  IdCardType: z.enum(SDK_ID_CARD_TYPES).optional(),
  CompareImage: base64Image(UNSTATED_IMAGE_LIMIT).optional(),
  NeedVerifyIdCard: z.boolean().optional(),
  DisableChangeOcrResult: z.boolean().optional(),
  DisableCheckOcrWarnings: z.boolean().optional(),
  SelectedWarningCodes: z.array(warningCode).optional(),
  // Documented as "1,024 bits"; the service (and the emulator) refuse more than 1,024 characters.
  Extra: z.string().max(1024).optional(),
  SdkVersion: sdkVersion.optional(),
  ActionList: actionList.optional(),
  AllowExpiredDocument: allowExpiredDocument,
  // Newer than SDK 3.0.1335's model (CLI-head); sent as plain fields.
  SkipResultPage: z.boolean().optional(),
  SkipLaunchPage: z.boolean().optional(),
  SkipOcrConfirmPage: z.boolean().optional(),
  HideProgressBar: z.boolean().optional(),
  AllowUploadPhoto: z.boolean().optional(),
  EnableForgeryDetectionImages: z.boolean().optional(),
  CardOcrDisplayFields: z.array(z.string()).optional(),
  RetryLimit: retryLimit.optional(),
  MetaData: z.string().optional(),
});

/** Request of ApplyLivenessToken: issue an SdkToken for one liveness-only SDK process. */
export const applyLivenessTokenRequestSchema = z.strictObject({ SecureLevel: secureLevel.optional() });

/** Page and flow configuration of an Intl web verification (WebVerificationConfigIntl); every field optional. */
export const webVerificationConfigIntlSchema = z.strictObject({
  AutoSkipStartPage: z.boolean().optional(),
  AutoSkip: z.boolean().optional(),
  CheckMode: z.literal([1, 2, 3, 4]).optional(),
  IDCardType: z.enum(WEB_ID_CARD_TYPES).optional(),
  DisableCheckOcrWarnings: z.boolean().optional(),
  SecurityLevel: z.literal([1, 2, 3, 4, 5]).optional(),
  SkipPrivacyPolicy: z.boolean().optional(),
  IdCardCutReturn: z.boolean().optional(),
  ThemeColor: z.string().optional(),
  Language: z.enum(['th', 'en', 'zh-cn', 'zh-tc', 'id']).optional(),
  AutoDowngrade: z.literal([1, 2]).optional(),
  ActionList: actionList.optional(),
  LivenessRetryLimit: z.number().int().min(1).max(99).optional(),
  LivenessTimeout: z.number().int().positive().max(600).optional(),
  SelectedWarningCodes: z.string().optional(),
  AllowExpiredDocument: allowExpiredDocument,
  Version: z.enum(['BASIC', 'PLUS']).optional(),
});
/** Page and flow configuration of an Intl web verification. */
export type WebVerificationConfigIntl = z.infer<typeof webVerificationConfigIntlSchema>;

/** Request of ApplyWebVerificationBizTokenIntl: issue a BizToken and verification URL for one browser flow. */
export const applyWebVerificationBizTokenIntlRequestSchema = z.strictObject({
  RedirectURL: httpUrl,
  CompareImageBase64: base64Image(8 * MEBIBYTE).optional(),
  Extra: z.string().max(1000).optional(),
  RuleId: z.string().min(1).optional(),
  Config: webVerificationConfigIntlSchema.optional(),
});

/** Request of ApplyWebVerificationToken: the compare photo must already be in COS in the same region. */
export const applyWebVerificationTokenRequestSchema = z.strictObject({
  RedirectUrl: httpUrl,
  CompareImageUrl: httpUrl,
  CompareImageMd5: md5Hex,
});

/** Request and response schema of every action, for generic callers (activities, the emulator, tests). */
export const FACEID_SCHEMAS = {
  // Selfie SDK: the token for one selfie-verification process, then its result with the media inline as Base64.
  GetFaceIdTokenIntl: {
    request: requireMotionLevel(
      getFaceIdTokenIntlFieldsSchema.refine((r) => r.CheckMode !== 'compare' || r.Image !== undefined, {
        path: ['Image'],
        message: 'required when CheckMode is compare',
      }),
      'SecureLevel',
      ['2', '4'],
    ),
    response: sdkTokenResponse,
  },
  GetFaceIdResultIntl: {
    request: z.strictObject({ SdkToken: token }),
    response: response({
      ...sdkResultFields,
      BestFrame: maybe(z.string()),
      Video: maybe(z.string()),
      ActionVideo: maybe(z.string()),
      Similarity: maybe(z.number()),
      Extra: maybe(z.string()),
      DeviceInfoLevel: maybe(z.string()),
      LivenessInfoTag: maybe(z.array(z.string())),
    }),
  },
  // eKYC SDK (OCR + liveness + compare): the result lists every attempt in order, the last ones authoritative, media
  // as 10-minute URLs.
  ApplySdkVerificationToken: {
    request: requireMotionLevel(
      applySdkVerificationTokenFieldsSchema.refine((r) => r.CheckMode !== 2 || r.CompareImage !== undefined, {
        path: ['CompareImage'],
        message: 'required when CheckMode is 2',
      }),
      'SecurityLevel',
      [2, 4],
    ),
    response: response({
      SdkToken: token,
      // Encrypted server parameters for newer mobile SDKs (CLI-head); not in SDK 3.0.1335's model.
      ServerParamInfo: maybe(z.string()),
    }),
  },
  GetSdkVerificationResult: {
    request: z.strictObject({ SdkToken: token }),
    response: response({
      ...sdkResultFields,
      ChargeCount: maybe(z.number().int()),
      CardVerifyResults: maybe(z.array(cardVerifyResultSchema)),
      CompareResults: maybe(z.array(compareResultSchema)),
      Extra: maybe(z.string()),
      DeviceInfoLevel: maybe(z.string()),
    }),
  },
  // Liveness SDK: the result is one code and 10-minute media URLs.
  ApplyLivenessToken: { request: applyLivenessTokenRequestSchema, response: sdkTokenResponse },
  GetLivenessResult: {
    request: z.strictObject({ SdkToken: token }),
    response: response({ ...sdkResultFields, BestFrame: maybe(fileInfoSchema), Video: maybe(fileInfoSchema) }),
  },
  // Intl web: the BizToken (10 minutes to start) and the page to open; the result has the final code, the attempts,
  // the last attempt's media inline and the OCR results.
  ApplyWebVerificationBizTokenIntl: {
    request: applyWebVerificationBizTokenIntlRequestSchema,
    response: response({
      BizToken: token,
      VerificationURL: z.string().min(1),
      // Deprecated duplicate of VerificationURL, still returned.
      VerificationUrl: maybe(z.string()),
    }),
  },
  GetWebVerificationResultIntl: {
    request: z.strictObject({ BizToken: token }),
    response: response({
      ...webResultFields,
      VerificationDetailList: maybe(z.array(verificationDetailSchema)),
      VideoBase64: maybe(z.string()),
      BestFrameBase64: maybe(z.string()),
      OCRResult: maybe(z.array(ocrResultSchema)),
      Extra: maybe(z.string()),
    }),
  },
  // Legacy web: the BizToken (valid 7,200 s) and the page to open; the result has the final code, the attempts, and
  // 10-minute media URLs with their MD5s.
  ApplyWebVerificationToken: {
    request: applyWebVerificationTokenRequestSchema,
    response: response({ VerificationUrl: z.string().min(1), BizToken: token }),
  },
  GetWebVerificationResult: {
    request: z.strictObject({ BizToken: token }),
    response: response({
      ...webResultFields,
      VideoBestFrameUrl: maybe(z.string()),
      VideoBestFrameMd5: maybe(z.string()),
      VerificationDetailList: maybe(z.array(verificationDetailSchema)),
      VideoUrl: maybe(z.string()),
      VideoMd5: maybe(z.string()),
    }),
  },
  // Document step: the front image as Base64 or URL (the URL wins when both are given); the answer says how often and
  // how many times to poll the result, whose `Status` is upper-cased and "PROCESSING" while it should be polled again.
  ApplyCardVerification: {
    request: z
      .strictObject({
        // The documented list: another code would only come back as InvalidParameterValue after a round trip.
        Nationality: z.enum(CARD_NATIONALITIES),
        CardType: z.enum(CARD_TYPES),
        ImageBase64Front: base64Image(5 * MEBIBYTE).optional(),
        ImageBase64Back: base64Image(5 * MEBIBYTE).optional(),
        ImageUrlFront: httpUrl.optional(),
        ImageUrlBack: httpUrl.optional(),
      })
      .refine((r) => r.ImageBase64Front !== undefined || r.ImageUrlFront !== undefined, {
        path: ['ImageBase64Front'],
        message: 'the front image is required as ImageBase64Front or ImageUrlFront',
      }),
    response: response({
      CardVerificationToken: token,
      AsyncCardVerificationMaxPollingTimes: maybe(z.number().int().nonnegative()),
      AsyncCardVerificationPollingWaitTime: maybe(z.number().int().nonnegative()),
    }),
  },
  GetCardVerificationResult: {
    request: z.strictObject({ CardVerificationToken: token }),
    response: response({
      Status: cardVerificationStatusSchema,
      WarnInfo: maybe(z.array(z.string())),
      Nationality: maybe(z.string()),
      CardType: maybe(z.string()),
      CardSubType: maybe(z.string()),
      CardInfo: maybe(cardInfoSchema),
      IDVerificationToken: maybe(z.string()),
    }),
  },
} as const satisfies Record<FaceIdAction, { request: z.ZodType; response: z.ZodType }>;

/** The request DTO of action `A`. */
export type FaceIdRequest<A extends FaceIdAction> = z.infer<(typeof FACEID_SCHEMAS)[A]['request']>;

/** The parsed response DTO of action `A`. */
export type FaceIdResponse<A extends FaceIdAction> = z.infer<(typeof FACEID_SCHEMAS)[A]['response']>;
