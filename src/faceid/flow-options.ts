import { z } from 'zod';
import {
  applyLivenessTokenRequestSchema,
  applySdkVerificationTokenFieldsSchema,
  applyWebVerificationBizTokenIntlRequestSchema,
  applyWebVerificationTokenRequestSchema,
  getFaceIdTokenIntlFieldsSchema,
  requireMotionLevel,
  webVerificationConfigIntlSchema,
} from './schemas';

// Each flow's FaceID options as a journey takes them: the token request's own fields (src/faceid/schemas.ts), less
// those the journey fills itself (the compare image, from `compareImage`) and those it decides itself.

/** FaceID hands `Extra` back with the result; the journey sends its own tag there, so a caller's is refused by name. */
const journeyTag = z
  .never({ error: "set by the journey (its own tag in FaceID's results), never by the caller" })
  .optional()
  .meta({ description: 'not accepted: the journey sends its own tag in Extra' });

const OCR_ONLY_REFUSAL = 'OCR-only web verification (4) is not offered: every journey makes a liveness check';

/** Web `CheckMode` without 4 (OCR only): a journey decides with a liveness check, and 4 would make none. */
const webCheckMode = z
  .literal([1, 2, 3], { error: (issue) => (issue.input === 4 ? OCR_ONLY_REFUSAL : undefined) })
  .optional()
  .meta({
    description:
      '1 OCR + liveness + compare, 2 liveness + compare (default), 3 liveness only; 4 (OCR only) is refused: every journey makes a liveness check',
  });

/** GetFaceIdTokenIntl options of a selfie journey: all but `Image` (from `compareImage`) and `Extra`. */
export const selfieOptionsSchema = requireMotionLevel(
  getFaceIdTokenIntlFieldsSchema.omit({ Image: true }).extend({ Extra: journeyTag }),
  'SecureLevel',
  ['2', '4'],
);

/** ApplySdkVerificationToken options of an eKYC journey: all but `CompareImage` (from `compareImage`) and `Extra`. */
export const ekycOptionsSchema = requireMotionLevel(
  applySdkVerificationTokenFieldsSchema.omit({ CompareImage: true }).extend({ Extra: journeyTag }),
  'SecurityLevel',
  [2, 4],
);

/** ApplyLivenessToken options of a liveness journey: FaceID's, unchanged. */
export const livenessOptionsSchema = applyLivenessTokenRequestSchema;

/** WebVerificationConfigIntl of a web journey: FaceID's, without the OCR-only `CheckMode`. */
export const webConfigSchema = webVerificationConfigIntlSchema.extend({ CheckMode: webCheckMode });

/** ApplyWebVerificationBizTokenIntl options of a web journey: all but `CompareImageBase64` (from `compareImage`). */
export const webOptionsSchema = applyWebVerificationBizTokenIntlRequestSchema
  .omit({ CompareImageBase64: true })
  .extend({ Extra: journeyTag, Config: webConfigSchema.optional() });

/** ApplyWebVerificationToken options of a legacy web journey: FaceID's, unchanged (the compare photo is in COS). */
export const webLegacyOptionsSchema = applyWebVerificationTokenRequestSchema;

/** FaceID options of the selfie flow. */
export type SelfieOptions = z.output<typeof selfieOptionsSchema>;
/** FaceID options of the eKYC SDK flow. */
export type EkycOptions = z.output<typeof ekycOptionsSchema>;
/** FaceID options of the liveness-only flow. */
export type LivenessOptions = z.output<typeof livenessOptionsSchema>;
/** FaceID options of the international web flow. */
export type WebOptions = z.output<typeof webOptionsSchema>;
/** FaceID options of the legacy web flow. */
export type WebLegacyOptions = z.output<typeof webLegacyOptionsSchema>;
