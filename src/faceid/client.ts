import type { Dispatcher } from 'undici';
import { ClientProfile, Credential, HttpProfile } from 'tencentcloud-sdk-nodejs-intl-en/tencentcloud/common';
import { DIRECT_EGRESS, dispatcherFor, type EgressSettings } from '../egress/dispatchers';
import { FACEID_ACTIONS, FACEID_API_VERSION, type FaceIdAction, isRegionAllowed } from './actions';
import { TRACE_HEADER, watchRoundTrip } from './departures';
import { classifyTencentError, FaceIdError, type FaceIdErrorInit, type FaceIdErrorKind } from './errors';
import { parseFaceIdRequest, parseFaceIdResponse } from './parse';
import type { FaceIdRequest, FaceIdResponse } from './schemas';
import { DispatchingCommonClient, FaceIdBodyTimeoutError } from './sdk-transport';

/** Signing methods the SDK supports; TC3 is the default here, the v1 methods exist for emulator tests. */
export const FACEID_SIGN_METHODS = ['TC3-HMAC-SHA256', 'HmacSHA256', 'HmacSHA1'] as const;

/** A request-signing method. */
export type FaceIdSignMethod = (typeof FACEID_SIGN_METHODS)[number];

/** How to reach FaceID: credentials, host[:port] without scheme, scheme, per-request timeout, signing method. */
export interface FaceIdClientOptions {
  secretId: string;
  secretKey: string;
  /** Host and optional port, e.g. `faceid.intl.tencentcloudapi.com` or `127.0.0.1:9100` for the emulator. */
  endpoint: string;
  protocol: 'https://' | 'http://';
  /** Whole-request timeout (connect, headers and body) in seconds; fractions allowed. */
  timeoutSeconds: number;
  /** Defaults to `TC3-HMAC-SHA256` (the SDK itself defaults to v1 `HmacSHA256`). */
  signMethod?: FaceIdSignMethod | undefined;
  /**
   * Waits for permission to send one call of `action` (the worker's quota pacer); called after the request is
   * validated, right before it is signed and sent, so the wait never counts against the request's timeout. The
   * permission it resolves with is told when the request left.
   */
  beforeSend?: ((action: FaceIdAction) => Promise<SendPermission>) | undefined;
  /** Proxy and extra trusted CAs (default: direct, system trust). */
  egress?: EgressSettings | undefined;
}

/**
 * What {@link FaceIdClientOptions.beforeSend} grants: one call, whose departure time it wants to know, and the time
 * its answer began to arrive (never told for a request that got no answer).
 */
export interface SendPermission {
  left(atMs: number): void;
  answered?(atMs: number): void;
}

/** One promise-returning method per action (`getFaceIdTokenIntl` …) plus a generic `call`; mock this in tests. */
export type FaceIdApi = {
  /** Calls `action` in `region` with a request validated against its schema and returns the parsed response. */
  call<A extends FaceIdAction>(action: A, region: string, request: FaceIdRequest<A>): Promise<FaceIdResponse<A>>;
} & {
  [A in FaceIdAction as Uncapitalize<A>]: (region: string, request: FaceIdRequest<A>) => Promise<FaceIdResponse<A>>;
};

const TENCENT_CODE = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/;
const REGION_NAME = /^[a-z]{2,}(-[a-z0-9]+){1,3}$/;

/**
 * FaceID API client over `tencentcloud-sdk-nodejs-intl-en`: checks the region and validates the request locally,
 * calls the action, parses the response with zod, and turns every failure into a classified {@link FaceIdError}.
 *
 * Every action goes through the SDK's `CommonClient`, not only the four the typed client lacks. The typed client
 * signs and sends exactly the same request, but answers with model objects that keep only the fields SDK 3.0.1335
 * knows (it drops ServerParamInfo, VerificationDetail.LivenessInfoTag, OCRResult.OriginalCardInfo /
 * HeadImageBase64 / CardBackImageBase64), turns absent fields into null, and copies mistyped values unchecked
 * (a string list becomes one model per character), which would hide a malformed body from the schema. CommonClient
 * returns the raw `Response`, so zod sees what Tencent sent.
 */
export class FaceIdClient implements FaceIdApi {
  // Private fields keep the secret key out of util.inspect / console.log output of the client.
  readonly #options: Required<Omit<FaceIdClientOptions, 'beforeSend' | 'egress'>>;
  readonly #beforeSend: ((action: FaceIdAction) => Promise<SendPermission>) | undefined;
  readonly #sdkClients = new Map<string, DispatchingCommonClient>();
  /** One connection pool for the endpoint, direct or through the proxy, shared by every region's SDK client. */
  readonly #dispatcher: Dispatcher;

