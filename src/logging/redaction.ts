/**
 * What never reaches a log line: credentials, tokens, media, document fields and signed URLs. Log lines carry ids and
 * enums; these lists are the safety net for a field that slips into a log call anyway.
 */

/** Keys whose values are replaced by {@link CENSOR} wherever they appear in the first three levels of a log line. */
export const REDACTED_KEYS = [
  // Credentials and transport.
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'headers',
  'apiKey',
  'apiKeys',
  'operatorKeys',
  'password',
  'secret',
  'secrets',
  'clientSecret',
  'clientSecretKey',
  'secretId',
  'secretKey',
  'SecretId',
  'SecretKey',
  'adminToken',
  'signature',
  // FaceID tokens and the SDK's task tokens (a task token completes an activity).
  'token',
  'Token',
  'SdkToken',
  'BizToken',
  'CardVerificationToken',
  'IDVerificationToken',
  'cardToken',
  'taskToken',
  // Images, video and liveness data, as FaceID and the gateway carry them.
  'base64',
  'Image',
  'ImageBase64',
  'ImageBase64Front',
  'ImageBase64Back',
  'CompareImage',
  'CompareImageBase64',
  'CompareImageUrl',
  'CompareImageMd5',
  'BestFrameBase64',
  'HeadImageBase64',
  'VideoBase64',
  'CardImage',
  'CardImageBase64',
  'CardBackImageBase64',
  'CardCutImageBase64',
  'CardBackCutImageBase64',
  'ProfileImage',
  'LiveData',
  'ActionVideo',
  'CardVideo',
  'LiveVideo',
  'compareImage',
  'front',
  'back',
  // Document and OCR fields.
  'CardInfo',
  'NormalCardInfo',
  'OriginalCardInfo',
  'WarnCardInfos',
  'CardInfoOcrJson',
  'CardInfoInputJson',
  'ocr',
  // URLs that grant access (signed media, verification pages with tokens, redirects).
  'url',
  'Url',
  'URL',
  'VerificationURL',
  'VerificationUrl',
  'verificationUrl',
  'RedirectURL',
  'RedirectUrl',
  'VideoUrl',
  'VideoBestFrameUrl',
  'ImageUrlFront',
  'ImageUrlBack',
  // Request and response bodies.
  'body',
  'rawBody',
  'responseBody',
  'payload',
] as const;

/** What a redacted value becomes. */
export const CENSOR = '[redacted]';

const REDACTED = new Set<string>(REDACTED_KEYS);
/** Levels of a log line searched for redacted keys: the line itself and objects nested one or two deep. */
const REDACT_LEVELS = 3;

/**
 * A log line's fields with the value of every key in {@link REDACTED_KEYS} replaced by {@link CENSOR}, in the first
 * three levels (plain objects and arrays). One walk over the fields present, so its cost follows the line, not the
 * length of the key list (pino's path-based redaction walks every path for every line). Copies only what changes.
 */
export function redactFields<T>(value: T, level = 0): T {
  if (level >= REDACT_LEVELS || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const redacted = redactFields(item, level + 1);
      if (redacted !== item) (copy ??= [...value])[index] = redacted;
    });
    return (copy ?? value) as T;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  // Errors, requests and other instances go to their serializers, which keep only safe fields.
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const redacted = REDACTED.has(key) ? CENSOR : redactFields(item, level + 1);
    if (redacted !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = redacted;
  }
  return (copy ?? value) as T;
}

/** URLs carrying a signature or a token in their query, and the emulator's media paths. */
const SIGNED_URL = /[^\s"'<>]*(?:\/media\/|[?&](?:signature|sign|token|x-amz-signature|q-signature)=)[^\s"'<>]*/gi;
/** Long runs of Base64 (or base64url): media, task tokens, keys. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{100,}={0,2}/g;

/** Replaces signed URLs and long Base64 runs in free text (log messages, error messages). */
export function scrubText(text: string): string {
  return text.replace(SIGNED_URL, '[url redacted]').replace(BASE64_RUN, '[base64 redacted]');
}

/** The fields of an error a log line keeps. */
interface SerializedError {
  name: string;
  type?: string;
  code?: string | number;
  message: string;
  cause?: SerializedError;
}

/**
 * Serializes an error for a log line: name, failure type, code and message (scrubbed), and the same for its causes.
 * Response bodies, request configs, details and stack traces are dropped: SDK and HTTP errors carry them.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (error === null || typeof error !== 'object') return typeof error === 'string' ? scrubText(error) : error;
  const source = error as { name?: unknown; type?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  const serialized: SerializedError = {
    name: typeof source.name === 'string' ? source.name : 'Error',
    message: typeof source.message === 'string' ? scrubText(source.message) : '',
  };
  if (typeof source.type === 'string') serialized.type = source.type;
  if (typeof source.code === 'string' || typeof source.code === 'number') serialized.code = source.code;
  if (source.cause !== undefined && depth < 3) {
    serialized.cause = serializeError(source.cause, depth + 1) as SerializedError;
  }
  return serialized;
}
