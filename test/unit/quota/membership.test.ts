import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { QuotaMembership } from '../../../src/quota/membership';
import { nextOwnedSlot } from '../../../src/quota/slot-plan';

let dir: string;
let store: FilesystemStore;
let now = 1_700_000_000_000;
const clock = (): number => now;
const timing = { refreshMs: 1_000 }; // lease 4 s, guard 3 s
/** Slots of one cycle (a quota of 20/s): even for two members, so a member of two owns every other slot. */
const CYCLE = 20;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quota-membership-'));
  store = new FilesystemStore(dir);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const member = (memberId: string): QuotaMembership =>
  new QuotaMembership({ store, group: 'queue-a', memberId, timing, now: clock });

describe('quota membership', () => {
  it('lets the first member use every slot at once and makes a newcomer wait one guard period', async () => {
    const a = member('a');
    await a.refresh();
    expect(nextOwnedSlot(100, 'a', a.views(), CYCLE)).toBe(100);

    now += 500;
    const b = member('b');
    await b.refresh();
    // b is not alone: it owns nothing until every member has seen it.
    expect(nextOwnedSlot(100, 'b', b.views(), CYCLE)).toBeUndefined();
    // a keeps every slot until its next refresh, then only its half, at once.
    now += 500;
    await a.refresh();
    expect(nextOwnedSlot(101, 'a', a.views(), CYCLE)).toBe(102);
    // Past b's guard (3 s after it joined), b takes the odd slots; a's older view has stopped binding too.
    for (let step = 0; step < 2; step += 1) {
      now += 1_000;
      await a.refresh();
      await b.refresh();
      expect(nextOwnedSlot(100, 'b', b.views(), CYCLE)).toBeUndefined();
    }
    now += 600;
    await b.refresh();
    expect(nextOwnedSlot(100, 'b', b.views(), CYCLE)).toBe(101);
    await a.refresh();
    expect(nextOwnedSlot(101, 'a', a.views(), CYCLE)).toBe(102);
  });

  it('drops a member whose lease expired, and only after the guard gives its slots to the rest', async () => {
    const a = member('a');
    const b = member('b');
    await a.refresh();
    await b.refresh();
    await a.refresh();
    now += 3_100;
    await a.refresh();
    await b.refresh();
    expect(a.views().at(-1)?.members).toEqual(['a', 'b']);
    // b stops renewing (crash). After its lease (4 s) a sees it gone, but keeps to its half for the guard (3 s).
    for (let step = 0; step < 4; step += 1) {
      now += 1_000;
      await a.refresh();
      expect(a.views().at(-1)?.members).toEqual(['a', 'b']);
    }
    now += 200;
    await a.refresh();
    expect(a.views().at(-1)?.members).toEqual(['a']);
    expect(nextOwnedSlot(101, 'a', a.views(), CYCLE)).toBe(102);
    for (let step = 0; step < 3; step += 1) {
      now += 1_000;
      await a.refresh();
    }
    now += 100;
    expect(nextOwnedSlot(101, 'a', a.views(), CYCLE)).toBe(101);
  });

  it('stops a member from calling when its own lease is too old for the others to count it', async () => {
    const a = member('a');
    await a.refresh();
    expect(a.views()).not.toEqual([]);
    now += 3_100; // lease 4 s, refresh 1 s: past 3 s without renewal it may already be dropped by the others
    expect(a.views()).toEqual([]);
  });

  it('removes its lease on close, so the others see it leave', async () => {
    const a = member('a');
    const b = member('b');
    await a.refresh();
    await b.refresh();
    await b.close();
    now += 100;
    await a.refresh();
    expect(a.views().at(-1)?.members).toEqual(['a']);
    expect(await store.list('quota/queue-a/members/b/')).toEqual([]);
  });

  it('keeps one lease per member in the store', async () => {
    const a = member('a');
    for (let i = 0; i < 5; i += 1) {
      await a.refresh();
      now += 1_000;
    }
    expect(await store.list('quota/queue-a/members/')).toHaveLength(1);
  });
});
