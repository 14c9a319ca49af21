import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import {
  AesGcmCodec,
  ArchiveDataKeys,
  DataKeyErasedError,
  JOURNEY_METADATA,
  journeyOfWorkflowId,
  KEY_ID_METADATA,
  KeyRing,
  PayloadDecryptionError,
} from '../../../src/codec';

const keyA = { id: 'key-a', key: randomBytes(32) };
const keyB = { id: 'key-b', key: randomBytes(32) };
const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const json = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const read = (payload: Payload | undefined): unknown => defaultPayloadConverter.fromPayload(payload as Payload);
const journey = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });

let root: string;
let store: FilesystemStore;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'data-keys-'));
  store = new FilesystemStore(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('journeyOfWorkflowId', () => {
  it('names the journey of its own id, a child of it, and nothing else', () => {
    expect(journeyOfWorkflowId('ekyc:ref-1')).toBe('ekyc:ref-1');
    expect(journeyOfWorkflowId('ekyc:ref-1:event:in_review')).toBe('ekyc:ref-1');
    expect(journeyOfWorkflowId('retention-sweep')).toBeUndefined();
    expect(journeyOfWorkflowId('ekyc:')).toBeUndefined();
    expect(journeyOfWorkflowId(undefined)).toBeUndefined();
  });
});

describe('ArchiveDataKeys', () => {
  it('creates a key once: processes racing to create it all end up with the first one written', async () => {
    const processes = [1, 2, 3].map(() => new ArchiveDataKeys(store, new KeyRing([keyA])));
    const keys = await Promise.all(processes.map((vault) => vault.keyFor('ekyc:race')));
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
    // A later start of the same journey, in a process that never saw it, reads that key and replaces nothing.
    const later = new ArchiveDataKeys(store, new KeyRing([keyA]));
    await expect(later.keyFor('ekyc:race')).resolves.toEqual(keys[0]);
    expect((await store.readVersioned('data-keys/ekyc:race.json'))?.body.toString()).not.toContain(
      keys[0]!.toString('base64'),
    );
  });

  it('keeps keys readable after the key ring rotates, as long as the ring holds the key that wrapped them', async () => {
    const before = await new ArchiveDataKeys(store, new KeyRing([keyA])).keyFor('ekyc:rotated');
    await expect(new ArchiveDataKeys(store, new KeyRing([keyB, keyA])).existingKey('ekyc:rotated')).resolves.toEqual(
      before,
    );
    await expect(new ArchiveDataKeys(store, new KeyRing([keyB])).existingKey('ekyc:rotated')).rejects.toThrow(
      /wrapped with key id "key-a", which is not in the key ring/,
    );
  });

  it('binds a wrapped key to its journey: a record copied to another journey does not unwrap', async () => {
    await new ArchiveDataKeys(store, new KeyRing([keyA])).keyFor('ekyc:original');
    const copied = await store.readVersioned('data-keys/ekyc:original.json');
    await store.putIfVersion('data-keys/ekyc:copy.json', copied!.body, 'application/json', undefined);
    await expect(new ArchiveDataKeys(store, new KeyRing([keyA])).existingKey('ekyc:copy')).rejects.toThrow();
  });

  it('destroys a key for good: erased everywhere once other processes stop trusting their cached copy', async () => {
    let now = 1_000_000;
    const eraser = new ArchiveDataKeys(store, new KeyRing([keyA]), { ttlMs: 60_000 }, () => now);
    const other = new ArchiveDataKeys(store, new KeyRing([keyA]), { ttlMs: 60_000 }, () => now);
    const key = await other.keyFor('ekyc:erase-me');
    await eraser.destroy('ekyc:erase-me', new Date(now));
    await eraser.destroy('ekyc:erase-me', new Date(now));
    await expect(eraser.existingKey('ekyc:erase-me')).resolves.toBe('erased');
    await expect(eraser.keyFor('ekyc:erase-me')).rejects.toBeInstanceOf(DataKeyErasedError);
    // The other process's cached copy lives out its time to live, and no longer.
    await expect(other.existingKey('ekyc:erase-me')).resolves.toEqual(key);
    now += 60_001;
    await expect(other.existingKey('ekyc:erase-me')).resolves.toBe('erased');
    expect((await store.readVersioned('data-keys/ekyc:erase-me.json'))?.body.toString()).not.toContain('wrapped');
  });

  it('lets expired keys go as new ones arrive, so memory follows the recent rate, not maxEntries', async () => {
    let now = 1_000_000;
    const vault = new ArchiveDataKeys(store, new KeyRing([keyA]), { ttlMs: 60_000 }, () => now);
    for (const id of ['ekyc:old-1', 'ekyc:old-2', 'ekyc:old-3']) await vault.keyFor(id);
    expect(vault.cachedKeys).toBe(3);
    now += 60_001;
    await vault.keyFor('ekyc:new-1');
    expect(vault.cachedKeys).toBe(1);
  });

  it('holds at most maxEntries keys in memory', async () => {
    const vault = new ArchiveDataKeys(store, new KeyRing([keyA]), { maxEntries: 2 });
    for (const id of ['ekyc:a', 'ekyc:b', 'ekyc:c']) await vault.keyFor(id);
    const reads = jest.spyOn(store, 'readVersioned');
    await vault.existingKey('ekyc:c');
    expect(reads).not.toHaveBeenCalled();
    await vault.existingKey('ekyc:a');
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('waits out a store that fails for a while (a restart), reading and creating keys again after each delay', async () => {
    const vault = new ArchiveDataKeys(store, new KeyRing([keyA]), { retryDelaysMs: [1, 1, 1] });
    const created = await vault.keyFor('ekyc:kept');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const reads = jest.spyOn(store, 'readVersioned');
    reads.mockRejectedValueOnce(refused).mockRejectedValueOnce(refused);
    const other = new ArchiveDataKeys(store, new KeyRing([keyA]), { retryDelaysMs: [1, 1, 1] });
    await expect(other.existingKey('ekyc:kept')).resolves.toEqual(created);
    expect(reads).toHaveBeenCalledTimes(3);
    const writes = jest.spyOn(store, 'putIfVersion').mockRejectedValueOnce(refused);
    await expect(other.keyFor('ekyc:new')).resolves.toHaveLength(32);
    expect(writes).toHaveBeenCalledTimes(2);
  });

  it('passes the failure on once the store is still down after the last delay', async () => {
    const vault = new ArchiveDataKeys(store, new KeyRing([keyA]), { retryDelaysMs: [1, 1] });
    const reads = jest.spyOn(store, 'readVersioned').mockRejectedValue(new Error('connect ECONNREFUSED'));
    await expect(vault.existingKey('ekyc:down')).rejects.toThrow('ECONNREFUSED');
    expect(reads).toHaveBeenCalledTimes(3);
  });
});

describe('AesGcmCodec with per-journey data keys', () => {
  const ring = new KeyRing([keyA]);
  const codecOn = (erased: 'marker' | 'fail', vault = new ArchiveDataKeys(store, ring)) =>
    new AesGcmCodec(ring, 'refuse', { vault, erased });

  it("encrypts a journey's payloads (its children's and activities' too) under its own key, others under the ring's", async () => {
    const codec = codecOn('fail');
    const [own] = await codec.encode([json({ ocr: 'SANDBOX TESTER' })], journey('ekyc:j1'));
    const [child] = await codec.encode([json('event')], journey('ekyc:j1:event:completed'));
    const [activity] = await codec.encode([json('token')], {
      type: 'activity',
      namespace: 'default',
      workflowId: 'ekyc:j1',
      isLocal: false,
    });
    const [other] = await codec.encode([json('sweep')], journey('retention-sweep'));
    const [none] = await codec.encode([json('no context')]);
    for (const payload of [own, child, activity]) {
      expect(text(payload?.metadata?.[JOURNEY_METADATA])).toBe('ekyc:j1');
      expect(payload?.metadata?.[KEY_ID_METADATA]).toBeUndefined();
    }
    for (const payload of [other, none]) expect(text(payload?.metadata?.[KEY_ID_METADATA])).toBe('key-a');
    const decoded = await codecOn('fail').decode([own!, child!, activity!, other!, none!]);
    expect(decoded.map(read)).toEqual([{ ocr: 'SANDBOX TESTER' }, 'event', 'token', 'sweep', 'no context']);
  });

  it('refuses a payload relabelled as another journey', async () => {
    const codec = codecOn('fail');
    await codec.encode([json('b')], journey('ekyc:j2'));
    const [encoded] = await codec.encode([json('a')], journey('ekyc:j1'));
    const relabelled = { ...encoded, metadata: { ...encoded!.metadata, [JOURNEY_METADATA]: Buffer.from('ekyc:j2') } };
    await expect(codec.decode([relabelled])).rejects.toBeInstanceOf(PayloadDecryptionError);
  });

  it('after erasure: a marker where people read payloads, a typed failure in the service, and no new payloads', async () => {
    const vault = new ArchiveDataKeys(store, ring);
    const [encoded] = await codecOn('fail', vault).encode([json('personal')], journey('ekyc:gone'));
    await vault.destroy('ekyc:gone', new Date());
    const [shown] = await codecOn('marker', vault).decode([encoded!]);
    expect(read(shown)).toEqual({ erased: 'the data of journey ekyc:gone was erased' });
    await expect(codecOn('fail', vault).decode([encoded!])).rejects.toBeInstanceOf(DataKeyErasedError);
    await expect(codecOn('fail', vault).encode([json('new')], journey('ekyc:gone'))).rejects.toBeInstanceOf(
      DataKeyErasedError,
    );
  });

  it('without data keys, a journey-keyed payload is refused with a clear error', async () => {
    const [encoded] = await codecOn('fail').encode([json('x')], journey('ekyc:j3'));
    await expect(new AesGcmCodec(ring).decode([encoded!])).rejects.toThrow(/needs that journey's data key/);
  });
});
