import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JourneyErasedError } from '../../../src/archive/erasure-record';
import { BoundedCache } from '../../../src/client/bounded-cache';
import { ErasureChecks } from '../../../src/client/erasure-checks';
import { FilesystemStore } from '../../../src/store/filesystem-store';

describe('BoundedCache', () => {
  it('keeps at most maxEntries, evicting the least recently read', () => {
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2]);
  });

  it('forgets a value once its TTL has passed, and keeps one without TTL', () => {
    let now = 1_000;
    const cache = new BoundedCache<string>(10, () => now);
    cache.set('short', 'x', 100);
    cache.set('forever', 'y');
    now += 99;
    expect(cache.get('short')).toBe('x');
    now += 1;
    expect([cache.get('short'), cache.get('forever')]).toEqual([undefined, 'y']);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
  });
});

describe('ErasureChecks', () => {
  let dir: string;
  let store: FilesystemStore;
  let reads: number;
  let now: number;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'erasure-checks-'));
    store = new FilesystemStore(dir);
    reads = 0;
    now = 0;
    const readVersioned = store.readVersioned.bind(store);
    store.readVersioned = (key) => {
      reads += 1;
      return readVersioned(key);
    };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes the journey's erasure record, as an erasure on any process does. */
  const writeErased = (journeyId: string) =>
    store.putIfVersion(
      `erasures/${journeyId}.json`,
      Buffer.from(JSON.stringify({ journeyId, requestedBy: 'op-a', reason: 'r', requestedAt: '', state: 'erased' })),
      'application/json',
      undefined,
    );

  it('reads the store once per TTL for a journey that is not erased, and sees an erasure after it', async () => {
    const checks = new ErasureChecks(store, { ttlMs: 60_000 }, () => now);
    for (let i = 0; i < 10; i += 1) await checks.refuseIfErased('ekyc:a');
    expect(reads).toBe(1);
    await writeErased('ekyc:a');
    now += 59_999;
    await expect(checks.refuseIfErased('ekyc:a')).resolves.toBeUndefined();
    now += 1;
    await expect(checks.refuseIfErased('ekyc:a')).rejects.toBeInstanceOf(JourneyErasedError);
  });

  it('keeps an erased answer for good, without reading again', async () => {
    await writeErased('ekyc:b');
    const checks = new ErasureChecks(store, { ttlMs: 1_000 }, () => now);
    await expect(checks.refuseIfErased('ekyc:b')).rejects.toBeInstanceOf(JourneyErasedError);
    now += 10 * 365 * 86_400_000;
    await expect(checks.refuseIfErased('ekyc:b')).rejects.toBeInstanceOf(JourneyErasedError);
    expect(reads).toBe(1);
  });

  it('refuses at once what this process erased, though it had just read "not erased"', async () => {
    const checks = new ErasureChecks(store, {}, () => now);
    await checks.refuseIfErased('ekyc:c');
    checks.remember({ journeyId: 'ekyc:c', requestedBy: 'op-a', reason: 'r', requestedAt: '', state: 'erased' });
    await expect(checks.refuseIfErased('ekyc:c')).rejects.toBeInstanceOf(JourneyErasedError);
    expect(reads).toBe(1);
  });

  it('asks nothing for ids that are not journeys', async () => {
    const checks = new ErasureChecks(store);
    await checks.refuseIfErased('not-a-journey');
    expect(reads).toBe(0);
  });
});
