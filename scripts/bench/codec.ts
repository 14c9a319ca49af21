import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultPayloadConverter, type SerializationContext } from '@temporalio/common';
import { FilesystemStore } from '../../src/store/filesystem-store';
import { AesGcmCodec, ArchiveDataKeys, KeyRing } from '../../src/codec';

/** A journey's payloads are a few hundred bytes to a few KB (inputs with options, results with media refs). */
const PAYLOAD = defaultPayloadConverter.toPayload({
  reference: 'order-0000001',
  flow: 'ekyc',
  region: 'ap-singapore',
  media: Array.from({ length: 6 }, (_, index) => ({
    key: `journeys/ekyc:order-0000001/best-frame-${'0'.repeat(31)}${index}.jpg`,
    kind: 'best-frame',
    md5: '0'.repeat(32),
    size: 48_213,
  })),
  requestIds: ['00000000-0000-0000-0000-000000000000'],
});
const ROUNDS = 20_000;
const JOURNEYS = 500;

const journey = (id: number): SerializationContext => ({
  type: 'workflow',
  namespace: 'default',
  workflowId: `ekyc:bench-${id}`,
});

/** Mean µs per payload of `ROUNDS` encode + decode round trips through `codec`, one payload per call as the SDK does. */
async function roundTrips(codec: AesGcmCodec, context?: SerializationContext): Promise<number> {
  for (let i = 0; i < 1_000; i += 1) await codec.decode(await codec.encode([PAYLOAD], context));
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i += 1) await codec.decode(await codec.encode([PAYLOAD], context));
  return ((performance.now() - started) * 1000) / ROUNDS;
}

/**
 * The payload codec: µs per payload with the service-wide key and with a journey's data key from the cache, and what
 * a journey's first payload costs in the process that creates its data key (a create-only write to the filesystem
 * archive) and in one that reads it.
 */
export async function benchCodec(): Promise<string> {
  const ring = new KeyRing([{ id: 'bench-1', key: randomBytes(32) }]);
  const root = await mkdtemp(join(tmpdir(), 'ekyc-bench-codec-'));
  try {
    const store = new FilesystemStore(root);
    const creator = new ArchiveDataKeys(store, ring);
    const withRing = await roundTrips(new AesGcmCodec(ring));
    const withDataKey = await roundTrips(
      new AesGcmCodec(ring, 'refuse', { vault: creator, erased: 'fail' }),
      journey(0),
    );

    let started = performance.now();
    for (let id = 1; id <= JOURNEYS; id += 1) await creator.keyFor(`ekyc:bench-${id}`);
    const createMs = (performance.now() - started) / JOURNEYS;
    const reader = new ArchiveDataKeys(store, ring);
    started = performance.now();
    for (let id = 1; id <= JOURNEYS; id += 1) await reader.existingKey(`ekyc:bench-${id}`);
    const readMs = (performance.now() - started) / JOURNEYS;

    const fmt = (value: number, digits = 1) => value.toFixed(digits);
    return [
      '## Payload codec',
      '',
      'Command: `npm run bench -- codec`. AES-256-GCM round trips (encode then decode, one payload per call as the SDK',
      `calls the codec) of a ${PAYLOAD.data?.length ?? 0}-byte JSON payload, ${ROUNDS.toLocaleString('en')} times after`,
      `1,000 to warm up; then the data keys of ${JOURNEYS} journeys created in a filesystem archive (a create-only write`,
      'each) and read back by a second vault, as a worker reads the key the gateway made. One process, wall time.',
      '',
      '| measure | result |',
      '| --- | --- |',
      `| round trip, service-wide key (\`encryption-key-id\`) | ${fmt(withRing)} µs per payload |`,
      `| round trip, the journey's data key from the cache | ${fmt(withDataKey)} µs per payload (${fmt(withDataKey / withRing, 2)}x) |`,
      `| a journey's data key created (random key, wrapped, written create-only) | ${fmt(createMs, 2)} ms per journey |`,
      `| a journey's data key read by another process (read, unwrapped, cached) | ${fmt(readMs, 2)} ms per journey |`,
      '',
      'A journey costs one creation (in the gateway that starts it) and one read per other process that handles it;',
      'every other payload finds its key in the cache (10,000 keys for 60 s per process).',
      '',
    ].join('\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
