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

export {
  CARD_VERIFICATION_STATUSES,
  cardInfoSchema,
  cardVerificationStatusSchema,
  cardVerifyResultSchema,
  compareResultSchema,
  editDetailSchema,
  fileInfoSchema,
  normalCardInfoSchema,
  ocrResultSchema,
  verificationDetailSchema,
} from './structures';
export type {
  CardInfo,
  CardVerificationStatus,
  CardVerifyResult,
  CompareResult,
  EditDetail,
  FileInfo,
  NormalCardInfo,
  OcrResult,
  VerificationDetail,
} from './structures';

// Requests are strict so a misspelt field fails locally instead of being silently ignored by Tencent. Responses are
// lenient: unknown fields are dropped, optional ones become null, only the fields a flow needs are required.

const MEBIBYTE = 1024 * 1024;

/** Base64 length allowed for a face image where FaceID states no limit: the 5 MB it states for document images. */
const UNSTATED_IMAGE_LIMIT = 5 * MEBIBYTE;
const token = z.string().min(1);
const requestId = z.string().min(1);
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
const retryLimit = z.number().int().min(1).max(5);
const allowExpiredDocument = z
  .boolean()
  .optional()
  .meta({ description: 'Hong Kong ID cards only: whether an expired card passes (default true)' });
const warningCode = z.literal([-9101, -9102, -9103, -9104, -9107, -9108, -9901]);

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

// ---- GetFaceIdTokenIntl / GetFaceIdResultIntl (selfie SDK) ----

/** GetFaceIdTokenIntl's fields, without the rules between them (the selfie journey's options derive from it). */
export const getFaceIdTokenIntlFieldsSchema = z.strictObject({
  CheckMode: z
    .enum(['liveness', 'compare'])
    .optional()
    .meta({ description: 'liveness (default): liveness only; compare: liveness and a face match with the photo' }),
  SecureLevel: z.enum(['1', '2', '3', '4']).optional(),
  // No size limit is documented (too large ⇒ FailedOperation.ImageSizeTooLarge): held to the 5 MB FaceID states for
  // document images, as the emulator does; the gateway's input images (3,000,000 bytes decoded) fit under it.
  Image: base64Image(UNSTATED_IMAGE_LIMIT).optional(),
  Extra: z.string().optional(),
  ActionList: actionList.optional(),
  SdkVersion: sdkVersion.optional(),
  RetryLimit: retryLimit.optional(),
});

/** Request of GetFaceIdTokenIntl: issue an SdkToken for one selfie-verification SDK process. */
export const getFaceIdTokenIntlRequestSchema = requireMotionLevel(
  getFaceIdTokenIntlFieldsSchema.refine((r) => r.CheckMode !== 'compare' || r.Image !== undefined, {
    path: ['Image'],
    message: 'required when CheckMode is compare',
  }),
  'SecureLevel',
  ['2', '4'],
);
/** Request of GetFaceIdTokenIntl. */
export type GetFaceIdTokenIntlRequest = z.infer<typeof getFaceIdTokenIntlRequestSchema>;

/** Response of GetFaceIdTokenIntl. */
export const getFaceIdTokenIntlResponseSchema = z.object({ SdkToken: token, RequestId: requestId });
/** Response of GetFaceIdTokenIntl: the SdkToken, usable for 10 minutes to start. */
export type GetFaceIdTokenIntlResponse = z.infer<typeof getFaceIdTokenIntlResponseSchema>;

/** Request of GetFaceIdResultIntl. */
export const getFaceIdResultIntlRequestSchema = z.strictObject({ SdkToken: token });
/** Request of GetFaceIdResultIntl. */
export type GetFaceIdResultIntlRequest = z.infer<typeof getFaceIdResultIntlRequestSchema>;

/** Response of GetFaceIdResultIntl; `Result` "-999" means the process has not finished. */
export const getFaceIdResultIntlResponseSchema = z.object({
  Result: z.string(),
  Description: maybe(z.string()),
  BestFrame: maybe(z.string()),
  Video: maybe(z.string()),
  ActionVideo: maybe(z.string()),
  Similarity: maybe(z.number()),
  Extra: maybe(z.string()),
  DeviceInfoLevel: maybe(z.string()),
  LivenessInfoTag: maybe(z.array(z.string())),
  RequestId: requestId,
});
/** Response of GetFaceIdResultIntl (media inline as Base64). */
export type GetFaceIdResultIntlResponse = z.infer<typeof getFaceIdResultIntlResponseSchema>;

