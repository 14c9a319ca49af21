/**
 * The number a control body holds under `name`, or `undefined` when it is absent or null; anything else than a finite
 * number in [min, max] (an integer when asked) throws what `refuse` makes of the message, so each control answers 400
 * in its own way.
 */
export function numberField(
  body: Record<string, unknown>,
  name: string,
  range: { min: number; max: number; integer?: boolean },
  refuse: (message: string) => Error,
): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  const { min, max, integer = false } = range;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw refuse(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}
