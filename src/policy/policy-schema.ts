import { z } from 'zod';
import { FACEID_REGIONS } from '../faceid/actions';
import { FLOW_PLANS } from '../contracts/flow-plan';
import {
  DEVICE_RISK_LEVELS,
  POLICY_FORMAT,
  POLICY_REASONS,
  POLICY_WARNING_CODES,
  type PolicyDocument,
} from '../contracts/policy-document';

// The policy document at the edges (the JSON API, the console, the CLI): every field checked, every bad one named.
// The workflow receives the plain document this returns and never loads zod.

const reasonAction = z.enum(['review', 'reject']);
const acceptableAction = z.enum(['approve', 'review', 'reject']);
const riskLevels = z
  .array(z.enum(DEVICE_RISK_LEVELS as ['1', '2', '3', '4']))
  .refine((levels) => new Set(levels).size === levels.length, 'names a level twice');

/** An object whose keys must come from `vocabulary`; a key outside it is named by the parser below. */
function keyedBy<T extends z.ZodType>(vocabulary: readonly string[], value: T) {
  return z.partialRecord(z.enum(vocabulary as [string, ...string[]]), value);
}

const rules = z.strictObject({
  similarityThreshold: z.number().min(0).max(100),
  reasonActions: keyedBy(POLICY_REASONS, reasonAction),
  documentWarnings: z.strictObject({
    default: reasonAction,
    codes: keyedBy(POLICY_WARNING_CODES, acceptableAction),
  }),
  deviceRisk: z
    .strictObject({ review: riskLevels, reject: riskLevels })
    .refine((risk) => !risk.review.some((level) => risk.reject.includes(level)), {
      message: 'a level cannot both review and reject',
      path: ['reject'],
    }),
  ocrFieldsEdited: acceptableAction,
  review: z.strictObject({
    timeoutDecision: z.enum(['approved', 'rejected']),
    fourEyesRejection: z.boolean(),
  }),
});

/** A policy document, format 1. */
export const POLICY_DOCUMENT_SCHEMA = z.strictObject({
  format: z.literal(POLICY_FORMAT),
  rules,
  overrides: z
    .array(
      z
        .strictObject({
          flow: z.enum(Object.keys(FLOW_PLANS) as [keyof typeof FLOW_PLANS]).optional(),
          region: z.enum(FACEID_REGIONS).optional(),
          rules: rules.partial(),
        })
        .refine((override) => override.flow !== undefined || override.region !== undefined, {
          message: 'names a flow, a region or both',
        }),
    )
    .max(50),
});

/** One field a document got wrong: its path (`rules.deviceRisk.reject`) and why. */
export interface PolicyProblem {
  path: string;
  message: string;
}

/** A validated document, or the problems of every bad field. */
export type PolicyParse = { ok: true; document: PolicyDocument } | { ok: false; problems: PolicyProblem[] };

/** Validates a policy document as it arrives from outside. */
export function parsePolicyDocument(input: unknown): PolicyParse {
  const parsed = POLICY_DOCUMENT_SCHEMA.safeParse(input);
  if (parsed.success) return { ok: true, document: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.flatMap((issue) => {
      const path = issue.path.map(String);
      // An unknown field or a key outside the vocabulary is named on its own, like every other bad field.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({
          path: [...path, key].join('.'),
          message: 'is not a field or key this format knows',
        }));
      }
      return [{ path: path.join('.') || '(document)', message: issue.message }];
    }),
  };
}
