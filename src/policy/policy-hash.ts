import { createHash } from 'node:crypto';
import { canonicalJson, type PolicyDocument } from '../contracts/policy-document';

/** The SHA-256 of a policy document's canonical JSON, in hex: a version's identity beside its number. */
export function policySha256(document: PolicyDocument): string {
  return createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
}
