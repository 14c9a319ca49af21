import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging';
import { CardStore } from './cards';
import { EmulatorClock } from './clock';
import { SANDBOX_ADMIN_TOKEN, SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../faceid';
import { FaultInjector } from './faults';
import { MediaStore, SyntheticAssets } from './media';
import { PeakRateTracker, SlidingWindowLimiter } from './rate-limit';
import { SandboxClient } from './sandbox-client';
import { createEmulatorServer, type EmulatorTls } from './server';
import { SessionStore } from './sessions';
import type { CardPolling, EmulatorState } from './state';

/** Options of {@link startEmulator}; every field has a sandbox default. */
export interface EmulatorOptions {
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Key pairs whose signatures are accepted (default: the published sandbox pair). */
  keys?: Array<{ secretId: string; secretKey: string }>;
  /** Bearer token for `/sandbox/*` (default `SANDBOX_ADMIN_TOKEN`). */
  adminToken?: string;
  /** Requests admitted per action in any one-second sliding window (default 20, FaceID's documented quota). */
  rateLimitPerSecond?: number;
  /** Per-action overrides of `rateLimitPerSecond`. */
  rateLimits?: Record<string, number>;
  /** Base URL put into media and verification URLs (default `http://127.0.0.1:<port>`). */
  publicBaseUrl?: string;
  /** Polling hints ApplyCardVerification returns (default 1 s between polls, at most 10 polls). */
  cardPolling?: Partial<CardPolling>;
  /** Request log (one line per request, from `createLogger`); default: none. */
  logger?: Logger;
  /** Serve https with this certificate (the production rehearsal); default plain http. */
  tls?: EmulatorTls;
}

/** A running emulator. */
export interface RunningEmulator {
  /** `http(s)://<host>:<port>`: where this process reaches the emulator (media URLs use `publicBaseUrl` when set). */
  url: string;
  /** `<host>:<port>`: what to put in the SDK's `httpProfile.endpoint` (with `protocol` `http://`, or `https://`). */
  endpoint: string;
  port: number;
  /** The admin token `/sandbox/*` expects. */
  adminToken: string;
  /** A typed client for the `/sandbox/*` controls of this emulator. */
  sandbox: SandboxClient;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

/** Starts the FaceID sandbox emulator and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const keys = options.keys ?? [{ secretId: SANDBOX_SECRET_ID, secretKey: SANDBOX_SECRET_KEY }];
  const defaultLimit = options.rateLimitPerSecond ?? 20;
  const limits = options.rateLimits ?? {};
  const adminToken = options.adminToken ?? SANDBOX_ADMIN_TOKEN;
  const clock = new EmulatorClock();
  const assets = new SyntheticAssets();
  assets.warm();
  let baseUrl = options.publicBaseUrl?.replace(/\/+$/, '') ?? '';
  const state: EmulatorState = {
    clock,
    sessions: new SessionStore(),
    cards: new CardStore(),
    assets,
    media: new MediaStore(clock, () => baseUrl),
    faults: new FaultInjector(),
    limiter: new SlidingWindowLimiter((action) => limits[action] ?? defaultLimit),
    calls: new PeakRateTracker(),
    rateLimited: new Map(),
    keys: new Map(keys.map((key) => [key.secretId, key.secretKey])),
    peers: { api: new Map(), media: new Map() },
    adminToken,
    cardPolling: { waitSeconds: options.cardPolling?.waitSeconds ?? 1, maxTimes: options.cardPolling?.maxTimes ?? 10 },
    publicBaseUrl: () => baseUrl,
  };
  const server = createEmulatorServer(state, options.logger, options.tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  // A wildcard bind is still reached on loopback by local clients.
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const endpoint = `${reachableHost}:${port}`;
  const url = `${options.tls ? 'https' : 'http'}://${endpoint}`;
  baseUrl ||= url;
  return {
    url,
    endpoint,
    port,
    adminToken,
    sandbox: new SandboxClient(url, adminToken),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export { SandboxClient } from './sandbox-client';
export type { Scenario } from './scenarios';
