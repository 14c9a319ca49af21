import type { Payload } from '@temporalio/common';
import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected Base64');

/** One payload in proto3 JSON, as the codec server protocol sends it: bytes as Base64, empty fields omitted. */
const payloadJsonSchema = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
});

/**
 * A codec server request or response body: `{ payloads: [...] }` (proto3 JSON of `temporal.api.common.v1.Payloads`);
 * proto3 JSON omits an empty list, so `{}` is zero payloads (the Temporal CLI sends that for an empty input).
 */
export const payloadsJsonSchema = z.object({
  payloads: z
    .array(payloadJsonSchema)
    .max(10_000)
    .nullish()
    .transform((payloads) => payloads ?? []),
});

/** One payload in proto3 JSON. */
export type PayloadJson = z.infer<typeof payloadJsonSchema>;

/** A proto3 JSON payload as the SDK's `Payload`. */
export function payloadFromJson(json: PayloadJson): Payload {
  const metadata = Object.fromEntries(
    Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  );
  return { metadata, data: Buffer.from(json.data ?? '', 'base64') };
}

/** A `Payload` as proto3 JSON (standard Base64). */
export function payloadToJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}
