import { canonicalJson, type PolicyDocument, type PolicyOverride } from '../contracts/policy-document';

/** One field that differs between two policy documents. */
export interface PolicyChange {
  /** Where, as `rules.similarityThreshold`, `rules.reasonActions.liveness_spoof` or `overrides[flow=ekyc].rules.…`. */
  path: string;
  kind: 'changed' | 'added' | 'removed';
  /** The value in the first document (absent when added). */
  before?: unknown;
  /** The value in the second document (absent when removed). */
  after?: unknown;
}

/**
 * The differences from document `a` to document `b`, field by field, in path order: a rule that changed, a reason or
 * warning action added or removed, an override entry added or removed, or a rule changed inside an override. Overrides
 * are matched by the flow and region they name (and their order among those naming the same), since that is what they
 * apply to; lists of levels compare as wholes.
 */
export function diffPolicies(a: PolicyDocument, b: PolicyDocument): PolicyChange[] {
  const changes: PolicyChange[] = [];
  diffValues('format', a.format, b.format, changes);
  diffValues('rules', a.rules, b.rules, changes);
  const before = keyedOverrides(a.overrides);
  const after = keyedOverrides(b.overrides);
  for (const key of sortedUnion(before, after)) diffValues(`overrides[${key}]`, before[key], after[key], changes);
  return changes;
}

/** A change as one line: `rules.similarityThreshold: 70 → 85`, `… : added review`, `… : removed (was reject)`. */
export function describeChange(change: PolicyChange): string {
  if (change.kind === 'added') return `${change.path}: added ${shown(change.after)}`;
  if (change.kind === 'removed') return `${change.path}: removed (was ${shown(change.before)})`;
  return `${change.path}: ${shown(change.before)} → ${shown(change.after)}`;
}

function diffValues(path: string, a: unknown, b: unknown, changes: PolicyChange[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) {
    changes.push({ path, kind: 'added', after: b });
    return;
  }
  if (b === undefined) {
    changes.push({ path, kind: 'removed', before: a });
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of sortedUnion(a, b)) diffValues(`${path}.${key}`, a[key], b[key], changes);
    return;
  }
  if (canonicalJson(a) !== canonicalJson(b)) changes.push({ path, kind: 'changed', before: a, after: b });
}

/** Overrides by what they apply to: `flow=ekyc,region=ap-jakarta`, with `#2` on the second naming the same. */
function keyedOverrides(overrides: readonly PolicyOverride[]): Record<string, PolicyOverride> {
  const keyed: Record<string, PolicyOverride> = {};
  for (const override of overrides) {
    const target = [
      override.flow !== undefined ? `flow=${override.flow}` : '',
      override.region !== undefined ? `region=${override.region}` : '',
    ]
      .filter(Boolean)
      .join(',');
    let key = target;
    for (let seen = 2; key in keyed; seen += 1) key = `${target}#${seen}`;
    keyed[key] = override;
  }
  return keyed;
}

function sortedUnion(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(shown).join(', ')}]`;
  return isRecord(value) ? canonicalJson(value) : String(value);
}
