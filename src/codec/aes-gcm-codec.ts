import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { KEY_ID_PATTERN, type KeyRing } from './key-ring';
import { REFUSED_PAYLOAD_FIELD } from '../contracts/refused-payload';

/** `encoding` metadata of an encrypted payload (the value Temporal's codec samples and tools recognise). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';
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
  ) {}

  // Synchronous work behind a promise: a failure rejects rather than throwing at the call.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(payloads).then((all) => all.map((payload) => this.encrypt(payload)));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(payloads).then((all) =>
      all.map((payload) => {
        if (isEncrypted(payload)) return this.decrypt(payload);
        return this.unencrypted === 'refuse' ? REFUSED : payload;
      }),
    );
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.keys.current;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const plaintext = ProtoPayload.encode(payload).finish();
    const data = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING, 'utf8'),
        [KEY_ID_METADATA]: Buffer.from(id, 'utf8'),
      },
      data,
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
    if (data.length < NONCE_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`encrypted payload under key id "${keyId}" is truncated`);
    }
    const decipher = createDecipheriv('aes-256-gcm', entry.key, data.subarray(0, NONCE_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([
        decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        `encrypted payload under key id "${keyId}" failed authentication: it was altered, or the key of that id changed`,
      );
    }
    return ProtoPayload.decode(plaintext);
  }
}
