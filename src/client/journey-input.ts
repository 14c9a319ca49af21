import { z } from 'zod';
import { CARD_NATIONALITIES, FACEID_REGIONS, isRegionAllowed } from '../faceid/actions';
import { FACEID_SCHEMAS } from '../faceid/schemas';
import { FLOW_PLANS } from '../workflows/flow-plan';
import type { Flow, JourneyInput } from '../workflows/types';

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

/** What differs between the journey input the workflow receives and the body a gateway accepts for it. */
export interface JourneyInputVariant<Image extends z.ZodType> {
  /** An input image: `{ key }` in the archive for the workflow, Base64 in a gateway body. */
  image: Image;
  /** Options of the web flows (a gateway takes the browser's `finalUrl` in place of FaceID's redirect). */
  web: z.ZodType;
  webLegacy: z.ZodType;
  /** Whether `region` may be left out (a gateway fills in its `FACEID_REGION`). */
  regionOptional: boolean;
  /** Whether the flow's options are checked against FaceID's own request schema (possible once they are complete). */
  checkFaceIdOptions: boolean;
  /** The name each flow's shape has in a published document (none: they stay inline). */
  componentId?: (flow: Flow) => string;
}

const flowOptions = z.record(z.string(), z.unknown());

/**
 * The journey input in one of its variants: the workflow's (see {@link parseJourneyInput}) or a gateway's start body.
 * One definition for both, so the gateway's documented body cannot drift from what the workflow accepts. A union by
 * `flow`: each flow takes its own FaceID options (and `compareImage` where FaceID compares with it), and a field of
 * another flow is refused by name.
 */
export function journeyInputSchemaFor<Image extends z.ZodType>(variant: JourneyInputVariant<Image>) {
  const region = z.enum(FACEID_REGIONS);
  const common = {
    reference: z
      .string()
      .regex(
        REFERENCE_PATTERN,
        'must be 1-100 letters, digits, dots, underscores or hyphens, starting with a letter or digit (an opaque id, never personal data)',
      ),
    region: variant.regionOptional ? region.optional() : region,
    document: z
      .strictObject({
        nationality: z.enum(CARD_NATIONALITIES, { error: `must be one of ${CARD_NATIONALITIES.join(', ')}` }),
        cardType: z.enum(['ID_CARD', 'PASSPORT', 'DRIVING_LICENSE', 'AUTO']),
        front: variant.image,
        back: variant.image.optional(),
      })
      .optional()
      .meta({ description: 'adds the document step (ApplyCardVerification), in every flow' }),
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
  };
  const compareImage = variant.image.optional().meta({ description: 'the face FaceID compares the user with' });
  const flowShape = <F extends Flow, Own extends z.ZodRawShape>(flow: F, own: Own) => {
    const shape = z.strictObject(
      { ...common, flow: z.literal(flow), ...own },
      // Strict: a field of another flow (or none) is refused, by name (see fieldIssues).
      { error: (issue) => (issue.code === 'unrecognized_keys' ? `not used by the ${flow} flow` : undefined) },
    );
    return variant.componentId ? shape.meta({ id: variant.componentId(flow) }) : shape;
  };
  return z
    .discriminatedUnion('flow', [
      flowShape('selfie', {
        selfie: flowOptions.optional().meta({ description: 'GetFaceIdTokenIntl options except Image' }),
        compareImage,
      }),
      flowShape('ekyc', {
        ekyc: flowOptions.optional().meta({ description: 'ApplySdkVerificationToken options except CompareImage' }),
        compareImage,
      }),
      flowShape('liveness', {
        liveness: flowOptions.optional().meta({ description: 'ApplyLivenessToken options' }),
      }),
      flowShape('web', { web: variant.web.optional(), compareImage }),
      flowShape('web-legacy', { webLegacy: variant.webLegacy.optional() }),
    ])
    .superRefine((input, ctx) => {
      const plan = FLOW_PLANS[input.flow];
      if (input.region !== undefined && !isRegionAllowed(plan.issue, input.region)) {
        ctx.addIssue({ code: 'custom', path: ['region'], message: `${plan.issue} is not offered in ${input.region}` });
      }
      if (!variant.checkFaceIdOptions) return;
      // The FaceID layer's own request schema checks the options; a placeholder stands in for the stored image.
      const own = OPTION_KEY[input.flow];
      const fields = input as Record<string, unknown>;
      const imageField = COMPARE_IMAGE_FIELD[input.flow];
      const request = {
        ...((fields[own] ?? {}) as Record<string, unknown>),
        ...(fields.compareImage !== undefined && imageField ? { [imageField]: 'AA==' } : {}),
      };
      const checked = FACEID_SCHEMAS[plan.issue].request.safeParse(request);
      if (!checked.success) {
        for (const issue of checked.error.issues) {
          const field = issue.path[0];
          const path = field === imageField ? ['compareImage'] : [own, ...issue.path];
          ctx.addIssue({ code: 'custom', path, message: issue.message });
        }
      }
    })
    .meta({ discriminator: { propertyName: 'flow' } });
}

/** The journey input as the workflow receives it: images as archive keys, every FaceID option checked. */
const journeyInputSchema = journeyInputSchemaFor({
  image: storedImage,
  web: flowOptions.meta({ description: 'ApplyWebVerificationBizTokenIntl options except CompareImageBase64' }),
  webLegacy: flowOptions.meta({ description: 'ApplyWebVerificationToken options' }),
  regionOptional: false,
  checkFaceIdOptions: true,
});

/** One field's problem: its path (`web.finalUrl`) and message, never its value. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The field issues of a failed parse. A strict object names the fields it refuses in one issue; each becomes its
 * own, at its own path (`web`, not the object that holds it).
 */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code !== 'unrecognized_keys') return [{ path: path.join('.'), message: issue.message }];
    const generic = issue.message.startsWith('Unrecognized key');
    return issue.keys.map((key) => ({
      path: [...path, key].join('.'),
      message: generic ? 'unknown field' : issue.message,
    }));
  });
}

/** A journey input that failed validation; `issues` name each field and problem (never a value). */
export class JourneyInputError extends Error {
  override readonly name = 'JourneyInputError';
  constructor(readonly issues: FieldIssue[]) {
    super(`invalid journey input: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`);
  }
}

/** Validates a journey input at the edge; the workflow trusts what passes. */
export function parseJourneyInput(raw: unknown): JourneyInput {
  const parsed = journeyInputSchema.safeParse(raw);
  if (!parsed.success) throw new JourneyInputError(fieldIssues(parsed.error));
  return parsed.data as JourneyInput;
}
