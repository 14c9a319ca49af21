import { createHash } from 'node:crypto';
import { DEFAULT_POLICY, resolvePolicy } from '../workflows/decision';
import type { DecisionPolicy } from '../workflows/types';

/** `policy.json` of a bundle: the decision policy a journey ran under, and a version that names it. */
export interface PolicyRecord {
  effective: DecisionPolicy;
  /** `sha256:<hex>` of {@link canonicalJson} of `effective`. */
  version: string;
  versionIs: string;
  /** The journey input's own settings, as its history recorded them. */
  overrides: Partial<DecisionPolicy>;
  /** The defaults the overrides were applied to. */
  defaults: DecisionPolicy;
  defaultsFrom: string;
}

/** JSON with every object's keys sorted and no whitespace, so equal policies always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The policy record of a journey whose input carried `overrides`: merged over the defaults exactly as the workflow
 * merges them (`resolvePolicy`), with its version.
 */
export function policyRecord(overrides: Partial<DecisionPolicy> | undefined): PolicyRecord {
  const effective = resolvePolicy(overrides);
  return {
    effective,
    version: `sha256:${createHash('sha256').update(canonicalJson(effective), 'utf8').digest('hex')}`,
    versionIs: 'the SHA-256 of `effective` as JSON with its keys sorted and no whitespace (UTF-8)',
    overrides: overrides ?? {},
    defaults: DEFAULT_POLICY,
    // The history records only the overrides; the defaults are this code's, so the record names both.
    defaultsFrom: 'the decision policy defaults of the gateway that made this bundle',
  };
}
