import { z } from 'zod';
import { MAX_IMAGE_BYTES } from '../client/input-images';
import { CARD_NATIONALITIES } from '../faceid/actions';
import { journeyInputSchema } from '../client/journey-input';
import { journeyListFilterSchema } from '../client/journey-list';
import { PROBLEMS } from './problems';
import {
  JOURNEY_ID_PATTERN,
  legalHoldBodySchema,
  reviewBodySchema,
  SMALL_BODY_LIMIT,
  START_BODY_LIMIT,
} from './schemas';
import { FLOWS, OUTCOMES, STAGES } from '../workflows/types';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): Json {
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  // The document's own dialect applies; a per-schema `$schema` would only repeat it.
  delete generated.$schema;
  return generated;
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

const base64Image: Json = {
  type: 'object',
  required: ['contentType', 'base64'],
  additionalProperties: false,
  properties: {
    contentType: { type: 'string', enum: ['image/jpeg', 'image/png'] },
    base64: { type: 'string', description: `plain Base64, at most ${MAX_IMAGE_BYTES} bytes once decoded` },
  },
};

/** The start body: the journey input, with Base64 images and the web flows' `finalUrl` instead of FaceID's redirect. */
function startJourneyRequest(): Json {
  const schema = jsonSchema(journeyInputSchema);
  const properties = { ...(schema.properties as Record<string, Json>) };
  // The gateway fills a missing region with FACEID_REGION.
  properties.region = { ...(properties.region as Json), description: 'FaceID region (default FACEID_REGION)' };
  const required = (schema.required as string[] | undefined)?.filter((name) => name !== 'region');
  properties.compareImage = base64Image;
  const document = properties.document as Json & { properties: Record<string, Json> };
  properties.document = { ...document, properties: { ...document.properties, front: base64Image, back: base64Image } };
  const finalUrl = {
    type: 'string',
    format: 'uri',
    description: 'where the browser goes after the verification (default WEB_FINAL_URL); the gateway sets the redirect',
  };
  properties.web = {
    type: 'object',
    description: 'ApplyWebVerificationBizTokenIntl options except RedirectURL and CompareImageBase64',
    properties: { finalUrl },
    additionalProperties: true,
  };
  properties.webLegacy = {
    type: 'object',
    description: 'ApplyWebVerificationToken options except RedirectUrl (CompareImageUrl, CompareImageMd5)',
    properties: { finalUrl },
    additionalProperties: true,
  };
  return { ...schema, properties, ...(required ? { required } : {}) };
}

const reasons = { type: 'array', items: { type: 'string' }, description: 'reason codes, e.g. all_checks_passed' };
const outcome = { type: 'string', enum: [...OUTCOMES] };
const flow = { type: 'string', enum: [...FLOWS] };
const stage = { type: 'string', enum: [...STAGES] };
const check = { type: 'object', properties: { passed: { type: 'boolean' }, code: { type: 'string' } } };

const schemas: Record<string, Json> = {
  IssuedToken: {
    type: 'object',
    required: ['token', 'expiresAt'],
    properties: {
      token: { type: 'string', description: 'FaceID SdkToken or BizToken for the client app' },
      verificationUrl: { type: 'string', description: 'web flows: the page to open' },
      expiresAt: { type: 'string', format: 'date-time', description: 'the user must start before this' },
    },
  },
  StartedJourney: {
    allOf: [
      ref('IssuedToken'),
      {
        type: 'object',
        required: ['journeyId', 'clientSecret'],
        properties: {
          journeyId: { type: 'string', example: 'ekyc:order-1234' },
          clientSecret: { type: 'string', description: "the client app's bearer for this journey only" },
        },
      },
    ],
  },
  JourneyStatus: {
    type: 'object',
    properties: {
      journeyId: { type: 'string' },
      reference: { type: 'string' },
      flow,
      region: { type: 'string' },
      stage,
      tokenExpiresAt: { type: 'string', format: 'date-time' },
      renewalsLeft: { type: 'integer' },
      fetchAttempts: { type: 'integer' },
      outcome,
      reasons,
      review: { type: 'object', properties: { reviewer: { type: 'string' }, decision: { type: 'string' } } },
    },
  },
  JourneyResult: {
    type: 'object',
    properties: {
      journeyId: { type: 'string' },
      reference: { type: 'string' },
      flow,
      region: { type: 'string' },
      outcome,
      reasons,
      liveness: check,
      compare: { ...check, properties: { ...check.properties, similarity: { type: ['number', 'null'] } } },
      document: {
        type: 'object',
        properties: {
          source: { type: 'string', enum: ['ekyc-sdk', 'web-ocr', 'card-verification'] },
          status: { type: 'string', enum: ['PASSED', 'WARNING', 'REJECTED'] },
          warnings: { type: 'array', items: { type: 'string' } },
          cardType: { type: 'string' },
          nationality: { type: 'string', enum: [...CARD_NATIONALITIES] },
        },
      },
      deviceRiskLevel: { type: 'string' },
      media: {
        type: 'array',
        description: 'archive references (claim checks), never bytes',
        items: {
          type: 'object',
          properties: {
            key: { type: 'string' },
            kind: { type: 'string' },
            md5: { type: 'string' },
            size: { type: 'integer' },
          },
        },
      },
      review: {
        type: 'object',
        properties: { reviewer: { type: 'string' }, decision: { type: 'string' }, reason: { type: 'string' } },
      },
      requestIds: { type: 'array', items: { type: 'string' } },
      completedAt: { type: 'string', format: 'date-time' },
    },
  },
  JourneyList: {
    type: 'object',
    properties: {
      journeys: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            journeyId: { type: 'string' },
            flow,
            stage,
            outcome,
            startedAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
  RetentionStatus: {
    type: 'object',
    required: ['journeyId', 'legalHold'],
    properties: {
      journeyId: { type: 'string' },
      deleteAfter: { type: 'string', format: 'date-time', description: 'absent when the journey stored no media' },
      legalHold: { type: 'boolean' },
      hold: {
        type: 'object',
        properties: {
          operator: { type: 'string' },
          reason: { type: 'string' },
          since: { type: 'string', format: 'date-time' },
        },
      },
      deletedAt: { type: 'string', format: 'date-time' },
      deleted: { type: 'integer', description: 'objects the retention sweep deleted' },
      deleting: { type: 'boolean', description: 'the sweep has begun deleting' },
    },
  },
  Accepted: {
    type: 'object',
    properties: { journeyId: { type: 'string' }, accepted: { type: 'boolean', const: true } },
  },
  Problem: {
    type: 'object',
    required: ['type', 'title', 'status', 'code'],
    properties: {
      type: { type: 'string', example: 'urn:ekyc-journeys:problem:journey_not_found' },
      title: { type: 'string' },
      status: { type: 'integer' },
      code: { type: 'string', enum: Object.keys(PROBLEMS) },
      detail: { type: 'string' },
      errors: {
        type: 'array',
        items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
      },
    },
  },
};

function problems(...codes: (keyof typeof PROBLEMS)[]): Record<string, Json> {
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const status = PROBLEMS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.join(', '),
        content: { 'application/problem+json': { schema: ref('Problem') } },
      },
    ]),
  );
}

