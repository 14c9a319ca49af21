import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** A Tencent Cloud API 3.0 error; thrown anywhere in the pipeline and rendered as the `Response.Error` envelope. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A fresh RequestId in the service's format (a lowercase UUID). */
export function newRequestId(): string {
  return randomUUID();
}

/** The success envelope: the action's fields followed by `RequestId`. */
export function successEnvelope(
  fields: Record<string, unknown>,
  requestId: string,
): { Response: Record<string, unknown> } {
  return { Response: { ...fields, RequestId: requestId } };
}

/** The failure envelope `{"Response":{"Error":{"Code","Message"},"RequestId"}}`. */
export function errorEnvelope(error: ApiError, requestId: string): { Response: Record<string, unknown> } {
  return { Response: { Error: { Code: error.code, Message: error.message }, RequestId: requestId } };
}

/** Writes a JSON body; API 3.0 answers HTTP 200 even for errors, the SDK only reads the envelope on 200. */
export function sendJson(res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
