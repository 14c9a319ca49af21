/**
 * What a payload that arrived unencrypted decodes to when the codec refuses plaintext: a value no handler accepts.
 * Workflow code (the inbound guard) and the codec share it, so this module imports nothing.
 */
export const REFUSED_PAYLOAD_FIELD = 'ekycRefusedUnencryptedPayload';

/** Whether a decoded argument is the stand-in of a payload that arrived unencrypted. */
export function isRefusedPayload(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as Record<string, unknown>)[REFUSED_PAYLOAD_FIELD] === true
  );
}
