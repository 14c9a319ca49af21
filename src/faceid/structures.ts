import { z } from 'zod';

/**
 * Accepts a value, `null` or an absent key and always yields the value or `null`, so DTOs are plain JSON with no
 * `undefined` holes. The service omits many fields the docs do not mark nullable (seed S0 lacks ActionVideo, IsEdit,
 * NormalCardInfo …), so every field a flow can continue without is read this way.
 */
export function maybe<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? null);
}

/** A temporary download link with its checksum (FileInfo); URLs expire 10 minutes after the result call. */
export const fileInfoSchema = z.object({
  Url: z.string(),
  MD5: z.string(),
  Size: z.number().int().nonnegative(),
});

/** A temporary download link with its checksum, as returned by the eKYC and liveness result actions. */
export type FileInfo = z.infer<typeof fileInfoSchema>;

// Card recognition results are a union of ~25 document structs whose leaves are strings (GeneralCard nests one
// Address object); they are read loosely because no decision depends on an individual card field.
const cardLeafSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const cardFieldsSchema = z.record(z.string(), z.union([cardLeafSchema, z.record(z.string(), cardLeafSchema)]));

/**
 * Recognised document fields keyed by card type (`HKIDCard`, `IndonesiaIDCard`, `GeneralCard` …), read loosely; the
 * normalised ones (NormalCardInfo: `HKIDCard`, `MLIDCard`, `MainlandIDCard` …) are read the same way.
 */
export const cardInfoSchema = z.record(z.string(), cardFieldsSchema.nullable());

/** One field the end user changed after OCR in the eKYC SDK. */
const editDetailSchema = z.object({
  FieldName: maybe(z.string()),
  OriginalFieldValue: maybe(z.string()),
  RevisedFieldValue: maybe(z.string()),
});

/** One liveness / face-compare attempt of an eKYC SDK process; the last attempt is authoritative. */
export const compareResultSchema = z.object({
  ErrorCode: maybe(z.string()),
  ErrorMsg: maybe(z.string()),
  LiveData: maybe(fileInfoSchema),
  LiveVideo: maybe(fileInfoSchema),
  ActionVideo: maybe(fileInfoSchema),
  LiveErrorCode: maybe(z.string()),
  LiveErrorMsg: maybe(z.string()),
  BestFrame: maybe(fileInfoSchema),
  ProfileImage: maybe(fileInfoSchema),
  // Empty strings, not null, when the liveness step failed before comparing (seed S0).
  CompareErrorCode: maybe(z.string()),
  CompareErrorMsg: maybe(z.string()),
  Sim: maybe(z.number()),
  IsNeedCharge: maybe(z.boolean()),
  CardInfoInputJson: maybe(fileInfoSchema),
  RequestId: maybe(z.string()),
  LivenessInfoTag: maybe(z.array(z.string())),
});

/** One document OCR attempt of an eKYC SDK process; the last attempt is authoritative. */
export const cardVerifyResultSchema = z.object({
  // Null is FaceID giving no verdict: read, never a pass (the decision reviews it), and no reason to retry the call.
  IsPass: maybe(z.boolean()),
  IsEdit: maybe(z.boolean()),
  CardVideo: maybe(fileInfoSchema),
  CardImage: maybe(fileInfoSchema),
  CardInfoOcrJson: maybe(fileInfoSchema),
  RequestId: maybe(z.string()),
  CardInfo: maybe(cardInfoSchema),
  NormalCardInfo: maybe(cardInfoSchema),
  WarnCardInfos: maybe(z.array(z.number().int())),
  EditDetails: maybe(z.array(editDetailSchema)),
});

/** One attempt of a web (H5) verification; every field may be null. */
export const verificationDetailSchema = z.object({
  ErrorCode: maybe(z.number().int()),
  ErrorMsg: maybe(z.string()),
  LivenessErrorCode: maybe(z.number().int()),
  LivenessErrorMsg: maybe(z.string()),
  CompareErrorCode: maybe(z.number().int()),
  CompareErrorMsg: maybe(z.string()),
  ReqTimestamp: maybe(z.number().int()),
  Similarity: maybe(z.number()),
  Seq: maybe(z.string()),
  // Newer than SDK 3.0.1335's model (CLI-head), with its own tag numbering (reference §5.4).
  LivenessInfoTag: maybe(z.array(z.string())),
});

/** One document OCR result of an Intl web verification; every field may be null. */
export const ocrResultSchema = z.object({
  IsPass: maybe(z.boolean()),
  CardImageBase64: maybe(z.string()),
  CardInfo: maybe(cardInfoSchema),
  NormalCardInfo: maybe(cardInfoSchema),
  RequestId: maybe(z.string()),
  CardCutImageBase64: maybe(z.string()),
  CardBackCutImageBase64: maybe(z.string()),
  WarnCardInfos: maybe(z.array(z.number().int())),
  // The three below are newer than SDK 3.0.1335's model (CLI-head); OriginalCardInfo is a JSON string returned
  // instead of NormalCardInfo when Config.CheckMode is 4 (OCR only).
  OriginalCardInfo: maybe(z.string()),
  HeadImageBase64: maybe(z.string()),
  CardBackImageBase64: maybe(z.string()),
});

/** Reads a card verification status in either spelling (seed S4 `Passed`, SDK/CLI/Go `PASSED`) as upper case. */
export const cardVerificationStatusSchema = z
  .string()
  .transform((value) => value.toUpperCase())
  .pipe(z.enum(['PASSED', 'WARNING', 'REJECTED', 'PROCESSING']));
