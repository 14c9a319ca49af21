import type { SlotPermit, SlotReserveContext } from '@temporalio/worker';
import type { QuotaPacer } from '../../../src/quota';
import { pacedActivitySlots } from '../../../src/quota/slot-supplier';

/** The three pacer methods the supplier uses, driven by the test. */
function fakePacer(rate: number) {
  const grantListeners = new Set<(key: string, call: { local: boolean }) => void>();
  const rateListeners = new Set<() => void>();
  let current = rate;
  const pacer = {
    ownRate: () => current,
    onRateChange: (listener: () => void) => {
      rateListeners.add(listener);
      return () => rateListeners.delete(listener);
    },
    onGranted: (listener: (key: string, call: { local: boolean }) => void) => {
      grantListeners.add(listener);
      return () => grantListeners.delete(listener);
    },
  } as unknown as QuotaPacer;
  return {
    pacer,
    grant: (key: string, local = false) => grantListeners.forEach((listener) => listener(key, { local })),
    setRate: (value: number) => {
      current = value;
      rateListeners.forEach((listener) => listener());
    },
  };
}

const context = {} as SlotReserveContext;

/** Reserves a slot and reports whether it was given within the current turn of the event loop. */
function reserve(supplier: ReturnType<typeof pacedActivitySlots>, signal = new AbortController().signal) {
  let given = false;
  const permit = supplier.reserveSlot(context, signal).then((value: SlotPermit) => {
    given = true;
    return value;
  });
  return { permit, given: async () => (await new Promise(setImmediate), given) };
}

describe('pacedActivitySlots', () => {
  it('holds at most 0.5 s of this process’s own rate in tasks that have not made their call', async () => {
    const { pacer, grant } = fakePacer(6);
    const supplier = pacedActivitySlots(pacer, 'GetLivenessResult');
    const first = [reserve(supplier), reserve(supplier), reserve(supplier)];
    for (const slot of first) expect(await slot.given()).toBe(true);
    const fourth = reserve(supplier);
    expect(await fourth.given()).toBe(false);

    // A call of another action frees nothing, nor does a local activity's call of this one (no held task made it);
    // a held task's call lets the next task in while the first goes on.
    grant('ApplyLivenessToken');
    expect(await fourth.given()).toBe(false);
    grant('GetLivenessResult', true);
    expect(await fourth.given()).toBe(false);
    grant('GetLivenessResult');
    expect(await fourth.given()).toBe(true);
    const fifth = reserve(supplier);
    expect(await fifth.given()).toBe(false);

    // The task that made its call ends: three still wait for theirs, so the fifth waits for the next call.
    supplier.releaseSlot({ permit: {}, slotInfo: undefined });
    expect(await fifth.given()).toBe(false);
    grant('GetLivenessResult');
    expect(await fifth.given()).toBe(true);
  });

  it('takes nothing while the process owns no slot, and aborts a wait cleanly with the signal’s reason', async () => {
    const { pacer, setRate } = fakePacer(0);
    const supplier = pacedActivitySlots(pacer, 'ApplyLivenessToken');
    const controller = new AbortController();
    const waiting = reserve(supplier, controller.signal);
    expect(await waiting.given()).toBe(false);
    const reason = new Error('poller stopped');
    controller.abort(reason);
    await expect(waiting.permit).rejects.toBe(reason);

    const next = reserve(supplier);
    setRate(2);
    expect(await next.given()).toBe(true);
  });
});
