import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import {
  ekycOptionsSchema,
  livenessOptionsSchema,
  selfieOptionsSchema,
  webConfigSchema,
  webLegacyOptionsSchema,
  webOptionsSchema,
} from '../faceid/flow-options';
import { MAX_IMAGE_BYTES } from '../client/input-images';
import { fieldIssues, journeyInputSchemaFor, REFERENCE_PATTERN } from '../client/journey-input';
import { journeyListFilterSchema } from '../client/journey-list';
import { legalHoldInputSchema } from '../retention/legal-hold-input';
import { reviewQueueFilterSchema } from '../review/review-queue';
import { OPERATOR_ID_PATTERN, OPERATOR_ID_RULE } from '../contracts/operator-id';
import { IDEMPOTENCY_KEY_PATTERN } from './idempotency';
import { ProblemError, type ProblemCode } from './problems';
import type { Flow } from '../workflows/types';

/** Largest body of `POST /v1/journeys`: room for three Base64 images of the largest accepted size. */
export const START_BODY_LIMIT = 12 * 1024 * 1024;
/** How long a client has to send its whole request, headers and body. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Largest body of every other route. */
export const SMALL_BODY_LIMIT = 16 * 1024;

/** Journey ids the gateway serves: `ekyc:<reference>`; anything else cannot name a journey. */
const JOURNEY_ID_PATTERN = new RegExp(`^ekyc:${REFERENCE_PATTERN.source.slice(1)}`);

/** An image in a start body: Base64 of a JPEG or PNG (its first bytes are checked once decoded). */
const base64Image = z.strictObject({
  contentType: z.enum(['image/jpeg', 'image/png']),
  base64: z
    .string()
    .min(4)
    .max(Math.ceil(MAX_IMAGE_BYTES / 3) * 4, `at most ${MAX_IMAGE_BYTES} bytes once decoded`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be plain Base64 (no data: prefix, no line breaks)')
    .meta({ description: `plain Base64, at most ${MAX_IMAGE_BYTES} bytes once decoded` }),
});

/** A body's Base64 image as the client takes it: bytes. */
export type Base64Image = z.output<typeof base64Image>;

const finalUrl = z
  .url({ protocol: /^https?$/, error: 'expected an absolute http or https URL' })
  .meta({ description: 'where the browser goes after the verification (default WEB_FINAL_URL)' });

// A 1x1 grey JPEG (160 bytes), so that the example passes the gateway's first-bytes check.
const EXAMPLE_JPEG =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';

/** How each flow's start body is named in the OpenAPI document. */
const FLOW_NAMES: Record<Flow, string> = {
  selfie: 'Selfie',
  ekyc: 'Ekyc',
  liveness: 'Liveness',
  web: 'Web',
  'web-legacy': 'WebLegacy',
};

/** A field the gateway fills in itself: FaceID's redirect, set to the gateway's return route. */
const gatewayRedirect = (field: 'web' | 'webLegacy') =>
  z
    .never({ error: `set by the gateway; give ${field}.finalUrl instead` })
    .optional()
    .meta({ description: `not accepted: the gateway sets it to its return route; give ${field}.finalUrl` });

// Each flow's options are published as components of their own, so that a bank's client sees their fields.
const FLOW_OPTIONS = {
  selfie: selfieOptionsSchema.meta({
    id: 'SelfieOptions',
    description: 'GetFaceIdTokenIntl options except Image (from compareImage) and Extra (the journey sets it)',
  }),
  ekyc: ekycOptionsSchema.meta({
    id: 'EkycOptions',
    description:
      'ApplySdkVerificationToken options except CompareImage (from compareImage) and Extra (the journey sets it)',
  }),
  liveness: livenessOptionsSchema.meta({ id: 'LivenessOptions', description: 'ApplyLivenessToken options' }),
  web: webOptionsSchema
    .omit({ RedirectURL: true })
    .extend({
      finalUrl: finalUrl.optional(),
      RedirectURL: gatewayRedirect('web'),
      Config: webConfigSchema
        .meta({ id: 'WebVerificationConfig', description: 'WebVerificationConfigIntl without CheckMode 4' })
        .optional(),
    })
    .optional()
    .meta({
      id: 'WebOptions',
      description:
        'ApplyWebVerificationBizTokenIntl options except RedirectURL (the gateway sets it), CompareImageBase64 (from compareImage) and Extra (the journey sets it), plus finalUrl',
    }),
  webLegacy: webLegacyOptionsSchema
    .omit({ RedirectUrl: true })
    .extend({ finalUrl: finalUrl.optional(), RedirectUrl: gatewayRedirect('webLegacy') })
    .meta({
      id: 'WebLegacyOptions',
      description: 'ApplyWebVerificationToken options except RedirectUrl (the gateway sets it), plus finalUrl',
    }),
};

/**
 * `POST /v1/journeys`: the journey input with images as Base64 and, for the web flows, the browser's `finalUrl` in
 * place of FaceID's redirect, which the gateway sets to its own return route. Every option is checked here, at the
 * edge; what passes is typed from here on.
 */
export const startJourneyBodySchema = journeyInputSchemaFor({
  image: base64Image,
  options: FLOW_OPTIONS,
  regionOptional: true,
  componentId: (flow) => `Start${FLOW_NAMES[flow]}Journey`,
}).meta({
  id: 'StartJourney',
  description: "region defaults to the gateway's FACEID_REGION",
  examples: [
    { reference: 'order-1001', flow: 'liveness', region: 'ap-singapore', liveness: { SecureLevel: '4' } },
    {
      reference: 'order-1002',
      flow: 'selfie',
      selfie: { CheckMode: 'compare' },
      compareImage: { contentType: 'image/jpeg', base64: EXAMPLE_JPEG },
    },
    { reference: 'order-1003', flow: 'web', web: { finalUrl: 'https://shop.example.org/kyc/done?order=1003' } },
  ],
});

/** `Idempotency-Key` of `POST /v1/journeys`; a malformed key answers `invalid_idempotency_key`. */
export const startHeadersSchema = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN)
    .optional()
    .meta({ description: 'within 24 h the same key and body replay the first answer; another body answers 422' }),
});

