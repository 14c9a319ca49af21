import { z } from 'zod';
import { parseKeyRing, SANDBOX_CODEC_KEYS } from '../codec/key-ring';
import { invalid, optionalText, parsedAs } from './env';

/** The payload codec variables the gateway and the worker share. */
export const codecEnv = z.object({
  // `id:base64,olderId:base64…`, first current; parsed by parseKeyRing, which never echoes key material.
  CODEC_KEYS: optionalText,
  // A migration setting: payloads that arrive unencrypted are read as sent instead of refused (docs/operations.md).
  CODEC_ACCEPT_UNENCRYPTED: z.enum(['true', 'false']).default('false'),
});

/** The payload codec's key ring (`CODEC_KEYS`, the published sandbox ring in sandbox mode) and its migration setting. */
export function codecSettings(e: z.infer<typeof codecEnv>, sandbox: boolean) {
  const spec = e.CODEC_KEYS ?? (sandbox ? SANDBOX_CODEC_KEYS : undefined);
  if (!spec) throw invalid('CODEC_KEYS', 'required outside sandbox mode');
  return {
    keyRing: parsedAs('CODEC_KEYS', () => parseKeyRing(spec)),
    acceptUnencrypted: e.CODEC_ACCEPT_UNENCRYPTED === 'true',
  };
}