  constructor(options: FaceIdClientOptions) {
    const signMethod = options.signMethod ?? 'TC3-HMAC-SHA256';
    if (!options.secretId || !options.secretKey) throw new Error('FaceIdClient: secretId and secretKey are required');
    if (!options.endpoint || options.endpoint.includes('/')) {
      throw new Error('FaceIdClient: endpoint must be a host[:port] without scheme or path');
    }
    if (options.protocol !== 'https://' && options.protocol !== 'http://') {
      throw new Error("FaceIdClient: protocol must be 'https://' or 'http://'");
    }
    if (!(options.timeoutSeconds > 0) || !Number.isFinite(options.timeoutSeconds)) {
      throw new Error('FaceIdClient: timeoutSeconds must be a positive number');
    }
    if (!(FACEID_SIGN_METHODS as readonly string[]).includes(signMethod)) {
      throw new Error(`FaceIdClient: signMethod must be one of ${FACEID_SIGN_METHODS.join(', ')}`);
    }
    const { beforeSend, egress, ...rest } = options;
    this.#options = { ...rest, signMethod };
    this.#beforeSend = beforeSend;
    this.#dispatcher = dispatcherFor(egress ?? DIRECT_EGRESS, new URL(`${options.protocol}${options.endpoint}`));
  }

  /** Closes the connection pool; calls after this fail. */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  /** Calls `action` in `region` with a request validated against its schema and returns the parsed response. */
  async call<A extends FaceIdAction>(action: A, region: string, request: FaceIdRequest<A>): Promise<FaceIdResponse<A>> {
    if (!isRegionAllowed(action, region)) {
      const shown = REGION_NAME.test(region) ? region : 'unrecognised region';
      throw new FaceIdError({
        kind: 'FaceIdInvalidRequest',
        action,
        detail: `${shown} not allowed; allowed: ${FACEID_ACTIONS[action].regions.join(', ')}`,
      });
    }
    const params = parseFaceIdRequest(action, request);
    const permission = await this.#beforeSend?.(action).catch(() => {
      throw new FaceIdError({ kind: 'FaceIdTransient', action, detail: 'not sent: the worker is shutting down' });
    });
    const response = await this.#send(action, region, params, permission);
    return parseFaceIdResponse(action, response);
  }

  /** Issues an SdkToken for one selfie-verification SDK process (start within 10 minutes). */
  getFaceIdTokenIntl(region: string, request: FaceIdRequest<'GetFaceIdTokenIntl'>) {
    return this.call('GetFaceIdTokenIntl', region, request);
  }

  /** Reads the result of a selfie process; `Result` "-999" means not finished yet. */
  getFaceIdResultIntl(region: string, request: FaceIdRequest<'GetFaceIdResultIntl'>) {
    return this.call('GetFaceIdResultIntl', region, request);
  }

  /** Issues an SdkToken for one eKYC (OCR + liveness + compare) SDK process. */
  applySdkVerificationToken(region: string, request: FaceIdRequest<'ApplySdkVerificationToken'>) {
    return this.call('ApplySdkVerificationToken', region, request);
  }

  /** Reads every OCR and liveness attempt of an eKYC process, media as 10-minute URLs. */
  getSdkVerificationResult(region: string, request: FaceIdRequest<'GetSdkVerificationResult'>) {
    return this.call('GetSdkVerificationResult', region, request);
  }

  /** Issues an SdkToken for one liveness-only SDK process. */
  applyLivenessToken(region: string, request: FaceIdRequest<'ApplyLivenessToken'>) {
    return this.call('ApplyLivenessToken', region, request);
  }

  /** Reads the result of a liveness-only process (within 2 hours of issue). */
  getLivenessResult(region: string, request: FaceIdRequest<'GetLivenessResult'>) {
    return this.call('GetLivenessResult', region, request);
  }

  /** Issues a BizToken and verification URL for one Intl browser flow. */
  applyWebVerificationBizTokenIntl(region: string, request: FaceIdRequest<'ApplyWebVerificationBizTokenIntl'>) {
    return this.call('ApplyWebVerificationBizTokenIntl', region, request);
  }

  /** Reads the result of an Intl browser flow (within 3 days of issue). */
  getWebVerificationResultIntl(region: string, request: FaceIdRequest<'GetWebVerificationResultIntl'>) {
    return this.call('GetWebVerificationResultIntl', region, request);
  }

  /** Issues a legacy BizToken and verification URL (compare photo already in COS). */
  applyWebVerificationToken(region: string, request: FaceIdRequest<'ApplyWebVerificationToken'>) {
    return this.call('ApplyWebVerificationToken', region, request);
  }

  /** Reads the result of a legacy browser flow, media as 10-minute URLs. */
  getWebVerificationResult(region: string, request: FaceIdRequest<'GetWebVerificationResult'>) {
    return this.call('GetWebVerificationResult', region, request);
  }

  /** Starts an asynchronous document verification; poll GetCardVerificationResult as the response says. */
  applyCardVerification(region: string, request: FaceIdRequest<'ApplyCardVerification'>) {
    return this.call('ApplyCardVerification', region, request);
  }

  /** Reads a document verification; `Status` "PROCESSING" means poll again. */
  getCardVerificationResult(region: string, request: FaceIdRequest<'GetCardVerificationResult'>) {
    return this.call('GetCardVerificationResult', region, request);
  }

  #sdkClient(region: string): DispatchingCommonClient {
    let client = this.#sdkClients.get(region);
    if (!client) {
      const { secretId, secretKey, endpoint, protocol, timeoutSeconds, signMethod } = this.#options;
      const httpProfile = new HttpProfile(protocol, endpoint, 'POST', timeoutSeconds);
      const credential = new Credential(secretId, secretKey);
      client = new DispatchingCommonClient(
        endpoint,
        FACEID_API_VERSION,
        credential,
        region,
        new ClientProfile(signMethod, httpProfile),
        this.#dispatcher,
      );
      this.#sdkClients.set(region, client);
    }
    return client;
  }

  #send(action: FaceIdAction, region: string, params: object, permission?: SendPermission): Promise<unknown> {
    // A JSON round trip drops undefined and null fields (as the SDK's transport drops nulls), which v1 signing would
    // otherwise send as empty strings.
    const body = JSON.parse(JSON.stringify(params, (_key, value: unknown) => value ?? undefined)) as object;
    const client = this.#sdkClient(region);
    const departure = permission
      ? watchRoundTrip({ left: (atMs) => permission.left(atMs), answered: (atMs) => permission.answered?.(atMs) })
      : undefined;
    const options = departure ? { headers: { [TRACE_HEADER]: departure.traceId } } : {};
    return new Promise<unknown>((resolve, reject) => {
      try {
        client.request(action, body, options, (error, data) => {
          departure?.forget();
          if (error) reject(toFaceIdError(action, error));
          else resolve(data);
        });
      } catch (error) {
        departure?.forget();
        reject(toFaceIdError(action, error));
      }
    });
  }
}

