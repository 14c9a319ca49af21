import { pipeline, Transform } from 'node:stream';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { DIRECT_EGRESS, proxiedDispatcher, trustedCas, type EgressSettings } from '../egress/dispatchers';
import { proxyFor } from '../egress/proxy-settings';
import { guardedConnector, type HostLookup } from './guarded-connector';
import { MediaDownloadError, MediaTooLargeError, MediaUnsafeUrlError, MediaUrlExpiredError } from './media-errors';
import {
  ArchiveIntegrityError,
  ArchiveStoreError,
  isStoreFailure,
  type ObjectStore,
  type StoredObject,
} from '../store/object-store';
import { checkMediaUrl, DEFAULT_MEDIA_HOSTS, DEFAULT_MEDIA_MAX_BYTES, type MediaUrlPolicy } from './media-policy';

export { MediaDownloadError, MediaTooLargeError, MediaUnsafeUrlError, MediaUrlExpiredError } from './media-errors';

/** How the downloader guards and paces downloads; every field has a production default. */
export interface MediaDownloaderOptions extends Partial<MediaUrlPolicy> {
  /** Largest body accepted, announced or counted. */
  maxBytes?: number;
  /** TCP (and TLS) connect, and separately DNS resolution. */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for headers or between two body chunks. */
  idleTimeoutMs?: number;
  /** Whole download, redirects included. */
  totalTimeoutMs?: number;
  /** Redirects followed (each one checked like the first URL). */
  maxRedirects?: number;
  /** Name resolution used at connect time (tests substitute one). */
  lookup?: HostLookup;
  /** Opens a socket to an address that passed the checks (tests substitute one that counts). */
  openSocket?: buildConnector.connector;
  /** Proxy and extra trusted CAs (default: direct, system trust). */
  egress?: EgressSettings;
}

/** One media file to download into the store. */
export interface MediaFetchRequest {
  url: string;
  key: string;
  md5: string;
  /** FaceID's stated size; null when it gives none. */
  size: number | null;
  contentType: string;
  /** Called with the bytes received so far, once per chunk. */
  onProgress?: (bytes: number) => void;
  /** Aborts the download (activity cancellation). */
  signal?: AbortSignal;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const EXPIRED = new Set([403, 404, 410]);

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string {
  const { code, name } = error as { code?: unknown; name?: unknown };
  return typeof code === 'string' ? code : typeof name === 'string' ? name : 'error';
}

/** Drops a body unread. */
function discard(body: Dispatcher.ResponseData['body']): void {
  if (!body.destroyed) body.destroy();
}

function isTyped(error: unknown): boolean {
  return (
    error instanceof ArchiveIntegrityError ||
    error instanceof ArchiveStoreError ||
    error instanceof MediaTooLargeError ||
    error instanceof MediaUnsafeUrlError ||
    error instanceof MediaUrlExpiredError ||
    error instanceof MediaDownloadError
  );
}

/**
 * The only way the worker fetches a URL that came from an API response: streaming HTTP through a guarded undici
 * agent (allowlist, https, connect-time address check), redirects followed by hand and re-checked, a size cap on
 * both the announced and the counted length, connect and idle timeouts, and MD5/size verification by the store as
 * the bytes pass. Never holds a whole file in memory. One instance per process; its agent keeps connections warm.
 *
 * Through an egress proxy the URL checks (allowlist, https, literal addresses, every redirect) still apply to the
 * final target, but the CONNECT names the host and the proxy resolves it, so the connect-time address check is the
 * proxy's to make (docs/deployment.md, "Egress proxy").
 */
export class MediaDownloader {
  readonly maxBytes: number;
  private readonly policy: MediaUrlPolicy;
  private readonly agent: Agent;
  /** One per proxy (https and http targets may use different ones), created with its first download. */
  private readonly proxied = new Map<string, Dispatcher>();
  private readonly egress: EgressSettings;
  private readonly poolOptions: Agent.Options;
  private readonly totalTimeoutMs: number;
  private readonly maxRedirects: number;

  constructor(options: MediaDownloaderOptions = {}) {
    this.policy = {
      allowedHosts: options.allowedHosts ?? DEFAULT_MEDIA_HOSTS,
      sandboxHosts: options.sandboxHosts ?? [],
      trustedHosts: options.trustedHosts ?? [],
    };
    this.egress = options.egress ?? DIRECT_EGRESS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MEDIA_MAX_BYTES;
    this.totalTimeoutMs = options.totalTimeoutMs ?? 240_000;
    this.maxRedirects = options.maxRedirects ?? 3;
    const idle = options.idleTimeoutMs ?? 20_000;
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.poolOptions = {
      headersTimeout: idle,
      bodyTimeout: idle,
      // Short, so an idle worker (or a test) holds no sockets for long.
      keepAliveTimeout: 2_000,
      keepAliveMaxTimeout: 10_000,
    };
    const ca = trustedCas(this.egress.extraCa);
    this.agent = new Agent({
      ...this.poolOptions,
      connect: guardedConnector({
        policy: this.policy,
        connectTimeoutMs,
        ...(options.lookup ? { lookup: options.lookup } : {}),
        openSocket: options.openSocket ?? buildConnector({ timeout: connectTimeoutMs, ...(ca ? { ca } : {}) }),
      }),
    });
  }

