import { z } from 'zod';
import { CARD_BACK_REQUIRED, CARD_NATIONALITIES, FACEID_REGIONS, isRegionAllowed } from '../faceid/actions';
import { FLOW_PLANS } from '../contracts/flow-plan';
import type { Flow } from '../workflows/types';
import {
  ekycOptionsSchema,
  livenessOptionsSchema,
  selfieOptionsSchema,
  webLegacyOptionsSchema,
  webOptionsSchema,
} from '../faceid/flow-options';

const durationMs = z
  .number()
  .int()
  .min(1)
  .max(30 * 24 * 3600 * 1000);

/** An input image a start takes: already in the archive (`{ key }`), or bytes the client checks and stores first. */
const startImage = z.union(
  [
    z.strictObject({ key: z.string().min(1).max(300) }),
    z.strictObject({
      // Not z.instanceof: its type would refuse a Buffer over a shared ArrayBuffer, which Node's Buffers often are.
      bytes: z.custom<Uint8Array>((value) => value instanceof Uint8Array),
      contentType: z.enum(['image/jpeg', 'image/png']),
    }),
  ],
  { error: 'must be { key } of an archived image, or { bytes, contentType } of a JPEG or PNG' },
);

/**
 * A backend's reference: the journey id is `ekyc:<reference>` and input images are stored under `inputs/<reference>/`,
 * so it starts with a letter or digit (`.` and `..` would be path segments).
 */
export const REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Each flow's FaceID options, as a variant takes them. The web flows' are given optional or not: the workflow needs
 * FaceID's redirect in them, a gateway takes the browser's `finalUrl` in its place and fills the redirect in itself.
 */
export interface FlowOptionSchemas<
  Selfie extends z.ZodType,
  Ekyc extends z.ZodType,
  Liveness extends z.ZodType,
  Web extends z.ZodType,
  WebLegacy extends z.ZodType,
> {
  selfie: Selfie;
  ekyc: Ekyc;
  liveness: Liveness;
  web: Web;
  webLegacy: WebLegacy;
}

/** What differs between the journey input the client starts with and the body a gateway accepts for it. */
export interface JourneyInputVariant<Image extends z.ZodType, Options> {
  /** An input image: `{ key }` in the archive or bytes for the client, Base64 in a gateway body. */
  image: Image;
  /** Each flow's FaceID options ({@link FlowOptionSchemas}). */
  options: Options;
  /** Whether `region` may be left out (a gateway fills in its `FACEID_REGION`). */
  regionOptional: boolean;
  /** The name each flow's shape has in a published document (none: they stay inline). */
  componentId?: (flow: Flow) => string;
}

/** Whether FaceID reads the back of this document too (reference §3.11), so the journey cannot start without it. */
function needsBack(nationality: string, cardType: string): boolean {
  if (cardType !== 'ID_CARD' && cardType !== 'DRIVING_LICENSE') return false;
  return (CARD_BACK_REQUIRED[cardType] as readonly string[]).includes(nationality);
}

/**
 * The journey input in one of its variants: the client's (see {@link parseJourneyStart}) or a gateway's start body.
 * One definition for both, so the gateway's documented body cannot drift from what the client accepts. A union by
 * `flow`: each flow takes its own FaceID options (and `compareImage` where FaceID compares with it), and a field of
 * another flow is refused by name.
 */
export function journeyInputSchemaFor<
  Image extends z.ZodType,
  // One type parameter per flow's options: read through a single `Options` parameter, their types were lost to unknown.
  Selfie extends z.ZodType,
  Ekyc extends z.ZodType,
  Liveness extends z.ZodType,
  Web extends z.ZodType,
  WebLegacy extends z.ZodType,
>(variant: JourneyInputVariant<Image, FlowOptionSchemas<Selfie, Ekyc, Liveness, Web, WebLegacy>>) {
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
      .refine((document) => document.back !== undefined || !needsBack(document.nationality, document.cardType), {
        path: ['back'],
        message: 'required for this document: FaceID reads both of its sides',
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
  const { options } = variant;
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
      flowShape('selfie', { selfie: options.selfie.optional(), compareImage }),
      flowShape('ekyc', { ekyc: options.ekyc.optional(), compareImage }),
      flowShape('liveness', { liveness: options.liveness.optional() }),
      flowShape('web', { web: options.web, compareImage }),
      flowShape('web-legacy', { webLegacy: options.webLegacy }),
    ])
    .superRefine((input, ctx) => {
      const unoffered = input.region === undefined ? undefined : regionIssue(input.flow, input.region);
      if (unoffered) ctx.addIssue({ code: 'custom', path: ['region'], message: unoffered.message });
      // FaceID's rules between an option and the image the journey fills in from `compareImage`.
      const compareMode = compareModeAsked(input);
      if (compareMode && !('compareImage' in input && input.compareImage !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['compareImage'], message: `required when CheckMode is ${compareMode}` });
      }
    })
    .meta({ discriminator: { propertyName: 'flow' } });
}

/** The `CheckMode` of a selfie or eKYC journey's options that makes FaceID compare with `compareImage`, if set. */
function compareModeAsked(input: { flow: Flow; selfie?: unknown; ekyc?: unknown }): 'compare' | 2 | undefined {
  const mode = (options: unknown) => (options as { CheckMode?: unknown } | undefined)?.CheckMode;
  if (input.flow === 'selfie' && mode(input.selfie) === 'compare') return 'compare';
  if (input.flow === 'ekyc' && mode(input.ekyc) === 2) return 2;
  return undefined;
}

/** The journey input a start takes: images archived or as bytes, FaceID's redirect in the web options. */
const journeyStartSchema = journeyInputSchemaFor({
  image: startImage,
  options: {
    selfie: selfieOptionsSchema,
    ekyc: ekycOptionsSchema,
    liveness: livenessOptionsSchema,
    web: webOptionsSchema,
    webLegacy: webLegacyOptionsSchema,
  },
  // The client fills in its configured default region (FACEID_REGION).
  regionOptional: true,
});

/** A validated start, as `EkycClient.startJourney` takes it (see {@link parseJourneyStart}). */
export type JourneyStart = z.output<typeof journeyStartSchema>;

/** An input image of a start: `{ key }` in the archive, or `{ bytes, contentType }`. */
export type StartImage = z.output<typeof startImage>;

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

/** Validates a backend's journey input once, at the edge; what passes is typed for `startJourney` from here on. */
export function parseJourneyStart(raw: unknown): JourneyStart {
  const parsed = journeyStartSchema.safeParse(raw);
  if (!parsed.success) throw new JourneyInputError(fieldIssues(parsed.error));
  return parsed.data;
}

/** The issue of a region in which FaceID does not offer the flow's token action; none where it does. */
function regionIssue(flow: Flow, region: string): FieldIssue | undefined {
  const { issue } = FLOW_PLANS[flow];
  return isRegionAllowed(issue, region)
    ? undefined
    : { path: 'region', message: `${issue} is not offered in ${region}` };
}

/**
 * The region a start runs in: its own (validated with the start), or the client's configured default where it names
 * none, checked against the flow here; no region at all is an issue.
 */
export function startRegion(
  start: JourneyStart,
  defaultRegion: string | undefined,
): { region: string; issues: FieldIssue[] } {
  if (start.region !== undefined) return { region: start.region, issues: [] };
  if (defaultRegion === undefined) {
    return {
      region: '',
      issues: [{ path: 'region', message: 'required: no default region is configured (FACEID_REGION)' }],
    };
  }
  const unoffered = regionIssue(start.flow, defaultRegion);
  return { region: defaultRegion, issues: unoffered ? [unoffered] : [] };
}