/**
 * Classifies whatever the SDK rejected with. Only fixed phrases reach the message: the SDK's own messages can carry
 * Tencent's text or, for an unparsable body, a quote of the body.
 */
function toFaceIdError(action: FaceIdAction, error: unknown): FaceIdError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const fail = (kind: FaceIdErrorKind, extra: Partial<FaceIdErrorInit> = {}) =>
    new FaceIdError({ kind, action, ...extra });
  // TencentCloudSDKHttpException: the class is not exported, and instanceof would not survive jest realms anyway.
  const fromSdk = typeof e.getRequestId === 'function' && typeof e.getTraceId === 'function';

  if (fromSdk) {
    const requestId = typeof e.requestId === 'string' && e.requestId !== '' ? e.requestId : undefined;
    if (typeof e.code === 'string' && e.code !== '') {
      if (!TENCENT_CODE.test(e.code)) {
        return fail('FaceIdMalformedResponse', { requestId, detail: 'unreadable error code' });
      }
      return fail(classifyTencentError(e.code), { code: e.code, requestId });
    }
    if (typeof e.httpCode === 'number') {
      const kind = e.httpCode === 429 ? 'FaceIdRateLimited' : 'FaceIdTransient';
      return fail(kind, { httpStatus: e.httpCode, requestId, detail: `HTTP ${e.httpCode}` });
    }
    // An error envelope without a code still carries the RequestId; transport failures never do.
    if (requestId) return fail('FaceIdMalformedResponse', { requestId, detail: 'error without a code' });
    const message = typeof e.message === 'string' ? e.message : '';
    if (/timeout/i.test(message)) return fail('FaceIdTransient', { detail: 'timeout' });
    return fail('FaceIdTransient', { detail: 'connection failed' });
  }

  // Raised while reading the body of a 200 answer, outside the SDK's own try/catch.
  if (error instanceof FaceIdBodyTimeoutError) return fail('FaceIdTransient', { detail: 'timeout' });
  if (e.name === 'SyntaxError') return fail('FaceIdMalformedResponse', { detail: 'invalid JSON' });
  if (typeof e.code === 'string' && e.code.startsWith('UND_ERR')) {
    return fail('FaceIdTransient', { detail: 'connection failed' });
  }
  // parseResponse reads `data.Response.Error`; a JSON body without a Response object throws a TypeError there.
  if (e.name === 'TypeError') return fail('FaceIdMalformedResponse', { detail: 'no Response object' });
  return fail('FaceIdTransient', { detail: 'unexpected SDK failure' });
}
