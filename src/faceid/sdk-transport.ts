import { randomUUID } from 'node:crypto';
import { stringify } from 'node:querystring';
import { request, type Dispatcher } from 'undici';
import {
  CommonClient,
  type ClientProfile,
  type Credential,
  type SdkResponse,
} from 'tencentcloud-sdk-nodejs-intl-en/tencentcloud/common';
import Sign from 'tencentcloud-sdk-nodejs-intl-en/tencentcloud/common/sign';
import TencentCloudSDKHttpException from 'tencentcloud-sdk-nodejs-intl-en/tencentcloud/common/exception/tencent_cloud_sdk_exception';

/** One HTTP request as the SDK would send it. */
interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** What a response body read fails with once the request's time is up. */
export class FaceIdBodyTimeoutError extends Error {
  override readonly name = 'FaceIdBodyTimeoutError';
}

async function send(dispatcher: Dispatcher, outgoing: OutgoingRequest): Promise<SdkResponse> {
  // One budget for connect, headers and body, as the SDK's own transport (node-fetch `timeout`) has.
  const signal = AbortSignal.timeout(outgoing.timeoutMs);
  const response = await request(outgoing.url, {
    dispatcher,
    method: 'POST',
    headers: outgoing.headers,
    body: outgoing.body,
    signal,
  });
  response.body.on('error', () => undefined);
  return {
    status: response.statusCode,
    statusText: `HTTP ${response.statusCode}`,
    headers: {
      get(name) {
        const value = response.headers[name.toLowerCase()];
        return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
      },
    },
    json: async () => {
      let text: string;
      try {
        text = await response.body.text();
      } catch (error) {
        if (signal.aborted) throw new FaceIdBodyTimeoutError('timeout while reading the answer');
        throw error;
      }
      return JSON.parse(text) as unknown;
    },
  };
}

function traceIdOf(headers: Record<string, string>): string {
  return Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-tc-traceid')?.[1] ?? '';
}

/** The SDK sends a trace id on every request, keeping one it is given. */
function withTraceId(headers: Record<string, string>): Record<string, string> {
  return traceIdOf(headers) ? headers : { ...headers, 'X-TC-TraceId': randomUUID() };
}

/**
 * The SDK's `CommonClient` with the project's own transport: undici over a dispatcher the egress settings chose (a
 * proxy tunnel, extra trusted CAs), where the pinned SDK knows only node-fetch, a lowercase `http_proxy` and no agent.
 * Signing stays the SDK's (`Sign.sign3` for TC3, `formatRequestData` for the v1 methods), and so does reading the
 * answer (`parseResponse`), so requests and errors are exactly what the SDK produces.
 */
export class DispatchingCommonClient extends CommonClient {
  readonly #dispatcher: Dispatcher;

  constructor(
    endpoint: string,
    version: string,
    credential: Credential,
    region: string,
    profile: ClientProfile,
    dispatcher: Dispatcher,
  ) {
    super(endpoint, version, credential, region, profile);
    this.#dispatcher = dispatcher;
  }

  override async doRequestWithSign3(
    action: string,
    params: object,
    options: { headers?: Record<string, string> },
  ): Promise<unknown> {
    const url = this.profile.httpProfile.protocol + this.getEndpoint() + this.path;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      ...withTraceId({ ...this.profile.httpProfile.headers, ...options.headers }),
      Host: new URL(url).host,
      'X-TC-Action': action,
      'X-TC-Region': this.region,
      'X-TC-Timestamp': String(timestamp),
      'X-TC-Version': this.apiVersion,
      'X-TC-RequestClient': this.sdkVersion,
      'Content-Type': 'application/json',
    };
    if (this.credential.token) headers['X-TC-Token'] = this.credential.token;
    const { secretId, secretKey } = this.credential;
    headers.Authorization = Sign.sign3({
      method: 'POST',
      url,
      payload: params,
      timestamp,
      service: this.getEndpoint().split('.')[0] as string,
      secretId,
      secretKey,
      multipart: false,
      headers,
    });
    return this.#exchange({ url, headers, body: JSON.stringify(params) });
  }

  override async doRequest(
    action: string,
    params: object,
    options: { headers?: Record<string, string> },
  ): Promise<unknown> {
    const signed = this.formatRequestData(action, this.mergeData(params));
    const headers = {
      ...withTraceId({ ...this.profile.httpProfile.headers, ...options.headers }),
      'Content-Type': 'application/x-www-form-urlencoded',
    };
    const url = this.profile.httpProfile.protocol + this.getEndpoint() + this.path;
    return this.#exchange({ url, headers, body: stringify(signed) });
  }

  async #exchange(outgoing: Omit<OutgoingRequest, 'timeoutMs'>): Promise<unknown> {
    let response: SdkResponse;
    try {
      response = await send(this.#dispatcher, { ...outgoing, timeoutMs: this.profile.httpProfile.reqTimeout * 1000 });
    } catch (error) {
      // As the SDK does for its own transport: a failure before an answer carries the message and the trace id.
      throw new TencentCloudSDKHttpException((error as Error).message, '', traceIdOf(outgoing.headers));
    }
    return this.parseResponse(response);
  }
}
