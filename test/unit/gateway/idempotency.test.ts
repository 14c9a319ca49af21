import { canonicalJson, IdempotencyCache } from '../../../src/gateway/idempotency';
import { ProblemError } from '../../../src/gateway/problems';

const answer = (body: unknown) => () => Promise.resolve({ status: 201, body });

describe('IdempotencyCache', () => {
  it('replays the first answer for the same key and the same body, whatever the order of its keys', async () => {
    const cache = new IdempotencyCache();
    const first = await cache.run('key-1', 'backend', { reference: 'r1', flow: 'liveness' }, answer('first'));
    const again = await cache.run('key-1', 'backend', { flow: 'liveness', reference: 'r1' }, answer('second'));
    expect(first).toEqual({ status: 201, body: 'first', replayed: false });
    expect(again).toEqual({ status: 201, body: 'first', replayed: true });
  });

  it('refuses the same key with another body', async () => {
    const cache = new IdempotencyCache();
    await cache.run('key-1', 'backend', { reference: 'r1' }, answer('first'));
    await expect(cache.run('key-1', 'backend', { reference: 'r2' }, answer('second'))).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
  });

  it('answers a deeply nested body with a bad_request problem instead of overflowing the stack', async () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 100_000; level += 1) deep = { a: deep };
    const cache = new IdempotencyCache();
    const run = cache.run('key-1', 'backend', deep, answer('never'));
    await expect(run).rejects.toBeInstanceOf(ProblemError);
    await expect(run).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined fields, as JSON would', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 3, e: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"f":3}]},"b":1}',
    );
  });
});
