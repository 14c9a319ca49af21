import { createRequire } from 'node:module';
import { SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../../../src/faceid/sandbox-endpoint';

/** The slice of `tencentcloud-sdk-nodejs-intl-en` these tests use (the package ships no type declarations). */
interface SdkModule {
  common: {
    Credential: new (secretId: string, secretKey: string) => unknown;
    ClientProfile: new () => { signMethod: string; httpProfile: HttpProfile };
    HttpProfile: new () => HttpProfile;
    CommonClient: new (
      endpoint: string,
      version: string,
      credential: unknown,
      region: string,
      profile: unknown,
    ) => {
      request(
        action: string,
        params: object,
        cb: (error: SdkError | null, data: Record<string, unknown>) => void,
      ): void;
    };
  };
  faceid: {
    v20180301: {
      Client: new (
        credential: unknown,
        region: string,
        profile: unknown,
      ) => Record<string, (req: object, cb: (error: SdkError | null, data: Record<string, unknown>) => void) => void>;
    };
  };
}

interface HttpProfile {
  endpoint: string | null;
  protocol: string;
  reqTimeout: number;
}

/** What the SDK rejects with: `code` is the API error code, `httpCode` set for non-200 answers. */
export interface SdkError extends Error {
  code?: string;
  requestId?: string;
  httpCode?: number;
}

/** The real SDK, loaded through `require` because it has no typings. */
const sdk = createRequire(__filename)('tencentcloud-sdk-nodejs-intl-en') as SdkModule;

/** The sign methods the SDK offers: TC3 and its default v1 HmacSHA256, plus v1 HmacSHA1. */
export const SIGN_METHODS = ['TC3-HMAC-SHA256', 'HmacSHA256', 'HmacSHA1'] as const;

/** Options of {@link faceidClients}. */
export interface ClientOptions {
  endpoint: string;
  signMethod?: (typeof SIGN_METHODS)[number];
  region?: string;
  secretId?: string;
  secretKey?: string;
}

/** A typed `faceid.v20180301.Client` and a `CommonClient` against the emulator, with promise wrappers. */
export function faceidClients(options: ClientOptions): {
  call: (action: string, req: object) => Promise<Record<string, unknown>>;
  common: (action: string, req: object) => Promise<Record<string, unknown>>;
} {
  const profile = new sdk.common.ClientProfile();
  if (options.signMethod) profile.signMethod = options.signMethod;
  const httpProfile = new sdk.common.HttpProfile();
  httpProfile.endpoint = options.endpoint;
  httpProfile.protocol = 'http://';
  httpProfile.reqTimeout = 10;
  profile.httpProfile = httpProfile;
  const credential = new sdk.common.Credential(
    options.secretId ?? SANDBOX_SECRET_ID,
    options.secretKey ?? SANDBOX_SECRET_KEY,
  );
  const region = options.region ?? 'ap-singapore';
  const typed = new sdk.faceid.v20180301.Client(credential, region, profile);
  const common = new sdk.common.CommonClient(options.endpoint, '2018-03-01', credential, region, profile);
  return {
    call: (action, req) =>
      new Promise((resolve, reject) => {
        const method = typed[action];
        if (!method) throw new Error(`the typed client has no ${action}`);
        method.call(typed, req, (error, data) => (error ? reject(error) : resolve(data)));
      }),
    common: (action, req) =>
      new Promise((resolve, reject) =>
        common.request(action, req, (error, data) => (error ? reject(error) : resolve(data))),
      ),
  };
}

/** Resolves the API error code a rejected call carries (fails the test if the call succeeded). */
export async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as SdkError).code;
  }
  throw new Error('expected the call to fail');
}

// Typed wrappers of jest's asymmetric matchers (they are typed `any`, which the lint rules refuse in literals).
/** `expect.any(type)`. */
export const anyOf = (type: unknown): unknown => expect.any(type);
/** `expect.stringMatching(pattern)`. */
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
/** `expect.objectContaining(object)`. */
export const containing = (object: object): unknown => expect.objectContaining(object);
