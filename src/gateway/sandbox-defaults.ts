/**
 * Published sandbox defaults of the gateway and webhooks. They apply only in sandbox mode (no FaceID credentials),
 * where everything runs on loopback, so they are safe to document; outside the sandbox each must be configured.
 */
export const DEFAULT_GATEWAY_PORT = 8080;
export const SANDBOX_API_KEY = 'sandbox-backend-api-key';
export const SANDBOX_OPERATOR_KEY = 'sandbox-operator-key';
export const SANDBOX_CLIENT_SECRET_KEY = 'sandbox-client-secret-key-0000000';
export const SANDBOX_WEBHOOK_SECRET = 'sandbox-webhook-secret';
/** Bearer token of the codec endpoint the Temporal UI decodes payloads through (`CODEC_AUTH_TOKENS`). */
export const SANDBOX_CODEC_AUTH_TOKEN = 'sandbox-codec-token';
/** Port of the webhook receiver `npm run demo` listens on; the sandbox worker delivers there. */
export const DEMO_WEBHOOK_PORT = 8089;
