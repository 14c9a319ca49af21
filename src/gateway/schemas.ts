import { z } from 'zod';
import { MAX_IMAGE_BYTES } from '../client/input-images';
import { REFERENCE_PATTERN } from '../client/journey-input';
import { journeyListFilterSchema } from '../client/journey-list';
import { ProblemError } from './problems';

/** Largest body of `POST /v1/journeys`: room for three Base64 images of the largest accepted size. */
export const START_BODY_LIMIT = 12 * 1024 * 1024;
/** How long a client has to send its whole request, headers and body. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Largest body of every other route. */
export const SMALL_BODY_LIMIT = 16 * 1024;

/** Journey ids the gateway serves: `ekyc:<reference>`; anything else cannot name a journey. */
export const JOURNEY_ID_PATTERN = new RegExp(`^ekyc:${REFERENCE_PATTERN.source.slice(1)}`);

const base64Image = z
  .strictObject({
    contentType: z.enum(['image/jpeg', 'image/png']),
    base64: z
      .string()
      .min(4)
      .max(Math.ceil(MAX_IMAGE_BYTES / 3) * 4, `at most ${MAX_IMAGE_BYTES} bytes once decoded`)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be plain Base64 (no data: prefix, no line breaks)'),
  })
  .transform(({ contentType, base64 }) => ({ contentType, bytes: Buffer.from(base64, 'base64') }));

const finalUrl = z.url({ protocol: /^https?$/, error: 'expected an absolute http or https URL' });

/**
 * `POST /v1/journeys` as the gateway sees it: the journey input (checked in full by the client's schema afterwards),
 * with images as Base64 and, for the web flows, the browser's `finalUrl` in place of FaceID's redirect, which the
 * gateway sets to its own return route.
 */
export const startJourneyBodySchema = z.looseObject({
  compareImage: base64Image.optional(),
  document: z.looseObject({ front: base64Image.optional(), back: base64Image.optional() }).optional(),
  web: z
    .looseObject({
      finalUrl: finalUrl.optional(),
      RedirectURL: z.never({ error: 'set by the gateway; give web.finalUrl instead' }).optional(),
    })
    .optional(),
  webLegacy: z
    .looseObject({
      finalUrl: finalUrl.optional(),
      RedirectUrl: z.never({ error: 'set by the gateway; give webLegacy.finalUrl instead' }).optional(),
    })
    .optional(),
});

/** `POST /v1/journeys/{id}/review`: the same rules the journey's update validator applies. */
export const reviewBodySchema = z.strictObject({
  decision: z.enum(['approved', 'rejected']),
  reviewer: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be an operator id (1-64 letters, digits, . _ : -), never a name or e-mail'),
  reason: z
    .string()
    .max(500)
    .refine((value) => value.trim() !== '', 'must not be empty'),
  reasonCode: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a code such as document_expired (lower case, digits, _; at most 64)')
    .optional(),
});

/** Body of `POST /v1/journeys/{id}/legal-hold`. */
export const legalHoldBodySchema = z.strictObject({
  hold: z.boolean(),
  operator: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be an operator id (1-64 letters, digits, . _ : -), never a name or e-mail'),
  reason: z
    .string()
    .max(500)
    .refine((value) => value.trim() !== '', 'must not be empty'),
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
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ProblemError(
    'validation_failed',
    undefined,
    parsed.error.issues.map((issue) => ({
      path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
      message: issue.message,
    })),
  );
}
