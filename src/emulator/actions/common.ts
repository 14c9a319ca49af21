import { ApiError } from '../envelope';
import type { FileInfo } from '../media';
import type { MediaFaults } from '../faults';
import type { ParamSpec } from '../params';
import type { Caller, Session, SessionInit } from '../sessions';
import type { EmulatorState } from '../state';

/** The five regions the newest docs list for the intl token/result actions. */
export const INTL_REGIONS = ['ap-bangkok', 'ap-hongkong', 'ap-jakarta', 'ap-singapore', 'sa-saopaulo'] as const;
/** Hong Kong, Jakarta, Singapore: the liveness and card actions. */
export const HK_JKT_SG_REGIONS = ['ap-hongkong', 'ap-jakarta', 'ap-singapore'] as const;
/** Jakarta and Singapore: the legacy web actions. */
export const JKT_SG_REGIONS = ['ap-jakarta', 'ap-singapore'] as const;

/** Per-call data a handler gets besides its parameters. */
export interface ActionContext {
  readonly state: EmulatorState;
  readonly caller: Caller;
  /** Emulator time (real time plus the sandbox clock offset). */
  readonly nowMs: number;
  /** Media faults drawn for this call. */
  readonly mediaFaults: MediaFaults;
}

/** One FaceID action: where it is offered, what it takes, what it answers. */
export interface ActionDef {
  readonly name: string;
  readonly regions: readonly string[];
  readonly params: ParamSpec;
  handle(ctx: ActionContext, params: Record<string, unknown>): Record<string, unknown>;
}

/** Largest Base64 image accepted where FaceID states no limit (and for documents, where it states 5 MB). */
export const IMAGE_BASE64_LIMIT = 5 * 1024 * 1024;
/** Largest `CompareImageBase64` of the intl web flow (documented 8 MB). */
export const WEB_COMPARE_IMAGE_LIMIT = 8 * 1024 * 1024;

/** Throws `InvalidParameterValue` naming the parameter. */
export function invalidValue(name: string, detail: string): ApiError {
  return new ApiError('InvalidParameterValue', `The value of parameter \`${name}\` is invalid: ${detail}.`);
}

/** `MissingParameter` for a parameter the request's other choices make required. */
export function missingFor(name: string, because: string): ApiError {
  return new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\` (${because}).`);
}

/** A typed optional parameter, after the spec has checked its type. */
export function opt<T>(params: Record<string, unknown>, name: string): T | undefined {
  return params[name] as T | undefined;
}

/** Checks an enumerated value, returning the default when absent. */
export function oneOf<T extends string | number>(
  name: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw invalidValue(name, `expected one of ${allowed.join(', ')}`);
  return value;
}

/** Checks an integer range, returning the default when absent. */
export function inRange(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (value < min || value > max) throw invalidValue(name, `expected ${min} to ${max}`);
  return value;
}

/** Checks a Base64 image parameter's size, answering `FailedOperation.ImageSizeTooLarge` past the limit. */
export function checkImageSize(name: string, value: string | undefined, limit: number): void {
  if (value !== undefined && value.length > limit) {
    throw new ApiError(
      'FailedOperation.ImageSizeTooLarge',
      `The image in \`${name}\` is larger than ${limit} bytes of Base64.`,
    );
  }
}

/** Checks an absolute http(s) URL. */
export function checkUrl(name: string, value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // fall through to the error below
  }
  throw invalidValue(name, 'expected an absolute http or https URL');
}

/** `ActionList`: one or two of blink, mouth, nod, shake, and only with the action security levels. */
export function checkActionList(
  name: string,
  value: string | undefined,
  level: string | number,
  actionLevels: readonly (string | number)[],
): void {
  if (value === undefined) return;
  if (!actionLevels.includes(level))
    throw invalidValue(name, `only allowed with security level ${actionLevels.join(' or ')}`);
  const actions = value.split(',');
  if (
    actions.length < 1 ||
    actions.length > 2 ||
    !actions.every((a) => ['blink', 'mouth', 'nod', 'shake'].includes(a))
  ) {
    throw invalidValue(name, 'expected one or two of blink, mouth, nod, shake separated by a comma');
  }
}

/** The SdkVersion values (the SDK spells ENHANCE, newer docs ENHANCED). */
export const SDK_VERSIONS = ['BASIC', 'ENHANCE', 'ENHANCED', 'PRO', 'PLUS'] as const;

/** Whether an SdkVersion reports a device risk level. */
export function reportsDeviceRisk(sdkVersion: unknown): boolean {
  return sdkVersion === 'ENHANCE' || sdkVersion === 'ENHANCED' || sdkVersion === 'PLUS';
}

/** Whether an SdkVersion reports liveness attack tags. */
export function reportsLivenessTags(sdkVersion: unknown): boolean {
  return sdkVersion === 'PRO' || sdkVersion === 'PLUS';
}

/** Liveness tags for a failed final attempt (reference §5.4 numbering of the SDK models). */
export function livenessTags(liveCode: string | null): string[] {
  if (liveCode === '1002') return ['03'];
  if (liveCode === '1005') return ['02'];
  return [];
}

/** Publishes an asset for this call, honouring the call's media faults. */
export function publish(ctx: ActionContext, asset: Parameters<EmulatorState['media']['publish']>[0]): FileInfo {
  return ctx.state.media.publish(asset, ctx.mediaFaults);
}

/** The required token parameter spec shared by the result actions. */
export const TOKEN_PARAM = { type: 'string', required: true } as const;

/** Issues a session to the caller of this call, in its account and region. */
export function issueSession(ctx: ActionContext, init: Omit<SessionInit, 'region' | 'secretId'>): Session {
  return ctx.state.sessions.create({ ...init, region: ctx.caller.region, secretId: ctx.caller.secretId }, ctx.nowMs);
}
