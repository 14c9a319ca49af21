import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { KEY_ID_PATTERN, type KeyRing } from './key-ring';
import { REFUSED_PAYLOAD_FIELD } from '../contracts/refused-payload';
import { DataKeyErasedError, journeyOfWorkflowId, type ArchiveDataKeys } from './data-keys';

/** `encoding` metadata of an encrypted payload (the value Temporal's codec samples and tools recognise). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';
/** Metadata key naming the journey whose data key encrypted a payload (a journey id is not personal data). */
export const JOURNEY_METADATA = 'ekyc-journey';
/** GCM's recommended nonce length: 96 bits, random per payload. */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const ProtoPayload = temporal.api.common.v1.Payload;

/**
 * What decoding does with a payload that is not encrypted: `refuse` hands on a stand-in that decodes to a value no
 * handler accepts (see `src/workflows/unencrypted-guard.ts`), `pass` hands it on unchanged (for display, or while
 * histories written before encryption are still read: `CODEC_ACCEPT_UNENCRYPTED`).
 */
export type UnencryptedPayloads = 'refuse' | 'pass';

/** The stand-in: JSON, so every payload converter reads it, and never an error, which would stall a workflow task. */
const REFUSED: Payload = {
  metadata: { encoding: Buffer.from('json/plain', 'utf8') },
  data: Buffer.from(JSON.stringify({ [REFUSED_PAYLOAD_FIELD]: true }), 'utf8'),
};

/**
 * Per-journey data keys for a codec: `vault` holds them; `erased` says what decoding does with a payload whose journey
 * was erased: `marker` hands on a JSON value saying so (where people read payloads: the UI's codec endpoint, the
 * gateway), `fail` rejects with {@link DataKeyErasedError} (the service's own processes, which erasure stops first).
 */
export interface JourneyDataKeys {
  vault: ArchiveDataKeys;
  erased: 'marker' | 'fail';
}

/** What an erased journey's payloads decode to where people read them. */
function erasedMarker(journeyId: string): Payload {
  return {
    metadata: { encoding: Buffer.from('json/plain', 'utf8') },
    data: Buffer.from(JSON.stringify({ erased: `the data of journey ${journeyId} was erased` }), 'utf8'),
  };
}

/** A payload names a key id the key ring does not hold (removed too early, or written by another deployment). */
export class UnknownCodecKeyError extends Error {
  override readonly name = 'UnknownCodecKeyError';
  // Names only the payload's own key id: which keys the ring holds is not for whoever sent an unreadable payload.
  constructor(readonly keyId: string) {
    super(
      `payload was encrypted with key id "${keyId}", which is not in the key ring; add that key to CODEC_KEYS to read it`,
    );
  }
}

/** An encrypted payload does not decrypt: it was altered, truncated, or its key id names a different key. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}

/** Whether a payload is one this codec (or another AES codec following the same convention) encrypted. */
function isEncrypted(payload: Payload): boolean {
  return metadataText(payload, 'encoding') === ENCRYPTED_ENCODING;
}

/**
 * AES-256-GCM payload codec: each payload is serialised whole (metadata and data) and encrypted under the key
 * ring's current key with a fresh random 96-bit nonce; the result carries `encoding: binary/encrypted` and the key
 * id in its metadata, and its data is `nonce ‖ ciphertext ‖ tag`. The key id is also the authenticated data, so a
 * payload relabelled with another key id fails to decrypt. Decoding picks the key by id, which keeps payloads
 * written before a rotation readable. A payload that is not encrypted was not written by a holder of the key: by
 * default it is passed on unchanged; the service's processes refuse it (`unencrypted: 'refuse'`).
 */
export class AesGcmCodec implements PayloadCodec {
  constructor(
    private readonly keys: KeyRing,
    private readonly unencrypted: UnencryptedPayloads = 'pass',
    private readonly dataKeys?: JourneyDataKeys,
  ) {}

  /**
   * With data keys, a payload of a journey (the serialization context names its workflow: the journey, one of its
   * children, or an activity of either) is encrypted under that journey's own key; anything else under the ring's.
   */
  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const journeyId = this.dataKeys ? journeyOfWorkflowId(context?.workflowId) : undefined;
    if (this.dataKeys && journeyId && payloads.length > 0) {
      const key = await this.dataKeys.vault.keyFor(journeyId);
      return payloads.map((payload) => this.encryptForJourney(payload, journeyId, key));
    }
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    const decoded: Payload[] = [];
    for (const payload of payloads) {
      const journeyId = metadataText(payload, JOURNEY_METADATA);
      if (journeyId !== undefined) decoded.push(await this.decryptForJourney(payload, journeyId));
      else if (isEncrypted(payload)) decoded.push(this.decrypt(payload));
      else decoded.push(this.unencrypted === 'refuse' ? REFUSED : payload);
    }
    return decoded;
  }

  private encryptForJourney(payload: Payload, journeyId: string, key: Buffer): Payload {
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING, 'utf8'),
        [JOURNEY_METADATA]: Buffer.from(journeyId, 'utf8'),
      },
      data: seal(key, `journey:${journeyId}`, ProtoPayload.encode(payload).finish()),
    };
  }

  private async decryptForJourney(payload: Payload, journeyId: string): Promise<Payload> {
    if (!this.dataKeys || journeyOfWorkflowId(journeyId) !== journeyId) {
      throw new PayloadDecryptionError(`payload of journey ${journeyId} needs that journey's data key`);
    }
    const key = await this.dataKeys.vault.existingKey(journeyId);
    if (key === 'erased') {
      if (this.dataKeys.erased === 'marker') return erasedMarker(journeyId);
      throw new DataKeyErasedError(journeyId);
    }
    if (!key) throw new PayloadDecryptionError(`journey ${journeyId} has no data key in the archive store`);
    return ProtoPayload.decode(
      open(key, `journey:${journeyId}`, Buffer.from(payload.data ?? new Uint8Array()), journeyId),
    );
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.keys.current;
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING, 'utf8'),
        [KEY_ID_METADATA]: Buffer.from(id, 'utf8'),
      },
      data: seal(key, id, ProtoPayload.encode(payload).finish()),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyId = metadataText(payload, KEY_ID_METADATA);
    if (keyId === undefined || !KEY_ID_PATTERN.test(keyId)) {
      throw new PayloadDecryptionError(`encrypted payload has no valid "${KEY_ID_METADATA}" metadata`);
    }
    const entry = this.keys.find(keyId);
    if (!entry) throw new UnknownCodecKeyError(keyId);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    const plaintext = open(
      entry.key,
      keyId,
      data,
      `encrypted payload under key id "${keyId}"`,
      'or the key of that id changed',
    );
    return ProtoPayload.decode(plaintext);
  }
}

/** AES-256-GCM with a fresh nonce: `nonce ‖ ciphertext ‖ tag`, `aad` authenticated. */
function seal(key: Buffer, aad: string, plaintext: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/**
 * The inverse of {@link seal}; an altered, truncated or relabelled payload fails with {@link PayloadDecryptionError}
 * naming `what` (and `otherCause`, another reason authentication can fail).
 */
function open(key: Buffer, aad: string, data: Buffer, what: string, otherCause = ''): Buffer {
  if (data.length < NONCE_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`${what} is truncated`);
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new PayloadDecryptionError(
      `${what} failed authentication: it was altered${otherCause ? `, ${otherCause}` : ''}`,
    );
  }
}
