import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ArchiveIntegrityError } from './object-store';

/**
 * A pass-through that hashes and counts a body on its way to a store and fails the stream when it is not what the
 * writer expected: too many bytes as soon as they arrive (no oversized body is written whole first), too few or
 * another MD5 at its end, before the stream ends (so the last part, or the only PUT, is never sent).
 */
export class IntegrityMeter extends Transform {
  private readonly hash = createHash('md5');
  /** Bytes that passed so far. Not `size`: the S3 uploader reads a body's `size` as its length up front. */
  bytes = 0;

  constructor(private readonly expect: { size?: number; md5?: string }) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.expect.size !== undefined && this.bytes > this.expect.size)
      done(new ArchiveIntegrityError(`more bytes than the expected ${this.expect.size}`));
    else done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.expect.size !== undefined && this.bytes !== this.expect.size)
      done(new ArchiveIntegrityError(`size ${this.bytes} differs from the expected ${this.expect.size}`));
    else if (this.expect.md5 !== undefined && this.md5() !== this.expect.md5)
      done(new ArchiveIntegrityError('MD5 differs from the expected value'));
    else done();
  }

  /** The MD5 (hex) of the bytes that passed so far. */
  md5(): string {
    return this.hash.copy().digest('hex');
  }
}
