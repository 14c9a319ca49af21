import { z } from 'zod';
import { POLICY_DOCUMENT_SCHEMA } from '../policy/policy-schema';
import { refusedAs } from './schemas';

// The `/v1/policies` routes' requests and answers, from which the OpenAPI document shows them.

const timestamp = z.iso.datetime();

/** A policy document, format 1, as a component of the API document. */
const policyDocumentSchema = POLICY_DOCUMENT_SCHEMA.meta({ id: 'PolicyDocument' });

/** `{version}` in a path: a version number; anything else names no version (404 `policy_not_found`). */
export const policyParamsSchema = refusedAs(
  z.strictObject({
    version: z
      .string()
      .regex(/^[1-9][0-9]{0,8}$/)
      .meta({ description: 'the version number, from 1' }),
  }),
  'policy_not_found',
);

/** `POST /v1/policies`: a draft's document, refused as `invalid_policy` naming each bad field. */
export const policyDraftBodySchema = refusedAs(
  z.strictObject({
    document: policyDocumentSchema,
    note: z.string().trim().min(1).max(500).optional().meta({ description: 'what the version changes, for people' }),
  }),
  'invalid_policy',
);

/** `POST /v1/policies/{version}/publish`: as current, or as the shadow version; the body is optional (null without one). */
export const policyPublishBodySchema = z
  .strictObject({
    shadow: z
      .boolean()
      .optional()
      .meta({ description: 'evaluate beside the current version without effect, instead of making it current' }),
  })
  .nullish();

/** One policy version. */
export const policyVersionSchema = z
  .object({
    version: z.number().int().min(1),
    sha256: z.string().meta({ description: "hex SHA-256 of the document's canonical JSON (keys sorted, no spaces)" }),
    document: policyDocumentSchema,
    state: z.enum(['draft', 'published', 'retired']),
    current: z.boolean().meta({ description: 'new journeys are pinned to it; exactly one version is' }),
    shadow: z.boolean().meta({ description: 'evaluated beside the current version without effect; at most one' }),
    note: z.string().optional(),
    createdAt: timestamp,
    createdBy: z.string(),
    publishRequest: z
      .object({ by: z.string(), at: timestamp, shadow: z.boolean() })
      .optional()
      .meta({ description: 'a publication waiting for a second, different identity (four-eyes)' }),
    publishedAt: timestamp.optional(),
    publishedBy: z.string().optional(),
    approvedBy: z.string().optional().meta({ description: 'the second identity that approved the publication' }),
    retireRequest: z
      .object({ by: z.string(), at: timestamp })
      .optional()
      .meta({ description: 'a retirement waiting for a second, different identity (four-eyes)' }),
    retiredAt: timestamp.optional(),
    retiredBy: z.string().optional(),
    retireApprovedBy: z.string().optional(),
  })
  .meta({ id: 'PolicyVersion' });

/** `GET /v1/policies`: every version, newest first. */
export const policyListSchema = z.object({ versions: z.array(policyVersionSchema) }).meta({ id: 'PolicyVersionList' });

/** What a publication or retirement did: done, or waiting for a second identity (four-eyes). */
export const policyStepSchema = z
  .object({ status: z.enum(['published', 'retired', 'awaiting_approval']), version: policyVersionSchema })
  .meta({ id: 'PolicyStep' });
