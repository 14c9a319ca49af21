/**
 * The part of `tencentcloud-sdk-nodejs-intl-en` (3.0.1335, shipped without typings) that the FaceID client uses.
 * Declared on the `tencentcloud/common` entry point, which loads only the shared client code, not all 150 products.
 */
declare module 'tencentcloud-sdk-nodejs-intl-en/tencentcloud/common' {
  /** An API key pair, optionally with an STS session token. */
  export class Credential {
    constructor(secretId: string, secretKey: string, token?: string);
    secretId: string;
    secretKey: string;
    token?: string;
  }

  /** Transport settings: protocol (`https://` or `http://`), host[:port], method and timeout in seconds. */
  export class HttpProfile {
    constructor(protocol?: string, endpoint?: string, reqMethod?: 'POST' | 'GET', reqTimeout?: number);
    protocol: string;
    reqTimeout: number;
    headers: Record<string, string>;
  }

  /** Signing method (`TC3-HMAC-SHA256`, `HmacSHA256` default, `HmacSHA1`) and transport settings. */
  export class ClientProfile {
    constructor(signMethod?: string, httpProfile?: HttpProfile);
    httpProfile: HttpProfile;
  }

  /** The part of a fetch `Response` the SDK's `parseResponse` reads. */
  export interface SdkResponse {
    status: number;
    statusText: string;
    headers: { get(name: string): string | null };
    json(): Promise<unknown>;
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

    // The inner workings a subclass with its own transport reuses (AbstractClient's).
    protected readonly path: string;
    protected readonly credential: Credential;
    protected readonly region: string;
    protected readonly apiVersion: string;
    protected readonly sdkVersion: string;
    protected readonly profile: ClientProfile;
    protected getEndpoint(): string;
    /** Flattens nested parameters into `A.0.B` keys, as v1 signing wants them. */
    protected mergeData(params: object): Record<string, unknown>;
    /** Adds the v1 common parameters and the `Signature`. */
    protected formatRequestData(action: string, params: Record<string, unknown>): Record<string, string>;
    /** Turns an answer into the `Response` object or throws the SDK's exception. */
    protected parseResponse(response: SdkResponse): Promise<unknown>;
    /** Sends a TC3-signed request (the SDK's own transport unless overridden). */
    protected doRequestWithSign3(
      action: string,
      params: object,
      options: { headers?: Record<string, string> },
    ): Promise<unknown>;
    /** Sends a v1-signed request (the SDK's own transport unless overridden). */
    protected doRequest(
      action: string,
      params: object,
      options: { headers?: Record<string, string> },
    ): Promise<unknown>;
  }
}

/** The SDK's request signing. */
declare module 'tencentcloud-sdk-nodejs-intl-en/tencentcloud/common/sign' {
  const Sign: {
    /** The TC3-HMAC-SHA256 `Authorization` header for a request with these headers and this JSON payload. */
    sign3(request: {
      method: 'POST' | 'GET';
      url: string;
      payload: object;
      timestamp: number;
      service: string;
      secretId: string;
      secretKey: string;
      multipart: boolean;
      headers: Record<string, string>;
    }): string;
  };
  export default Sign;
}

/** What the SDK throws for a failed call. */
declare module 'tencentcloud-sdk-nodejs-intl-en/tencentcloud/common/exception/tencent_cloud_sdk_exception' {
  class TencentCloudSDKHttpException extends Error {
    constructor(message: string, requestId?: string, traceId?: string);
  }
  export default TencentCloudSDKHttpException;
}