  /** Downloads one file into `store` under `request.key`; the store commits only bytes whose MD5 and size match. */
  async archive(store: ObjectStore, request: MediaFetchRequest): Promise<StoredObject> {
    if (request.size !== null && request.size > this.maxBytes) {
      throw new MediaTooLargeError(`media of ${request.size} bytes exceeds the ${this.maxBytes}-byte cap`);
    }
    const signal = request.signal
      ? AbortSignal.any([request.signal, AbortSignal.timeout(this.totalTimeoutMs)])
      : AbortSignal.timeout(this.totalTimeoutMs);
    const body = await this.open(request, signal);
    let received = 0;
    const maxBytes = this.maxBytes;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        // Counted, not trusted: a body without Content-Length (chunked) can run on for ever.
        if (received > maxBytes) return done(new MediaTooLargeError(`media exceeds the ${maxBytes}-byte cap`));
        request.onProgress?.(received);
        done(null, chunk);
      },
    });
    // pipeline carries errors both ways (a broken body fails the store's write, a refused write stops the download),
    // also for a body that failed before this point; the store sees the failure through the meter.
    pipeline(body, meter, () => undefined);
    meter.on('error', () => undefined);
    try {
      return await store.put(request.key, meter, {
        contentType: request.contentType,
        md5: request.md5,
        ...(request.size !== null ? { size: request.size } : {}),
      });
    } catch (error) {
      if (isTyped(error)) throw error;
      if (request.signal?.aborted) throw request.signal.reason;
      if (isStoreFailure(error)) throw new ArchiveStoreError(`archive write failed (${errorCode(error)})`);
      throw new MediaDownloadError(`media download broke off after ${received} bytes (${errorCode(error)})`);
    } finally {
      discard(body);
    }
  }

  /** Releases the agents' sockets. */
  async close(): Promise<void> {
    await Promise.all([this.agent.close(), ...[...this.proxied.values()].map((dispatcher) => dispatcher.close())]);
  }

  /** The guarded direct agent, or the proxy's when the egress settings send `url` through one. */
  private dispatcherFor(url: URL): Dispatcher {
    const proxy = proxyFor(this.egress.proxy, url);
    if (!proxy) return this.agent;
    let dispatcher = this.proxied.get(proxy.href);
    if (!dispatcher) {
      dispatcher = proxiedDispatcher(this.egress, proxy, this.poolOptions);
      this.proxied.set(proxy.href, dispatcher);
    }
    return dispatcher;
  }

  /** Sends the request, following redirects by hand, and returns the body of a 200 answer whose headers pass. */
  private async open(request: MediaFetchRequest, signal: AbortSignal): Promise<Dispatcher.ResponseData['body']> {
    let url = checkMediaUrl(request.url, this.policy);
    for (let hop = 0; ; hop += 1) {
      let response: Dispatcher.ResponseData;
      try {
        response = await this.send(url, signal);
      } catch (error) {
        if (isTyped(error)) throw error;
        if (request.signal?.aborted) throw request.signal.reason;
        throw new MediaDownloadError(`media request failed before an answer (${errorCode(error)})`);
      }
      const { statusCode, headers, body } = response;
      if (REDIRECTS.has(statusCode)) {
        await body.dump().catch(() => undefined);
        const location = header(headers, 'location');
        if (!location) throw new MediaDownloadError(`redirect ${statusCode} without a Location`);
        if (hop >= this.maxRedirects) throw new MediaUnsafeUrlError(`more than ${this.maxRedirects} redirects`);
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new MediaUnsafeUrlError('redirect Location does not parse');
        }
        const checked = checkMediaUrl(next, this.policy);
        if (url.protocol === 'https:' && checked.protocol !== 'https:') {
          throw new MediaUnsafeUrlError('redirect downgrades https to http');
        }
        url = checked;
        continue;
      }
      if (EXPIRED.has(statusCode)) {
        await body.dump().catch(() => undefined);
        throw new MediaUrlExpiredError(`media URL answered ${statusCode}`);
      }
      if (statusCode !== 200) {
        await body.dump().catch(() => undefined);
        throw new MediaDownloadError(`media URL answered ${statusCode}`);
      }
      const announced = header(headers, 'content-length');
      const length = announced !== undefined && /^\d+$/.test(announced) ? Number(announced) : undefined;
      if (length !== undefined && length > this.maxBytes) {
        discard(body);
        throw new MediaTooLargeError(`media announces ${length} bytes, over the ${this.maxBytes}-byte cap`);
      }
      if (length !== undefined && request.size !== null && length !== request.size) {
        discard(body);
        throw new ArchiveIntegrityError(`Content-Length ${length} differs from the stated size ${request.size}`);
      }
      return body;
    }
  }

  private async send(url: URL, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    const response = await request(url, {
      dispatcher: this.dispatcherFor(url),
      method: 'GET',
      // Hash what FaceID hashed: the stored bytes, not a compressed transfer encoding of them.
      headers: { 'accept-encoding': 'identity' },
      signal,
    });
    // A body can fail before anyone reads it (the peer closes early); the failure stays in its state for the reader.
    response.body.on('error', () => undefined);
    return response;
  }
}
