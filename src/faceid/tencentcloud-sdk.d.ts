/**
 * The part of `tencentcloud-sdk-nodejs-intl-en` (3.0.1335, shipped without typings) that the FaceID client uses.
 * Declared on the `tencentcloud/common` entry point, which loads only the shared client code, not all 150 products.
 */
declare module 'tencentcloud-sdk-nodejs-intl-en/tencentcloud/common' {
  /** An API key pair, optionally with an STS session token. */
  export class Credential {
    constructor(secretId: string, secretKey: string, token?: string);
  }

  /** Transport settings: protocol (`https://` or `http://`), host[:port], method and timeout in seconds. */
  export class HttpProfile {
    constructor(
      protocol?: string,
      endpoint?: string,
      reqMethod?: 'POST' | 'GET',
      reqTimeout?: number,
      headers?: Record<string, string>,
    );
    protocol: string;
    endpoint: string | null;
    reqMethod: string;
    reqTimeout: number;
    headers: Record<string, string>;
  }

  /** Signing method (`TC3-HMAC-SHA256`, `HmacSHA256` default, `HmacSHA1`) and transport settings. */
  export class ClientProfile {
    constructor(signMethod?: string, httpProfile?: HttpProfile);
    signMethod: string;
    httpProfile: HttpProfile;
  }

  /** Calls any action by name and hands back the raw `Response` object, unfiltered by models. */
  export class CommonClient {
    constructor(endpoint: string, version: string, credential: Credential, region: string, profile?: ClientProfile);
    /** `options.headers` are sent as given (an `X-TC-TraceId` there replaces the SDK's random one). */
    request(
      action: string,
      params: object,
      options: { headers?: Record<string, string> },
      callback: (error: unknown, data: unknown) => void,
    ): void;
  }
}
