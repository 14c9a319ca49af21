import { ApiError } from './envelope';

/** Parameters API 3.0 v1 carries next to the business ones; they are never business input. */
export const V1_COMMON_PARAMS: ReadonlySet<string> = new Set([
  'Action',
  'Region',
  'Timestamp',
  'Nonce',
  'SecretId',
  'Signature',
  'SignatureMethod',
  'Version',
  'Token',
  'RequestClient',
  'Language',
]);

/** Decodes an `application/x-www-form-urlencoded` body or query string; the first occurrence of a name wins. */
export function parseForm(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (!(name in params)) params[name] = value;
  }
  return params;
}

type Tree = { [key: string]: Tree | string };

const INDEX = /^(0|[1-9]\d{0,5})$/;

/**
 * Rebuilds nested request objects from v1's dotted names (`Config.AutoSkip`, `SelectedWarningCodes.0`): a level whose
 * keys are all indices becomes an array. Leaves stay strings; typing them is the parameter spec's job.
 */
export function unflatten(flat: Record<string, string>): Record<string, unknown> {
  const root: Tree = Object.create(null) as Tree;
  for (const [name, value] of Object.entries(flat)) {
    const path = name.split('.');
    if (path.some((segment) => segment === ''))
      throw new ApiError('InvalidParameter', `Malformed parameter name \`${name}\`.`);
    let node = root;
    path.forEach((segment, depth) => {
      const last = depth === path.length - 1;
      const existing = Object.prototype.hasOwnProperty.call(node, segment) ? node[segment] : undefined;
      if (last) {
        if (existing !== undefined)
          throw new ApiError('InvalidParameter', `Parameter \`${name}\` conflicts with another parameter.`);
        node[segment] = value;
        return;
      }
      if (typeof existing === 'string')
        throw new ApiError('InvalidParameter', `Parameter \`${name}\` conflicts with another parameter.`);
      const child: Tree = existing ?? (Object.create(null) as Tree);
      node[segment] = child;
      node = child;
    });
  }
  return toValue(root) as Record<string, unknown>;
}

function toValue(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((key) => INDEX.test(key))) {
    const indices = keys.map(Number).sort((a, b) => a - b);
    if (indices.some((index, position) => index !== position)) {
      throw new ApiError('InvalidParameter', 'Array parameters must be numbered 0, 1, 2, ... without gaps.');
    }
    return indices.map((index) => toValue(node[String(index)] as Tree | string));
  }
  // A null prototype keeps a parameter named `__proto__` an ordinary (and later rejected) key.
  const result = Object.create(null) as Record<string, unknown>;
  for (const key of keys) result[key] = toValue(node[key] as Tree | string);
  return result;
}
