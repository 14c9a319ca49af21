import { ApiError } from '../../../src/emulator/envelope';
import { parseForm, unflatten } from '../../../src/emulator/form';
import { coerceParams, type ParamSpec } from '../../../src/emulator/params';

const spec: ParamSpec = {
  RedirectURL: { type: 'string', required: true },
  CheckMode: { type: 'integer' },
  Similarity: { type: 'float' },
  SelectedWarningCodes: { type: { array: 'integer' } },
  Config: {
    type: { object: { AutoSkip: { type: 'boolean' }, CheckMode: { type: 'integer' }, Language: { type: 'string' } } },
  },
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('v1 flattened form rebuild', () => {
  it('rebuilds nested objects and arrays from dotted names, as the SDK flattens them', () => {
    const flat = parseForm(
      'RedirectURL=https%3A%2F%2Fexample.com%2Fcb%3Fa%3D1&Config.AutoSkip=true&Config.CheckMode=1&Config.Language=zh-cn&SelectedWarningCodes.0=-9101&SelectedWarningCodes.1=-9103&CheckMode=2&Similarity=92.5',
    );
    expect(unflatten(flat)).toEqual({
      RedirectURL: 'https://example.com/cb?a=1',
      Config: { AutoSkip: 'true', CheckMode: '1', Language: 'zh-cn' },
      SelectedWarningCodes: ['-9101', '-9103'],
      CheckMode: '2',
      Similarity: '92.5',
    });
  });

  it('coerces form strings to the documented types', () => {
    const raw = unflatten({
      RedirectURL: 'https://example.com',
      'Config.AutoSkip': 'false',
      'Config.CheckMode': '3',
      'SelectedWarningCodes.0': '-9104',
      Similarity: '55',
    });
    expect(coerceParams(spec, raw, 'form')).toEqual({
      RedirectURL: 'https://example.com',
      Config: { AutoSkip: false, CheckMode: 3 },
      SelectedWarningCodes: [-9104],
      Similarity: 55,
    });
  });

  it('refuses form values that are not of the documented type', () => {
    expect(codeOf(() => coerceParams(spec, { RedirectURL: 'x', CheckMode: '1.5' }, 'form'))).toBe('InvalidParameter');
    expect(codeOf(() => coerceParams(spec, { RedirectURL: 'x', Config: { AutoSkip: 'yes' } }, 'form'))).toBe(
      'InvalidParameter',
    );
  });

  it('keeps JSON strict: a string where an integer is documented is refused', () => {
    expect(coerceParams(spec, { RedirectURL: 'x', CheckMode: 2 }, 'json')).toEqual({ RedirectURL: 'x', CheckMode: 2 });
    expect(codeOf(() => coerceParams(spec, { RedirectURL: 'x', CheckMode: '2' }, 'json'))).toBe('InvalidParameter');
  });

  it('answers MissingParameter and UnknownParameter like the service', () => {
    expect(codeOf(() => coerceParams(spec, { CheckMode: 1 }, 'json'))).toBe('MissingParameter');
    expect(codeOf(() => coerceParams(spec, { RedirectURL: 'x', Colour: 'red' }, 'json'))).toBe('UnknownParameter');
    expect(codeOf(() => coerceParams(spec, { RedirectURL: 'x', Config: { Theme: 'dark' } }, 'json'))).toBe(
      'UnknownParameter',
    );
  });

  it('refuses arrays with gaps and names that conflict', () => {
    expect(codeOf(() => unflatten({ 'A.0': '1', 'A.2': '3' }))).toBe('InvalidParameter');
    expect(codeOf(() => unflatten({ A: '1', 'A.B': '2' }))).toBe('InvalidParameter');
    expect(codeOf(() => unflatten({ 'A..B': '2' }))).toBe('InvalidParameter');
  });

  it('treats __proto__ as an ordinary (unknown) name', () => {
    const raw = unflatten({ '__proto__.polluted': 'yes', RedirectURL: 'x' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(codeOf(() => coerceParams(spec, raw, 'form'))).toBe('UnknownParameter');
  });
});
