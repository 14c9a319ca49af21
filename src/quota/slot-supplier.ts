import type { ActivitySlotInfo, CustomSlotSupplier, SlotPermit, TunerHolder } from '@temporalio/worker';
import type { QuotaPacer } from './pacer';

/**
 * Tasks a FaceID worker may hold per action before their call: what its own slots carry out in this many seconds
 * (at least one). Enough that a slot never waits for a poll (a task comes from the server's backlog in milliseconds),
 * and short, so that when tasks are scarce one process does not sit on them while another's slots pass unused, and
 * a task spends little time waiting inside a worker (docs/benchmarks.md).
 */
const BACKLOG_SECONDS = 0.5;

/**
 * Activity slots for one FaceID action's worker, sized to this process's share of the quota: a process takes only
 * the tasks its own slots can start within a few seconds, so a backlog stays on the server (where any other process
 * can take it) instead of waiting in one process, and no task waits long enough to reach its start-to-close timeout.
 * Only tasks that have not made their call yet count: one that goes on after it (a result activity archiving its
 * media) no longer holds back the next. While the process owns no slot (joining the group) it polls nothing.
 */
export function pacedActivitySlots(pacer: QuotaPacer, action: string): CustomSlotSupplier<ActivitySlotInfo> {
  let held = 0;
  /** Held tasks the pacer has let through. A task released before its call undercounts it: fewer polls, never more. */
  let called = 0;
  const waiting = new Set<() => void>();
  const limit = (): number => Math.ceil(pacer.ownRate(action) * BACKLOG_SECONDS);
  const hasRoom = (): boolean => held - called < limit();
  const wake = (): void => {
    for (const grant of [...waiting]) {
      if (!hasRoom()) return;
      grant();
    }
  };
  pacer.onRateChange(wake);
  pacer.onGranted((key, call) => {
    // A local activity's call (a token issued inline) took a slot, but not for one of the tasks held here.
    if (key !== action || call.local) return;
    called = Math.min(called + 1, held);
    wake();
  });
  return {
    type: 'custom',
    reserveSlot(_ctx, abortSignal): Promise<SlotPermit> {
      return new Promise<SlotPermit>((resolve, reject) => {
        const grant = (): void => {
          waiting.delete(grant);
          abortSignal.removeEventListener('abort', abort);
          held += 1;
          resolve({});
        };
        const abort = (): void => {
          waiting.delete(grant);
          // The SDK treats exactly the signal's own reason as a clean abort (anything else is logged as an error).
          reject(abortSignal.reason as Error);
        };
        if (abortSignal.aborted) return abort();
        if (hasRoom()) return grant();
        waiting.add(grant);
        abortSignal.addEventListener('abort', abort, { once: true });
      });
    },
    tryReserveSlot(): SlotPermit | null {
      // Eager activity dispatch is off for FaceID queues; never take a task around the pacer.
      return null;
    },
    markSlotUsed(): void {},
    releaseSlot(): void {
      held = Math.max(0, held - 1);
      called = Math.max(0, Math.min(called - 1, held));
      wake();
    },
  };
}

/** A tuner for a FaceID worker: paced activity slots, and the smallest fixed sizes for the kinds it never runs. */
export function pacedActivityTuner(pacer: QuotaPacer, action: string): TunerHolder {
  return {
    activityTaskSlotSupplier: pacedActivitySlots(pacer, action),
    workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 2 },
    localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
  };
}
