import { erasureBodySchema, legalHoldBodySchema, reviewBodySchema, reviewClaimBodySchema } from './schemas';

// The operator key says who acts (auth.ts, `operatorOf`): the bodies' actor fields are optional, and one that names
// anybody else is refused with `actor_mismatch`.

/** `POST /v1/journeys/{id}/review`, with `reviewer` optional. */
export const reviewDecisionBodySchema = reviewBodySchema.partial({ reviewer: true });

/** `POST /v1/journeys/{id}/review/claim` and `.../release`: `reviewer` optional, and the body too. */
export const reviewClaimActorBodySchema = reviewClaimBodySchema.partial().optional();

/** `POST /v1/journeys/{id}/legal-hold`, with `operator` optional. */
export const legalHoldActorBodySchema = legalHoldBodySchema.partial({ operator: true });

/** `POST /v1/journeys/{id}/erase`, with `requestedBy` optional. */
export const erasureActorBodySchema = erasureBodySchema.partial({ requestedBy: true });
