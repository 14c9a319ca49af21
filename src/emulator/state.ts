import type { CardStore } from './cards';
import type { EmulatorClock } from './clock';
import type { FaultInjector } from './faults';
import type { MediaStore, SyntheticAssets } from './media';
import type { PeakRateTracker, SlidingWindowLimiter } from './rate-limit';
import type { SessionStore } from './sessions';

/** Polling hints ApplyCardVerification returns. */
export interface CardPolling {
  waitSeconds: number;
  maxTimes: number;
}

/** Everything one running emulator holds; `/sandbox/reset` clears the mutable parts. */
export interface EmulatorState {
  readonly clock: EmulatorClock;
  readonly sessions: SessionStore;
  readonly cards: CardStore;
  readonly assets: SyntheticAssets;
  readonly media: MediaStore;
  readonly faults: FaultInjector;
  readonly limiter: SlidingWindowLimiter;
  readonly calls: PeakRateTracker;
  /** Calls refused per action by the rate limiter. */
  readonly rateLimited: Map<string, number>;
  readonly keys: ReadonlyMap<string, string>;
  /** API calls and media downloads per client address: shows whether callers came through an egress proxy. */
  readonly peers: { api: Map<string, number>; media: Map<string, number> };
  readonly adminToken: string;
  readonly cardPolling: CardPolling;
  /** Base URL clients and browsers reach the emulator at, without a trailing slash. */
  publicBaseUrl(): string;
}
