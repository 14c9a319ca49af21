import type { ObjectStore } from '../../src/store/object-store';

/**
 * What every archive store must do for state shared by several processes: a conditional write goes through for
 * exactly one of the writers that read the same version, on any of the store instances (standing for processes).
 */
export async function expectCompareAndSwap(stores: ObjectStore[], key: string): Promise<void> {
  const [first] = stores;
  if (!first) throw new Error('no store');
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  expect(await first.readVersioned(key)).toBeUndefined();

  // Create-if-absent: one of the racing creators wins.
  const creators = await Promise.all(
    stores.flatMap((store, index) =>
      [0, 1].map((n) => store.putIfVersion(key, json({ by: `${index}-${n}` }), 'application/json', undefined)),
    ),
  );
  expect(creators.filter(Boolean)).toHaveLength(1);

  // Replace-if-unchanged: of the writers that read one version, one wins, and the body is the winner's.
  const read = await first.readVersioned(key);
  if (!read) throw new Error('the created object is missing');
  const attempts = stores.flatMap((store, index) => [0, 1, 2].map((n) => ({ store, by: `update-${index}-${n}` })));
  const outcomes = await Promise.all(
    attempts.map(({ store, by }) => store.putIfVersion(key, json({ by }), 'application/json', read.version)),
  );
  expect(outcomes.filter(Boolean)).toHaveLength(1);
  const winner = attempts[outcomes.indexOf(true)]?.by;
  const after = await first.readVersioned(key);
  expect(JSON.parse(after?.body.toString('utf8') ?? '{}')).toEqual({ by: winner });
  expect(after?.version).not.toBe(read.version);

  // A stale version loses; the current one wins; nothing but the object itself is listed.
  expect(await first.putIfVersion(key, json({ by: 'stale' }), 'application/json', read.version)).toBe(false);
  expect(await first.putIfVersion(key, json({ by: 'last' }), 'application/json', after?.version)).toBe(true);
  const prefix = key.slice(0, key.lastIndexOf('/') + 1);
  expect(await first.list(prefix)).toEqual([key]);
}