const ok = (schema: string, description: string, status = '200'): Record<string, Json> => ({
  [status]: { description, content: { 'application/json': { schema: ref(schema) } } },
});

const journeyId = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'journey id, `ekyc:<reference>` (URL-encode the colon or not)',
  schema: { type: 'string', pattern: JOURNEY_ID_PATTERN.source },
};

// Any route may meet Temporal, the archive or a payload of a key the gateway lacks being away: 503, retry later.
const temporal = problems('temporal_unavailable', 'archive_unavailable', 'codec_key_missing');

/** The OpenAPI 3.1 document served at `/docs`, built from the same zod schemas the routes validate with. */
export function buildOpenApiDocument(): Json {
  const listQuery = jsonSchema(journeyListFilterSchema) as { properties: Record<string, Json> };
  return {
    openapi: '3.1.0',
    info: {
      title: 'ekyc-journeys gateway',
      version: '1',
      description:
        'Tencent Cloud FaceID eKYC journeys as durable Temporal workflows. Errors are application/problem+json with ' +
        `a stable \`code\`. Bodies: ${START_BODY_LIMIT} bytes for POST /v1/journeys, ${SMALL_BODY_LIMIT} elsewhere.`,
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'a backend API key (GATEWAY_API_KEYS)' },
        operatorKey: { type: 'http', scheme: 'bearer', description: 'an operator key (GATEWAY_OPERATOR_KEYS)' },
        clientSecret: { type: 'http', scheme: 'bearer', description: "the journey's clientSecret" },
      },
      schemas: {
        ...schemas,
        StartJourneyRequest: startJourneyRequest(),
        ReviewRequest: jsonSchema(reviewBodySchema),
        LegalHoldRequest: jsonSchema(legalHoldBodySchema),
      },
    },
    paths: {
      '/v1/journeys': {
        post: {
          summary: 'Start a journey (idempotent by reference) and get its token',
          security: [{ apiKey: [] }],
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'replays the first answer for the same body; another body answers 422',
              schema: { type: 'string', maxLength: 255 },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('StartJourneyRequest') } } },
          responses: {
            ...ok('StartedJourney', 'the journey (new, or the running one for this reference)', '201'),
            ...problems(
              'validation_failed',
              'malformed_body',
              'invalid_idempotency_key',
              'unauthenticated',
              'journey_closed',
              'body_too_large',
              'unsupported_media_type',
              'idempotency_key_reused',
              'idempotency_key_in_flight',
              'token_issue_failed',
              'temporal_unavailable',
              'archive_unavailable',
              'codec_key_missing',
            ),
          },
        },
        get: {
          summary: 'List journeys by stage, outcome or flow (visibility; eventually consistent)',
          security: [{ apiKey: [] }],
          parameters: Object.entries(listQuery.properties).map(([name, schema]) => ({
            name,
            in: 'query',
            required: false,
            schema,
          })),
          responses: {
            ...ok('JourneyList', 'running journeys first, then the most recently closed'),
            ...problems('validation_failed', 'unauthenticated'),
          },
        },
      },
      '/v1/journeys/{id}': {
        get: {
          summary: 'Status: stage, token expiry, attempts, outcome and reasons',
          security: [{ apiKey: [] }],
          parameters: [journeyId],
          responses: { ...ok('JourneyStatus', 'status'), ...problems('unauthenticated', 'journey_not_found') },
        },
      },
      '/v1/journeys/{id}/result': {
        get: {
          summary: 'Result: outcome, reasons, document fields, archive references',
          security: [{ apiKey: [] }],
          parameters: [journeyId],
          responses: {
            ...ok('JourneyResult', 'the final result'),
            ...problems('unauthenticated', 'journey_not_found', 'journey_running', 'journey_aborted'),
          },
        },
      },
      '/v1/journeys/{id}/cancel': {
        post: {
          summary: 'Cancel while the journey waits for the user',
          security: [{ apiKey: [] }],
          parameters: [journeyId],
          responses: {
            ...ok('Accepted', 'signalled', '202'),
            ...problems('validation_failed', 'unauthenticated', 'journey_not_found', 'journey_closed'),
          },
        },
      },
      '/v1/journeys/{id}/review': {
        post: {
          summary: 'Decide a journey in review',
          security: [{ operatorKey: [] }],
          parameters: [journeyId],
          requestBody: { required: true, content: { 'application/json': { schema: ref('ReviewRequest') } } },
          responses: {
            ...ok('JourneyStatus', 'the decision was taken'),
            ...problems(
              'validation_failed',
              'unauthenticated',
              'forbidden',
              'journey_not_found',
              'journey_closed',
              'journey_not_in_review',
              'invalid_review',
            ),
          },
        },
      },
      '/v1/journeys/{id}/legal-hold': {
        post: {
          summary: "Set or release the legal hold on an ended journey's media (kept past the retention period)",
          security: [{ operatorKey: [] }],
          parameters: [journeyId],
          requestBody: { required: true, content: { 'application/json': { schema: ref('LegalHoldRequest') } } },
          responses: {
            ...ok('RetentionStatus', 'the hold was set or released'),
            ...problems(
              'validation_failed',
              'unauthenticated',
              'forbidden',
              'journey_not_found',
              'journey_running',
              'journey_closed',
              'media_deleted',
              'invalid_legal_hold',
            ),
          },
        },
      },
      '/v1/journeys/{id}/finished': {
        post: {
          summary: 'Client app: the user finished (a hint; the journey pulls the result itself)',
          security: [{ clientSecret: [] }],
          parameters: [journeyId],
          responses: {
            ...ok('Accepted', 'signalled', '202'),
            ...problems('validation_failed', 'unauthenticated', 'forbidden', 'journey_not_found', 'journey_closed'),
          },
        },
      },
      '/v1/journeys/{id}/token': {
        post: {
          summary: 'Client app: a fresh token while the user has not finished',
          security: [{ clientSecret: [] }],
          parameters: [journeyId],
          responses: {
            ...ok('IssuedToken', 'the new token'),
            ...problems(
              'validation_failed',
              'unauthenticated',
              'forbidden',
              'journey_not_found',
              'journey_closed',
              'journey_not_awaiting_user',
              'no_renewals_left',
            ),
          },
        },
      },
      '/v1/web/return': {
        get: {
          summary: "The web flows' RedirectURL: checks the token, signals the journey, redirects to the final URL",
          parameters: [
            { name: 'journey', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'token', in: 'query', required: true, schema: { type: 'string' } },
          ],
          responses: {
            '303': { description: "redirect to the backend's final URL" },
            ...problems('validation_failed', 'invalid_web_return'),
          },
        },
      },
      '/v1/web/finished': {
        get: {
          summary: 'Default final page of a web verification',
          responses: { '200': { description: 'HTML', content: { 'text/html': {} } } },
        },
      },
      '/healthz': {
        get: {
          summary: 'Health: Temporal reachable',
          responses: { '200': { description: 'healthy' }, ...temporal },
        },
      },
      '/docs': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 JSON' } } } },
    },
  };
}
