import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from a secret every gateway shares, one key per purpose: a value
 * sealed for one purpose, or for one `context` (such as a record's id), does not open for another. Sealed values are
 * `base64url(iv | ciphertext | tag)`.
 */
export class SealingKey {
  private readonly key: Buffer;

  constructor(
    sharedSecret: string,
    private readonly purpose: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', sharedSecret, 'ekyc-journeys', purpose, 32));
  }

  /** Encrypts and authenticates `plain`, bound to `context`. */
  seal(plain: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(this.associatedData(context));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The plain text of a sealed value, or undefined when it is malformed, forged, tampered with or of another context. */
  open(sealed: string, context = ''): string | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(this.associatedData(context)).setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  private associatedData(context: string): Buffer {
    return Buffer.from(`${this.purpose}\u0000${context}`);
  }
}
