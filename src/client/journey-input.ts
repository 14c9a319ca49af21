import { z } from 'zod';
import { CARD_NATIONALITIES, FACEID_REGIONS, isRegionAllowed } from '../faceid/actions';
import { FACEID_SCHEMAS } from '../faceid/schemas';
import { FLOW_PLANS } from '../workflows/flow-plan';
import { FLOWS, type Flow, type JourneyInput } from '../workflows/types';

const OPTION_KEY: Record<Flow, 'selfie' | 'ekyc' | 'liveness' | 'web' | 'webLegacy'> = {
  selfie: 'selfie',
  ekyc: 'ekyc',
  liveness: 'liveness',
  web: 'web',
  'web-legacy': 'webLegacy',
};

/** The FaceID request field each flow fills from `compareImage`. */
const COMPARE_IMAGE_FIELD: Partial<Record<Flow, string>> = {
  selfie: 'Image',
  ekyc: 'CompareImage',
  web: 'CompareImageBase64',
};

const durationMs = z
  .number()
  .int()
  .min(1)
  .max(30 * 24 * 3600 * 1000);
const storedImage = z.strictObject({ key: z.string().min(1).max(300) });

/**
 * A backend's reference: the journey id is `ekyc:<reference>` and input images are stored under `inputs/<reference>/`,
 * so it starts with a letter or digit (`.` and `..` would be path segments).
 */
export const REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The journey input as the workflow receives it (images as archive keys); also the gateway's documented shape. */
export const journeyInputSchema = z
  .strictObject({
    reference: z
      .string()
      .regex(
        REFERENCE_PATTERN,
        'must be 1-100 letters, digits, dots, underscores or hyphens, starting with a letter or digit (an opaque id, never personal data)',
      ),
    flow: z.enum(FLOWS as [Flow, ...Flow[]]),
    region: z.enum(FACEID_REGIONS),
    selfie: z.record(z.string(), z.unknown()).optional(),
    ekyc: z.record(z.string(), z.unknown()).optional(),
    liveness: z.record(z.string(), z.unknown()).optional(),
    web: z.record(z.string(), z.unknown()).optional(),
    webLegacy: z.record(z.string(), z.unknown()).optional(),
    compareImage: storedImage.optional(),
    document: z
      .strictObject({
        nationality: z.enum(CARD_NATIONALITIES, { error: `must be one of ${CARD_NATIONALITIES.join(', ')}` }),
        cardType: z.enum(['ID_CARD', 'PASSPORT', 'DRIVING_LICENSE', 'AUTO']),
        front: storedImage,
        back: storedImage.optional(),
      })
      .optional(),
    policy: z
      .strictObject({
        similarityThreshold: z.number().min(0).max(100),
        documentWarning: z.enum(['review', 'reject']),
        reviewDeviceRiskLevels: z.array(z.enum(['1', '2', '3', '4'])),
        rejectDeviceRiskLevels: z.array(z.enum(['1', '2', '3', '4'])),
        reviewTimeoutDecision: z.enum(['approved', 'rejected']),
        fourEyesRejection: z.boolean(),
      })
      .partial()
      .optional(),
    timers: z
      .strictObject({
        startWindowMs: durationMs,
        completionDeadlineMs: durationMs,
        resultWindowMs: durationMs,
        pollInitialMs: durationMs,
        pollMaxMs: durationMs,
        mediaUrlLifetimeMs: durationMs,
        reviewDeadlineMs: durationMs,
        reviewClaimMs: durationMs,
        documentPollCapMs: durationMs,
        faceIdCallMs: durationMs,
      })
      .partial()
      .optional(),
    maxRenewals: z.number().int().min(0).max(10).optional(),
    retentionDays: z.number().positive().max(3650).optional(),
  })
  .superRefine((input, ctx) => {
    const own = OPTION_KEY[input.flow];
    for (const key of Object.values(OPTION_KEY)) {
      if (key !== own && input[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `not used by the ${input.flow} flow` });
      }
    }
    const plan = FLOW_PLANS[input.flow];
    if (!isRegionAllowed(plan.issue, input.region)) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: `${plan.issue} is not offered in ${input.region}` });
    }
    const imageField = COMPARE_IMAGE_FIELD[input.flow];
    if (input.compareImage && !imageField) {
      ctx.addIssue({ code: 'custom', path: ['compareImage'], message: `not used by the ${input.flow} flow` });
    }
    // The FaceID layer's own request schema checks the options; a placeholder stands in for the stored image.
    const request = { ...(input[own] ?? {}), ...(input.compareImage && imageField ? { [imageField]: 'AA==' } : {}) };
    const checked = FACEID_SCHEMAS[plan.issue].request.safeParse(request);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = issue.path[0];
        const path = field === imageField ? ['compareImage'] : [own, ...issue.path];
        ctx.addIssue({ code: 'custom', path, message: issue.message });
      }
    }
  });

/** A journey input that failed validation; `issues` name each field and problem (never a value). */
export class JourneyInputError extends Error {
  override readonly name = 'JourneyInputError';
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid journey input: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`);
  }
}

/** Validates a journey input at the edge; the workflow trusts what passes. */
export function parseJourneyInput(raw: unknown): JourneyInput {
  const parsed = journeyInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw new JourneyInputError(
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data as JourneyInput;
}
