import type { ObjectStore } from '../store/object-store';
import { QuotaMembership, type MembershipTiming } from './membership';
import { QuotaPacer, type PacerGrant } from './pacer';

export type { QuotaPacer, PacerGrant } from './pacer';
export { pacedActivityTuner } from './slot-supplier';
export { isLocalCall, runAsLocalCall } from './local-calls';

/** What {@link startQuotaPacer} needs. */
export interface QuotaPacerSettings {
  /** The store every worker process shares; the archive. */
  store: ObjectStore;
  /** Processes sharing one FaceID account's quota (default in the worker: the main task queue). */
  group: string;
  /** Calls per second allowed for one FaceID action. */
  quotaFor: (action: string) => number;
  timing?: Partial<MembershipTiming>;
  memberId?: string;
  onGrant?: (grant: PacerGrant) => void;
  onError?: (error: unknown) => void;
}

/** A running pacer and the membership it follows; `close` leaves the group. */
export interface RunningQuotaPacer {
  pacer: QuotaPacer;
  membership: QuotaMembership;
  close(): Promise<void>;
}

/** Joins the quota group (first lease written and read before it returns) and starts pacing FaceID calls. */
export async function startQuotaPacer(settings: QuotaPacerSettings): Promise<RunningQuotaPacer> {
  const membership = new QuotaMembership({
    store: settings.store,
    group: settings.group,
    ...(settings.memberId ? { memberId: settings.memberId } : {}),
    ...(settings.timing ? { timing: settings.timing } : {}),
    ...(settings.onError ? { onError: settings.onError } : {}),
  });
  await membership.start();
  const pacer = new QuotaPacer({
    membership,
    quotaFor: settings.quotaFor,
    ...(settings.onGrant ? { onGrant: settings.onGrant } : {}),
  });
  return {
    pacer,
    membership,
    async close() {
      pacer.close();
      await membership.close();
    },
  };
}