/** The `{id}` of every journey route; an id that cannot name a journey answers 404 like an unknown one. */
export const journeyParamsSchema = z.strictObject({
  id: z
    .string()
    .regex(JOURNEY_ID_PATTERN)
    .meta({
      description: 'journey id, `ekyc:<reference>` (the colon URL-encoded or not)',
      examples: ['ekyc:order-1001'],
    }),
});

/** Who acts, in a body: {@link OPERATOR_ID_PATTERN}. */
const operatorIdSchema = z.string().regex(OPERATOR_ID_PATTERN, `must be ${OPERATOR_ID_RULE}, never a name or e-mail`);

/** `POST /v1/journeys/{id}/review`: the same rules the journey's update validator applies. */
export const reviewBodySchema = z.strictObject({
  decision: z.enum(['approved', 'rejected']),
  reviewer: operatorIdSchema,
  reason: z
    .string()
    .max(500)
    .refine((value) => value.trim() !== '', 'must not be empty'),
  reasonCode: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a code such as document_expired (lower case, digits, _; at most 64)')
    .optional(),
});

/** Body of `POST /v1/journeys/{id}/review/claim` and `.../release`. */
export const reviewClaimBodySchema = z.strictObject({
  reviewer: operatorIdSchema,
});

/** `GET /v1/audit` query: a period of at most 31 days. */
export const auditQuerySchema = z
  .strictObject({ from: z.iso.datetime(), to: z.iso.datetime() })
  .refine(({ from, to }) => Date.parse(from) < Date.parse(to), { message: 'must be after from', path: ['to'] })
  .refine(({ from, to }) => Date.parse(to) - Date.parse(from) <= 31 * 24 * 3600 * 1000, {
    message: 'at most 31 days after from',
    path: ['to'],
  });

/** `GET /v1/review-queue` query. */
export const reviewQueueQuerySchema = reviewQueueFilterSchema;

/** Body of `POST /v1/journeys/{id}/legal-hold`: the legal hold's own rule, strict. */
export const legalHoldBodySchema = z.strictObject(legalHoldInputSchema.shape);

/** `POST /v1/journeys/{id}/erase` body: who asks and why, as ids and codes (the record outlives everything else). */
export const erasureBodySchema = z.strictObject({
  requestedBy: operatorIdSchema,
  reason: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a code such as data_subject_request')
    .meta({ examples: ['data_subject_request'] }),
});

/** Bodies of the action routes (`finished`, `token`, `cancel`): nothing, or an empty object. */
export const emptyBodySchema = z.union([z.undefined(), z.null(), z.strictObject({})]);

/** `GET /v1/journeys` query. */
export const listQuerySchema = journeyListFilterSchema;

/** `GET /v1/web/return` query: the journey the gateway put into the RedirectURL and the token FaceID appended. */
export const webReturnQuerySchema = z.looseObject({
  journey: z.string().regex(JOURNEY_ID_PATTERN, 'must be a journey id'),
  token: z.string().min(1).max(256),
});

/** Parses with a zod schema or throws a `validation_failed` problem naming each field (never its value). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ProblemError('validation_failed', undefined, fieldIssues(parsed.error));
}

/** Request schemas whose refusal has a problem code of its own, set by {@link refusedAs}. */
const OWN_REFUSALS = new WeakMap<z.ZodType, ProblemCode>();

/**
 * Marks a route's request schema so that what it refuses is answered with `code` (still naming each field): a path
 * parameter that names no policy version is `policy_not_found`, not a journey's 404.
 */
export function refusedAs<S extends z.ZodType>(schema: S, code: ProblemCode): S {
  OWN_REFUSALS.set(schema, code);
  return schema;
}

/**
 * Validates each request part with its route's zod schema. A failure is a problem: the code its schema was marked with
 * ({@link refusedAs}), else an `{id}` that cannot name a journey is unknown like any other (404), a malformed
 * `Idempotency-Key` has its own code, and anything else is `validation_failed` naming each field (never its value).
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    const own = OWN_REFUSALS.get(schema);
    if (own) return { error: new ProblemError(own, undefined, fieldIssues(parsed.error)) };
    if (httpPart === 'params') return { error: new ProblemError('journey_not_found') };
    if (httpPart === 'headers') {
      return {
        error: new ProblemError('invalid_idempotency_key', 'use 1-255 printable ASCII characters, e.g. a UUID'),
      };
    }
    return { error: new ProblemError('validation_failed', undefined, fieldIssues(parsed.error)) };
  };
