import { z } from 'zod';
import { OPERATOR_ID_PATTERN, OPERATOR_ID_RULE } from '../contracts/operator-id';

/**
 * A legal hold request, the one rule of it: `hold: true` keeps the media past the retention period until released; who
 * holds is an operator id, never a name or e-mail; the reason is short and not blank. The gateway's body schema is this
 * one, strict.
 */
export const legalHoldInputSchema = z.object({
  hold: z.boolean(),
  operator: z.string().regex(OPERATOR_ID_PATTERN, `must be ${OPERATOR_ID_RULE}, never a name or e-mail`),
  reason: z
    .string()
    .max(500)
    .refine((value) => value.trim() !== '', 'must not be empty'),
});

/** A legal hold request: {@link legalHoldInputSchema}. */
export type LegalHoldInput = z.infer<typeof legalHoldInputSchema>;

/** The legal hold request is malformed (operator id, reason). */
export class LegalHoldInputError extends Error {
  override readonly name = 'LegalHoldInputError';
  constructor() {
    super(`hold must be a boolean, operator ${OPERATOR_ID_RULE}, reason 1-500 characters`);
  }
}
