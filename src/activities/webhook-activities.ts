import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { fetch, type Dispatcher, type Response } from 'undici';
import { DIRECT_EGRESS, dispatcherFor, type EgressSettings } from '../egress/dispatchers';
import { signWebhook, WEBHOOK_ATTEMPT_HEADER, WEBHOOK_SIGNATURE_HEADER } from '../webhooks/signature';
import type { JourneyEvent, WebhookDeliveryResult } from '../workflows/types';
import { WEBHOOK_FAILURE_TYPES } from '../contracts/failure-types';

/** Where journey events go and the secrets they are signed with (the first signs; all are accepted by receivers). */
export interface WebhookSettings {
  url?: string;
  secrets: string[];
}

/** What the webhook activity needs. */
export interface WebhookActivityDeps {
  webhook: WebhookSettings;
  /** How long one attempt may take before it counts as failed and is retried. */
  requestTimeoutMs?: number;
  /** Proxy and extra trusted CAs (default: direct, system trust). */
  egress?: EgressSettings;
}

/**
 * A backend that is down or slow is routine for the worker, not a fault of its own: such attempts are benign, so the
 * SDK does not log each of up to a day of retries as a warning. They stay visible in the UI as the delivery's pending
 * activity (attempt count and last failure), and the delivering workflow records a delivery that gave up.
 */
const RETRY_LATER = { nonRetryable: false, category: ApplicationFailureCategory.BENIGN } as const;

/** 4xx answers that still mean "try again later". */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 429]);

function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown';
}

/** Webhook delivery, on the main task queue: one signed POST per attempt. */
export function createWebhookActivities({ webhook, requestTimeoutMs = 10_000, egress }: WebhookActivityDeps) {
  if (webhook.url && webhook.secrets.length === 0) {
    throw new Error('a webhook URL needs at least one signing secret (WEBHOOK_SECRETS)');
  }
  // One pool for the one receiver, direct or through the egress proxy.
  const dispatcher: Dispatcher | undefined = webhook.url
    ? dispatcherFor(egress ?? DIRECT_EGRESS, new URL(webhook.url), { keepAliveTimeout: 4_000 })
    : undefined;
  return {
    /**
     * POSTs a journey event to the backend's webhook URL, signed over the exact raw body with a fresh timestamp per
     * attempt; 2xx is delivered, a 4xx other than 408 / 429 fails for good, anything else is retried by Temporal.
     */
    deliverWebhook: async (event: JourneyEvent): Promise<WebhookDeliveryResult> => {
      if (!webhook.url) return { delivered: false };
      const [secret] = webhook.secrets as [string];
      const context = Context.current();
      const body = JSON.stringify(event);
      const timestamp = Math.floor(Date.now() / 1000);
      let response: Response;
      try {
        response = await fetch(webhook.url, {
          dispatcher,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'ekyc-journeys-webhooks/1',
            [WEBHOOK_SIGNATURE_HEADER]: signWebhook(body, secret, timestamp),
            [WEBHOOK_ATTEMPT_HEADER]: String(context.info.attempt),
            'x-ekyc-event-id': event.id,
            'x-ekyc-event-type': event.type,
          },
          body,
          // A redirect could carry the signed body somewhere the operator never configured.
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(requestTimeoutMs), context.cancellationSignal]),
        });
      } catch (error) {
        // Only the error code: a message could echo the URL's query, and the body is never logged.
        throw ApplicationFailure.create({
          type: WEBHOOK_FAILURE_TYPES.failed,
          message: `webhook delivery failed: ${networkCode(error)}`,
          details: [{ eventId: event.id, code: networkCode(error) }],
          ...RETRY_LATER,
        });
      }
      // The backend's answer is not needed; release the connection without reading it into memory or logs.
      await response.body?.cancel().catch(() => undefined);
      const status = response.status;
      if (status >= 200 && status < 300) return { delivered: true, status };
      const rejected = status >= 400 && status < 500 && !RETRYABLE_CLIENT_ERRORS.has(status);
      throw ApplicationFailure.create({
        type: rejected ? WEBHOOK_FAILURE_TYPES.rejected : WEBHOOK_FAILURE_TYPES.failed,
        message: `webhook endpoint answered HTTP ${status}`,
        details: [{ eventId: event.id, status }],
        // A rejection ends the delivery for good: that one is worth a warning.
        ...(rejected ? { nonRetryable: true } : RETRY_LATER),
      });
    },
  };
}
