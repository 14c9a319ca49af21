import type { Client } from '@temporalio/client';
import type { EkycClient } from '../client/ekyc-client';
import type { EvidenceSigningKey } from '../evidence/bundle-signing';
import type { JourneyEvidence } from '../evidence/journey-evidence';
import type { ErasureService } from '../erasure/erasure-service';
import type { PolicyService } from '../policy/policy-service';
import type { LegalHoldService } from '../retention/legal-hold-service';
import type { AuditLog } from '../review/audit-log';
import type { ReviewService } from '../review/review-service';
import type { FailedLoginLimiter } from './failed-logins';
import type { IdempotencyCache } from './idempotency';
import type { OperatorKey } from './operator-identities';
import type { Database } from '../db/database';

/** Secrets and URLs the routes need. */
export interface GatewayRouteSettings {
  apiKeys: readonly string[];
  /** Operator keys with the identity each acts as. */
  operatorKeys: readonly OperatorKey[];
  clientSecretKey: string;
  /** Where a web verification's browser goes when the backend named no `finalUrl`. */
  webFinalUrl?: string;
  /** Sandbox mode: plain-http loopback final URLs are accepted. */
  sandbox: boolean;
  /** Signs evidence bundles; without it (or without a shared store) the evidence route answers 501. */
  evidenceSigningKey?: EvidenceSigningKey;
}

/** What every route module receives from {@link createGateway}. */
export interface GatewayContext {
  client: Client;
  ekyc: EkycClient;
  settings: GatewayRouteSettings;
  idempotency: IdempotencyCache;
  /** Failed attempts with API and operator keys, per client address (this process only). */
  failedLogins: FailedLoginLimiter;
  /** The reviewers' audit log, in the store every gateway shares; absent when the gateway has none (tests). */
  audit?: AuditLog;
  /** The review queue, claims and decisions, each recorded in `audit`. */
  review: ReviewService;
  /** Legal holds, in the shared store; absent when the gateway has none (tests). */
  holds?: LegalHoldService;
  /** Erasure, with the shared store and the data keys; absent without them (tests). */
  erasure?: ErasureService;
  /** Signed evidence bundles of ended journeys; absent without a signing key or a shared store. */
  evidence?: JourneyEvidence;
  /** Decision policy versions, in the database; absent when the gateway runs without one. */
  policies?: PolicyService;
  /** The policy and decision database (`DATABASE_URL`); absent when the gateway runs without one. */
  database?: Database;
  /** The gateway's public base URL (no trailing slash), for the web flows' RedirectURL. */
  publicUrl(): string;
}
