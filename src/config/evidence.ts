import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  EVIDENCE_KEY_ID_PATTERN,
  EvidenceKeyError,
  parsePublicKeys,
  SANDBOX_EVIDENCE_KEY_ID,
  SANDBOX_EVIDENCE_SIGNING_KEY,
  signingKeyFromSeed,
  type EvidenceSigningKey,
} from '../evidence/bundle-signing';
import { invalid, optionalText, parsedAs } from './env';

/** The gateway's evidence signing variables (docs/operations.md, "Evidence bundles"). */
export const evidenceEnv = z.object({
  // The Base64 of a 32-byte Ed25519 seed and its key id.
  EVIDENCE_SIGNING_KEY: optionalText,
  EVIDENCE_SIGNING_KEY_ID: optionalText,
});

/** The evidence signing key: both variables or neither; neither means the sandbox key in sandbox mode, none outside. */
export function evidenceSigningKey(e: z.infer<typeof evidenceEnv>, sandbox: boolean): EvidenceSigningKey | undefined {
  const seed = e.EVIDENCE_SIGNING_KEY;
  const keyId = e.EVIDENCE_SIGNING_KEY_ID;
  if (Boolean(seed) !== Boolean(keyId)) {
    throw invalid('EVIDENCE_SIGNING_KEY / EVIDENCE_SIGNING_KEY_ID', 'set both to sign evidence bundles, or neither');
  }
  if (!seed || !keyId)
    return sandbox ? signingKeyFromSeed(SANDBOX_EVIDENCE_KEY_ID, SANDBOX_EVIDENCE_SIGNING_KEY) : undefined;
  if (!EVIDENCE_KEY_ID_PATTERN.test(keyId)) {
    throw invalid('EVIDENCE_SIGNING_KEY_ID', '1-64 letters, digits, ".", "_" and "-"');
  }
  // Anyone can sign with the published key, so its signature would prove nothing about a real journey.
  if (!sandbox && Buffer.from(seed, 'base64').equals(Buffer.from(SANDBOX_EVIDENCE_SIGNING_KEY, 'base64'))) {
    throw invalid('EVIDENCE_SIGNING_KEY', 'the published sandbox key signs nothing outside sandbox mode');
  }
  return parsedAs('EVIDENCE_SIGNING_KEY', () => signingKeyFromSeed(keyId, seed), EvidenceKeyError);
}

/** The public keys `npm run verify-evidence` trusts, by key id. */
export interface EvidenceVerifierKeys {
  keys: Map<string, KeyObject>;
  /** True when none were configured and sandbox mode lent the published sandbox key. */
  sandboxKeyOnly: boolean;
}

/**
 * The verifier's keys from `EVIDENCE_PUBLIC_KEYS` (`<key id>:<PEM or Base64>` entries separated by commas); when it is
 * unset, in sandbox mode (no `FACEID_SECRET_ID`, as for every process) the published sandbox key, otherwise none. Reads
 * nothing else, so the verifier runs offline on any machine.
 */
export function evidenceVerifierKeys(env: NodeJS.ProcessEnv = process.env): EvidenceVerifierKeys {
  const spec = env.EVIDENCE_PUBLIC_KEYS?.trim();
  if (spec) {
    return {
      keys: parsedAs('EVIDENCE_PUBLIC_KEYS', () => parsePublicKeys(spec), EvidenceKeyError),
      sandboxKeyOnly: false,
    };
  }
  if (env.FACEID_SECRET_ID?.trim()) return { keys: new Map(), sandboxKeyOnly: false };
  const sandboxKey = signingKeyFromSeed(SANDBOX_EVIDENCE_KEY_ID, SANDBOX_EVIDENCE_SIGNING_KEY).publicKey;
  return { keys: new Map([[SANDBOX_EVIDENCE_KEY_ID, sandboxKey]]), sandboxKeyOnly: true };
}