// ---- ApplySdkVerificationToken / GetSdkVerificationResult (eKYC SDK) ----

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

/** Request of ApplySdkVerificationToken: issue an SdkToken for one eKYC (OCR + liveness + compare) SDK process. */
export const applySdkVerificationTokenRequestSchema = requireMotionLevel(
  applySdkVerificationTokenFieldsSchema.refine((r) => r.CheckMode !== 2 || r.CompareImage !== undefined, {
    path: ['CompareImage'],
    message: 'required when CheckMode is 2',
  }),
  'SecurityLevel',
  [2, 4],
);
/** Request of ApplySdkVerificationToken. */
export type ApplySdkVerificationTokenRequest = z.infer<typeof applySdkVerificationTokenRequestSchema>;

/** Response of ApplySdkVerificationToken. */
export const applySdkVerificationTokenResponseSchema = z.object({
  SdkToken: token,
  // Encrypted server parameters for newer mobile SDKs (CLI-head); not in SDK 3.0.1335's model.
  ServerParamInfo: maybe(z.string()),
  RequestId: requestId,
});
/** Response of ApplySdkVerificationToken: the SdkToken, usable for 10 minutes to start. */
export type ApplySdkVerificationTokenResponse = z.infer<typeof applySdkVerificationTokenResponseSchema>;

/** Request of GetSdkVerificationResult. */
export const getSdkVerificationResultRequestSchema = z.strictObject({ SdkToken: token });
/** Request of GetSdkVerificationResult. */
export type GetSdkVerificationResultRequest = z.infer<typeof getSdkVerificationResultRequestSchema>;

/** Response of GetSdkVerificationResult: every OCR and liveness attempt in order, media as 10-minute URLs. */
export const getSdkVerificationResultResponseSchema = z.object({
  Result: z.string(),
  Description: maybe(z.string()),
  ChargeCount: maybe(z.number().int()),
  CardVerifyResults: maybe(z.array(cardVerifyResultSchema)),
  CompareResults: maybe(z.array(compareResultSchema)),
  Extra: maybe(z.string()),
  DeviceInfoLevel: maybe(z.string()),
  RequestId: requestId,
});
/** Response of GetSdkVerificationResult; the last CardVerifyResult and CompareResult are authoritative. */
export type GetSdkVerificationResultResponse = z.infer<typeof getSdkVerificationResultResponseSchema>;

// ---- ApplyLivenessToken / GetLivenessResult (liveness SDK) ----

/** Request of ApplyLivenessToken: issue an SdkToken for one liveness-only SDK process. */
export const applyLivenessTokenRequestSchema = z.strictObject({
  SecureLevel: z.enum(['1', '2', '3', '4']).optional(),
});
/** Request of ApplyLivenessToken. */
export type ApplyLivenessTokenRequest = z.infer<typeof applyLivenessTokenRequestSchema>;

/** Response of ApplyLivenessToken. */
export const applyLivenessTokenResponseSchema = z.object({ SdkToken: token, RequestId: requestId });
/** Response of ApplyLivenessToken: the SdkToken, usable for 10 minutes to start. */
export type ApplyLivenessTokenResponse = z.infer<typeof applyLivenessTokenResponseSchema>;

/** Request of GetLivenessResult. */
export const getLivenessResultRequestSchema = z.strictObject({ SdkToken: token });
/** Request of GetLivenessResult. */
export type GetLivenessResultRequest = z.infer<typeof getLivenessResultRequestSchema>;

/** Response of GetLivenessResult: result code and 10-minute media URLs. */
export const getLivenessResultResponseSchema = z.object({
  Result: z.string(),
  Description: maybe(z.string()),
  BestFrame: maybe(fileInfoSchema),
  Video: maybe(fileInfoSchema),
  RequestId: requestId,
});
/** Response of GetLivenessResult. */
export type GetLivenessResultResponse = z.infer<typeof getLivenessResultResponseSchema>;

