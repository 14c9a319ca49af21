import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  decodeOptionalFailureToOptionalError,
  encodeErrorToFailure,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow';
import {
  AesGcmCodec,
  dataConverterFor,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  KeyRing,
  isRefusedPayload,
  PayloadDecryptionError,
  UnknownCodecKeyError,
} from '../../../src/codec';

const keyA = { id: 'key-a', key: randomBytes(32) };
const keyB = { id: 'key-b', key: randomBytes(32) };
const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const json = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);

describe('AesGcmCodec', () => {
  const codec = new AesGcmCodec(new KeyRing([keyA]));

  it('round-trips payloads, metadata included, and hides their content', async () => {
    const original = [json({ fullName: 'SANDBOX TESTER', idNumber: 'SBX000000001' }), json(null), json('x')];
    const encoded = await codec.encode(original);
    expect(encoded).toHaveLength(3);
    for (const payload of encoded) {
      expect(text(payload.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(payload.metadata?.[KEY_ID_METADATA])).toBe('key-a');
      expect(Object.keys(payload.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA]);
    }
    expect(text(encoded[0]?.data)).not.toContain('SANDBOX');
    expect(text(encoded[0]?.data)).not.toContain('json/plain');

    const decoded = await codec.decode(encoded);
    expect(decoded.map((payload) => defaultPayloadConverter.fromPayload(payload))).toEqual([
      { fullName: 'SANDBOX TESTER', idNumber: 'SBX000000001' },
      null,
      'x',
    ]);
    expect(text(decoded[0]?.metadata?.encoding)).toBe('json/plain');
  });

  it('uses a fresh random nonce: the same payload encrypts differently every time', async () => {
    const payload = json({ same: 'value' });
    const [first] = await codec.encode([payload]);
    const [second] = await codec.encode([payload]);
    expect(Buffer.from(first!.data!).subarray(0, 12)).not.toEqual(Buffer.from(second!.data!).subarray(0, 12));
    expect(Buffer.from(first!.data!)).not.toEqual(Buffer.from(second!.data!));
  });

  it('refuses a tampered payload', async () => {
    const [encoded] = await codec.encode([json({ outcome: 'approved' })]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 0x01;
    await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([{ ...encoded, data: data.subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('refuses a payload relabelled with another key id of the ring', async () => {
    const both = new AesGcmCodec(new KeyRing([keyA, { id: 'key-b', key: keyA.key }]));
    const [encoded] = await both.encode([json('relabelled')]);
    const relabelled = { ...encoded, metadata: { ...encoded!.metadata, [KEY_ID_METADATA]: Buffer.from('key-b') } };
    await expect(both.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('after a rotation, writes under the new key and still reads payloads of the old one', async () => {
    const before = new AesGcmCodec(new KeyRing([keyA]));
    const after = new AesGcmCodec(new KeyRing([keyB, keyA]));
    const [old] = await before.encode([json({ written: 'before rotation' })]);
    const [fresh] = await after.encode([json({ written: 'after rotation' })]);
    expect(text(fresh!.metadata?.[KEY_ID_METADATA])).toBe('key-b');
    const decoded = await after.decode([old!, fresh!]);
    expect(decoded.map((payload) => defaultPayloadConverter.fromPayload(payload))).toEqual([
      { written: 'before rotation' },
      { written: 'after rotation' },
    ]);
    // The old key alone cannot read what the new key wrote.
    await expect(before.decode([fresh!])).rejects.toThrow(UnknownCodecKeyError);
  });

  it('names the unknown key id in a clear error', async () => {
    const [encoded] = await new AesGcmCodec(new KeyRing([keyB])).encode([json('secret')]);
    const error = await codec.decode([encoded!]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownCodecKeyError);
    expect((error as UnknownCodecKeyError).keyId).toBe('key-b');
    expect((error as Error).message).toMatch(/key id "key-b", which is not in the key ring;/);
    // The ring's own key ids are not disclosed to whoever sent the payload.
    expect((error as Error).message).not.toContain('key-a');
  });

  it('passes payloads that are not encrypted through decode unchanged', async () => {
    const plain = [json({ EkycStage: 'completed' }), { metadata: { encoding: Buffer.from('binary/null') } }];
    const decoded = await codec.decode(plain);
    expect(decoded[0]).toBe(plain[0]);
    expect(decoded[1]).toBe(plain[1]);
  });

  it('in refuse mode, decodes a payload that is not encrypted to a stand-in no handler accepts, never an error', async () => {
    const refusing = new AesGcmCodec(new KeyRing([keyA]), 'refuse');
    const [encrypted] = await refusing.encode([json({ decision: 'approved' })]);
    const decoded = await refusing.decode([json({ decision: 'approved' }), encrypted as Payload, json(null)]);
    const values = decoded.map((payload) => defaultPayloadConverter.fromPayload(payload));
    expect(isRefusedPayload(values[0])).toBe(true);
    expect(values[1]).toEqual({ decision: 'approved' });
    expect(isRefusedPayload(values[2])).toBe(true);
  });

  it('dataConverterFor refuses unencrypted payloads unless accepting them is configured', async () => {
    const decodeWith = async (acceptUnencrypted: boolean) => {
      const [codecOf] = dataConverterFor(new KeyRing([keyA]), { acceptUnencrypted }).payloadCodecs ?? [];
      const [decoded] = await (codecOf as AesGcmCodec).decode([json({ decision: 'approved' })]);
      return defaultPayloadConverter.fromPayload(decoded as Payload);
    };
    expect(isRefusedPayload(await decodeWith(false))).toBe(true);
    expect(await decodeWith(true)).toEqual({ decision: 'approved' });
  });

  it('refuses an encrypted payload without a key id', async () => {
    const [encoded] = await codec.encode([json('x')]);
    const metadata = { encoding: encoded!.metadata!.encoding! };
    await expect(codec.decode([{ metadata, data: encoded!.data }])).rejects.toThrow(/no valid "encryption-key-id"/);
  });
});

describe('dataConverterFor', () => {
  it('encodes failure messages and stack traces into an encrypted payload, and decodes them back', async () => {
    const converter = loadDataConverter(dataConverterFor(new KeyRing([keyA])));
    const error = ApplicationFailure.create({ type: 'FaceIdAuthFailure', message: 'SecretId AKID-example refused' });
    const failure = await encodeErrorToFailure(converter, error);
    expect(failure.message).not.toContain('AKID-example');
    expect(failure.stackTrace ?? '').not.toContain('AKID-example');
    expect(text(failure.encodedAttributes?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(failure.encodedAttributes?.data)).not.toContain('AKID-example');
    expect(failure.applicationFailureInfo?.type).toBe('FaceIdAuthFailure');

    const decoded = await decodeOptionalFailureToOptionalError(converter, failure);
    expect(decoded?.message).toBe('SecretId AKID-example refused');
  });
});
