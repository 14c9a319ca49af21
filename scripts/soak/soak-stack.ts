import type { Stack } from '../bench/journeys/stack';
import type { ObjectStore } from '../../src/store/object-store';

/** The stacks the soak runs on: the processes of `npm start`, or the cluster of `npm run cluster`. */
export type SoakTarget = 'dev-server' | 'cluster';

/**
 * What the soak drives and audits, whichever stack it runs on: its gateways (journeys are spread over them, and a
 * client retries on the next one), the emulator's controls, the backend's webhook receiver, a Temporal client, the
 * archive, and the children by name for the faults to restart.
 */
export type SoakStack = Pick<
  Stack,
  | 'apiKey'
  | 'sandbox'
  | 'http'
  | 'receiver'
  | 'outcomes'
  | 'client'
  | 'signal'
  | 'crashed'
  | 'logTail'
  | 'replace'
  | 'stop'
> & {
  gatewayUrls: readonly string[];
  /** The archive the workers write, read back by the audit. */
  archive: ObjectStore;
  /**
   * The children that died on their own and were started again, in order (the cluster starts them again as its service
   * manager does; on the dev stack such an exit ends the run instead).
   */
  unplannedRestarts?: () => readonly string[];
};
