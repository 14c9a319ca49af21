import { ApiError } from './envelope';

/** The API 3.0 parameter types the FaceID actions use. */
type FieldType =
  'string' | 'integer' | 'float' | 'boolean' | { readonly array: FieldType } | { readonly object: ParamSpec };

/** One documented parameter. */
interface FieldSpec {
  readonly type: FieldType;
  readonly required?: boolean;
}

/** The documented parameters of an action (or of a nested structure). */
export type ParamSpec = Readonly<Record<string, FieldSpec>>;

/** Where a parameter set came from: v1 forms carry every leaf as a string, TC3 JSON carries real types. */
export type Origin = 'form' | 'json';

const missing = (path: string): ApiError =>
  new ApiError('MissingParameter', `The request is missing a required parameter \`${path}\`.`);
const badType = (path: string, type: string): ApiError =>
  new ApiError('InvalidParameter', `The type of parameter \`${path}\` is invalid, expected ${type}.`);

function typeName(type: FieldType): string {
  if (typeof type === 'string') return type;
  return 'array' in type ? `array of ${typeName(type.array)}` : 'object';
}

function coerceValue(type: FieldType, value: unknown, path: string, origin: Origin): unknown {
  if (typeof type === 'object') {
    if ('array' in type) {
      if (!Array.isArray(value)) throw badType(path, typeName(type));
      return value.map((item, index) => coerceValue(type.array, item, `${path}.${index}`, origin));
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badType(path, 'object');
    return coerceObject(type.object, value as Record<string, unknown>, `${path}.`, origin);
  }
  if (origin === 'form') {
    if (typeof value !== 'string') throw badType(path, type);
    switch (type) {
      case 'string':
        return value;
      case 'integer':
        if (!/^-?\d{1,15}$/.test(value)) throw badType(path, type);
        return Number(value);
      case 'float':
        if (value.trim() === '' || !Number.isFinite(Number(value))) throw badType(path, type);
        return Number(value);
      case 'boolean':
        if (value !== 'true' && value !== 'false') throw badType(path, type);
        return value === 'true';
    }
  }
  const ok =
    (type === 'string' && typeof value === 'string') ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'float' && typeof value === 'number' && Number.isFinite(value)) ||
    (type === 'boolean' && typeof value === 'boolean');
  if (!ok) throw badType(path, type);
  return value;
}

function coerceObject(
  spec: ParamSpec,
  raw: Record<string, unknown>,
  prefix: string,
  origin: Origin,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const field = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (!field) throw new ApiError('UnknownParameter', `The parameter \`${prefix}${name}\` is not recognized.`);
    // JSON null means "not given"; the Node SDK strips nulls itself, other clients may not.
    if (value === null) continue;
    result[name] = coerceValue(field.type, value, `${prefix}${name}`, origin);
  }
  for (const [name, field] of Object.entries(spec)) {
    const value = result[name];
    if (field.required && (value === undefined || value === '')) throw missing(`${prefix}${name}`);
  }
  return result;
}

/**
 * Checks a request's business parameters against the action's spec and returns them typed: v1 strings are coerced
 * (`"true"` → true, `"3"` → 3), TC3 JSON must already carry the documented types. Throws `UnknownParameter`,
 * `InvalidParameter` or `MissingParameter` like the service.
 */
export function coerceParams(spec: ParamSpec, raw: Record<string, unknown>, origin: Origin): Record<string, unknown> {
  return coerceObject(spec, raw, '', origin);
}