// ---- ApplyWebVerificationBizTokenIntl / GetWebVerificationResultIntl (web, Intl) ----

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
/** Request of ApplyWebVerificationBizTokenIntl. */
export type ApplyWebVerificationBizTokenIntlRequest = z.infer<typeof applyWebVerificationBizTokenIntlRequestSchema>;

/** Response of ApplyWebVerificationBizTokenIntl. */
export const applyWebVerificationBizTokenIntlResponseSchema = z.object({
  BizToken: token,
  VerificationURL: z.string().min(1),
  // Deprecated duplicate of VerificationURL, still returned.
  VerificationUrl: maybe(z.string()),
  RequestId: requestId,
});
/** Response of ApplyWebVerificationBizTokenIntl: the BizToken (10 minutes to start) and the page to open. */
export type ApplyWebVerificationBizTokenIntlResponse = z.infer<typeof applyWebVerificationBizTokenIntlResponseSchema>;

/** Request of GetWebVerificationResultIntl. */
export const getWebVerificationResultIntlRequestSchema = z.strictObject({ BizToken: token });
/** Request of GetWebVerificationResultIntl. */
export type GetWebVerificationResultIntlRequest = z.infer<typeof getWebVerificationResultIntlRequestSchema>;

/** Response of GetWebVerificationResultIntl: final code, attempts, last attempt's media inline, OCR results. */
export const getWebVerificationResultIntlResponseSchema = z.object({
  ErrorCode: maybe(z.number().int()),
  ErrorMsg: maybe(z.string()),
  VerificationDetailList: maybe(z.array(verificationDetailSchema)),
  VideoBase64: maybe(z.string()),
  BestFrameBase64: maybe(z.string()),
  OCRResult: maybe(z.array(ocrResultSchema)),
  Extra: maybe(z.string()),
  RequestId: requestId,
});
/** Response of GetWebVerificationResultIntl. */
export type GetWebVerificationResultIntlResponse = z.infer<typeof getWebVerificationResultIntlResponseSchema>;

// ---- ApplyWebVerificationToken / GetWebVerificationResult (web, legacy) ----

/** Request of ApplyWebVerificationToken: the compare photo must already be in COS in the same region. */
export const applyWebVerificationTokenRequestSchema = z.strictObject({
  RedirectUrl: httpUrl,
  CompareImageUrl: httpUrl,
  CompareImageMd5: md5Hex,
});
/** Request of ApplyWebVerificationToken. */
export type ApplyWebVerificationTokenRequest = z.infer<typeof applyWebVerificationTokenRequestSchema>;

/** Response of ApplyWebVerificationToken. */
export const applyWebVerificationTokenResponseSchema = z.object({
  VerificationUrl: z.string().min(1),
  BizToken: token,
  RequestId: requestId,
});
/** Response of ApplyWebVerificationToken: the legacy BizToken (valid 7,200 s) and the page to open. */
export type ApplyWebVerificationTokenResponse = z.infer<typeof applyWebVerificationTokenResponseSchema>;

/** Request of GetWebVerificationResult. */
export const getWebVerificationResultRequestSchema = z.strictObject({ BizToken: token });
/** Request of GetWebVerificationResult. */
export type GetWebVerificationResultRequest = z.infer<typeof getWebVerificationResultRequestSchema>;

/** Response of GetWebVerificationResult: final code, attempts, and 10-minute media URLs with their MD5s. */
export const getWebVerificationResultResponseSchema = z.object({
  ErrorCode: maybe(z.number().int()),
  ErrorMsg: maybe(z.string()),
  VideoBestFrameUrl: maybe(z.string()),
  VideoBestFrameMd5: maybe(z.string()),
  VerificationDetailList: maybe(z.array(verificationDetailSchema)),
  VideoUrl: maybe(z.string()),
  VideoMd5: maybe(z.string()),
  RequestId: requestId,
});
/** Response of GetWebVerificationResult. */
export type GetWebVerificationResultResponse = z.infer<typeof getWebVerificationResultResponseSchema>;

// ---- ApplyCardVerification / GetCardVerificationResult (document step) ----

