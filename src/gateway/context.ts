import type { Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { EkycClient } from '../client/ekyc-client';
import type { IdempotencyCache } from './idempotency';
import { ProblemError } from './problems';
import { JOURNEY_ID_PATTERN } from './schemas';

/** Secrets and URLs the routes need. */
export interface GatewayRouteSettings {
  apiKeys: readonly string[];
  operatorKeys: readonly string[];
  clientSecretKey: string;
  /** Where a web verification's browser goes when the backend named no `finalUrl`. */
  webFinalUrl?: string;
  /** Sandbox mode: plain-http loopback final URLs are accepted. */
  sandbox: boolean;
}

/** What every route module receives from {@link createGateway}. */
export interface GatewayContext {
  client: Client;
  ekyc: EkycClient;
  settings: GatewayRouteSettings;
  idempotency: IdempotencyCache;
  /** The gateway's public base URL (no trailing slash), for the web flows' RedirectURL. */
  publicUrl(): string;
}

/** The `{id}` path parameter; an id that cannot name a journey answers 404 like an unknown one. */
export function journeyIdParam(request: FastifyRequest): string {
  const id = (request.params as { id?: unknown }).id;
  if (typeof id !== 'string' || !JOURNEY_ID_PATTERN.test(id)) throw new ProblemError('journey_not_found');
  return id;
}
