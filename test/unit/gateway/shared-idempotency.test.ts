import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import type { ObjectStore } from '../../../src/store/object-store';
import { IdempotencyCache } from '../../../src/gateway/idempotency';
import {
  ArchiveIdempotencyRecords,
  removeExpiredIdempotencyRecords,
  type SharedIdempotencyTiming,
} from '../../../src/gateway/shared-idempotency';
import { eventually } from '../../support/eventually';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ekyc-idempotency-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** The gateways' shared secret (`CLIENT_SECRET_KEY`), from which the records' sealing key is derived. */
const SECRET = 'test-client-secret-key-0000000000001';

/** A gateway process: its own cache and store instance, sharing only the folder with the others. */
function gateway(timing: Partial<SharedIdempotencyTiming> = {}, now?: () => number, secret = SECRET): IdempotencyCache {
  return new IdempotencyCache({
    shared: new ArchiveIdempotencyRecords(new FilesystemStore(root), secret, timing, now),
  });
}

/** A start that counts its calls and answers after `delayMs`. */
function starter(delayMs = 0) {
  let calls = 0;
  return {
    calls: () => calls,
    produce: async () => {
      calls += 1;
      const n = calls;
      // The start's own duration (Temporal answering), during which other requests with the key arrive.
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { status: 201, body: { journeyId: 'ekyc:r1', token: `token-${n}` } };
    },
  };
}

const body = { reference: 'r1', flow: 'liveness' };

describe('Idempotency-Key across gateways', () => {
  it('replays the first gateway’s answer on another gateway, and refuses the key with another body there', async () => {
    const start = starter();
    const first = await gateway().run('key-1', 'backend', body, start.produce);
    const second = await gateway().run('key-1', 'backend', { flow: 'liveness', reference: 'r1' }, start.produce);
    expect(first).toMatchObject({ status: 201, replayed: false, body: { token: 'token-1' } });
    expect(second).toEqual({ ...first, replayed: true });
    expect(start.calls()).toBe(1);
    await expect(gateway().run('key-1', 'backend', { reference: 'r2' }, start.produce)).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
    // Another caller's key of the same name is its own.
    expect(await gateway().run('key-1', 'other-backend', body, start.produce)).toMatchObject({ replayed: false });
  });

  it('starts once when the same request reaches two gateways at the same moment', async () => {
    const start = starter(200);
    const [a, b] = await Promise.all([
      gateway({ pollMs: 20 }).run('key-2', 'backend', body, start.produce),
      gateway({ pollMs: 20 }).run('key-2', 'backend', body, start.produce),
    ]);
    expect(start.calls()).toBe(1);
    expect(a.body).toEqual(b.body);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
  });

  it('lets a retry claim the key again after the first attempt failed', async () => {
    const failing = async () => Promise.reject(new Error('temporal unavailable'));
    await expect(gateway().run('key-3', 'backend', body, failing)).rejects.toThrow('temporal unavailable');
    const start = starter();
    expect(await gateway().run('key-3', 'backend', body, start.produce)).toMatchObject({ replayed: false });
    expect(start.calls()).toBe(1);
  });

  it('answers in_flight while another gateway still works on the key, and takes over a claim it left behind', async () => {
    let now = 1_800_000_000_000;
    const clock = () => now;
    const records = new ArchiveIdempotencyRecords(
      new FilesystemStore(root),
      SECRET,
      { abandonedAfterMs: 60_000 },
      clock,
    );
    // A gateway claims the key and stops before it answers.
    expect((await records.claim('stopped', 'fingerprint')).kind).toBe('claimed');
    const waiting = new ArchiveIdempotencyRecords(new FilesystemStore(root), SECRET, { waitMs: 0 }, clock);
    expect((await waiting.claim('stopped', 'fingerprint')).kind).toBe('in-flight');
    now += 61_000;
    expect((await waiting.claim('stopped', 'fingerprint')).kind).toBe('claimed');

    const cache = gateway({ waitMs: 50, pollMs: 10 });
    const slow = starter(300);
    const firstRun = gateway().run('key-4', 'backend', body, slow.produce);
    // The first gateway has claimed the key once its start runs.
    await eventually(() => expect(slow.calls()).toBe(1), { what: 'the first gateway starting', intervalMs: 5 });
    await expect(cache.run('key-4', 'backend', body, slow.produce)).rejects.toMatchObject({
      code: 'idempotency_key_in_flight',
    });
    await firstRun;
    expect(await cache.run('key-4', 'backend', body, slow.produce)).toMatchObject({ replayed: true });
    expect(slow.calls()).toBe(1);
  });

  it('keeps the answer sealed in the store: the FaceID token is not in the record, and a replay still returns it', async () => {
    const start = starter();
    await gateway().run('key-7', 'backend', body, start.produce);
    const store = new FilesystemStore(root);
    const [key] = await store.list('idempotency/');
    const record = (await store.readVersioned(key ?? ''))?.body.toString('utf8') ?? '';
    expect(record).not.toContain('token-1');
    expect(record).not.toContain('ekyc:r1');
    expect(await gateway().run('key-7', 'backend', body, start.produce)).toMatchObject({
      replayed: true,
      body: { token: 'token-1' },
    });
    // Under another secret (rotated) the record does not open: the key starts again, by reference on the server.
    expect(
      await gateway({}, undefined, 'another-client-secret-key-000000001').run('key-7', 'backend', body, start.produce),
    ).toMatchObject({
      replayed: false,
      body: { token: 'token-2' },
    });
  });

  it('answers even when the record cannot be completed, and says so', async () => {
    const real = new FilesystemStore(root);
    // The archive takes the claim, then fails the write of the answer (a full disk, an outage).
    const store: ObjectStore = {
      get: (key) => real.get(key),
      head: (key) => real.head(key),
      delete: (key) => real.delete(key),
      list: (prefix) => real.list(prefix),
      readVersioned: (key) => real.readVersioned(key),
      putIfVersion: (key, bytes, type, version) => real.putIfVersion(key, bytes, type, version),
      put: () => Promise.reject(new Error('disk full')),
    };
    const errors: string[] = [];
    const cache = new IdempotencyCache({
      shared: new ArchiveIdempotencyRecords(store, SECRET),
      onRecordError: (error, step) => errors.push(`${step}: ${(error as Error).message}`),
    });
    const start = starter();
    expect(await cache.run('key-6', 'backend', body, start.produce)).toMatchObject({ status: 201, replayed: false });
    expect(errors).toEqual(['complete: disk full']);
  });

  it('still answers a key claimed yesterday, and the clean-up removes only whole days past the TTL', async () => {
    const day = 24 * 3600_000;
    let now = Date.parse('2030-01-10T23:59:59.000Z');
    const start = starter();
    await gateway({}, () => now).run('key-5', 'backend', body, start.produce);
    now += 2_000; // past midnight
    expect(await gateway({}, () => now).run('key-5', 'backend', body, start.produce)).toMatchObject({ replayed: true });
    const store = new FilesystemStore(root);
    // Claimed on the 10th, valid until 23:59:59 on the 11th: kept through the 11th, removed once the 12th begins.
    expect(await removeExpiredIdempotencyRecords(store, now + day - 10_000)).toBe(0);
    expect(await removeExpiredIdempotencyRecords(store, now + day)).toBe(1);
    expect(await store.list('idempotency/')).toEqual([]);
  });
});