/** Request of ApplyCardVerification: the front image as Base64 or URL (the URL wins when both are given). */
export const applyCardVerificationRequestSchema = z
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
  });
/** Request of ApplyCardVerification. */
export type ApplyCardVerificationRequest = z.infer<typeof applyCardVerificationRequestSchema>;

/** Response of ApplyCardVerification: the token to poll with, and how often and how many times to poll. */
export const applyCardVerificationResponseSchema = z.object({
  CardVerificationToken: token,
  AsyncCardVerificationMaxPollingTimes: maybe(z.number().int().nonnegative()),
  AsyncCardVerificationPollingWaitTime: maybe(z.number().int().nonnegative()),
  RequestId: requestId,
});
/** Response of ApplyCardVerification. */
export type ApplyCardVerificationResponse = z.infer<typeof applyCardVerificationResponseSchema>;

/** Request of GetCardVerificationResult. */
export const getCardVerificationResultRequestSchema = z.strictObject({ CardVerificationToken: token });
/** Request of GetCardVerificationResult. */
export type GetCardVerificationResultRequest = z.infer<typeof getCardVerificationResultRequestSchema>;

/** Response of GetCardVerificationResult; `Status` is upper-cased and "PROCESSING" means poll again. */
export const getCardVerificationResultResponseSchema = z.object({
  Status: cardVerificationStatusSchema,
  WarnInfo: maybe(z.array(z.string())),
  Nationality: maybe(z.string()),
  CardType: maybe(z.string()),
  CardSubType: maybe(z.string()),
  CardInfo: maybe(cardInfoSchema),
  IDVerificationToken: maybe(z.string()),
  RequestId: requestId,
});
/** Response of GetCardVerificationResult. */
export type GetCardVerificationResultResponse = z.infer<typeof getCardVerificationResultResponseSchema>;

// ---- Per-action lookup ----

/** Request and response schema of every action, for generic callers (activities, the emulator, tests). */
export const FACEID_SCHEMAS = {
  GetFaceIdTokenIntl: { request: getFaceIdTokenIntlRequestSchema, response: getFaceIdTokenIntlResponseSchema },
  GetFaceIdResultIntl: { request: getFaceIdResultIntlRequestSchema, response: getFaceIdResultIntlResponseSchema },
  ApplySdkVerificationToken: {
    request: applySdkVerificationTokenRequestSchema,
    response: applySdkVerificationTokenResponseSchema,
  },
  GetSdkVerificationResult: {
    request: getSdkVerificationResultRequestSchema,
    response: getSdkVerificationResultResponseSchema,
  },
  ApplyLivenessToken: { request: applyLivenessTokenRequestSchema, response: applyLivenessTokenResponseSchema },
  GetLivenessResult: { request: getLivenessResultRequestSchema, response: getLivenessResultResponseSchema },
  ApplyWebVerificationBizTokenIntl: {
    request: applyWebVerificationBizTokenIntlRequestSchema,
    response: applyWebVerificationBizTokenIntlResponseSchema,
  },
  GetWebVerificationResultIntl: {
    request: getWebVerificationResultIntlRequestSchema,
    response: getWebVerificationResultIntlResponseSchema,
  },
  ApplyWebVerificationToken: {
    request: applyWebVerificationTokenRequestSchema,
    response: applyWebVerificationTokenResponseSchema,
  },
  GetWebVerificationResult: {
    request: getWebVerificationResultRequestSchema,
    response: getWebVerificationResultResponseSchema,
  },
  ApplyCardVerification: { request: applyCardVerificationRequestSchema, response: applyCardVerificationResponseSchema },
  GetCardVerificationResult: {
    request: getCardVerificationResultRequestSchema,
    response: getCardVerificationResultResponseSchema,
  },
} as const satisfies Record<FaceIdAction, { request: z.ZodType; response: z.ZodType }>;

/** The request DTO of action `A`. */
export type FaceIdRequest<A extends FaceIdAction> = z.infer<(typeof FACEID_SCHEMAS)[A]['request']>;

/** The parsed response DTO of action `A`. */
export type FaceIdResponse<A extends FaceIdAction> = z.infer<(typeof FACEID_SCHEMAS)[A]['response']>;
