import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pack, type Pack } from 'tar-stream';
import {
  bundleManifest,
  BundleFormatError,
  isBundlePath,
  MANIFEST_FILE,
  manifestBytes,
  SIGNATURE_FILE,
  type BundleAbsence,
  type BundleFile,
  type BundleManifest,
} from './bundle-format';
import type { EvidenceSigningKey } from './bundle-signing';

/** What the writer knows of a media file before it streams it. */
interface MediaOrigin {
  archiveKey: string;
  /** The MD5 the journey recorded when it archived the object (input images have none in history). */
  recordedMd5?: string;
}

/** A file's entry as tar-stream writes it: a streamx writable. */
type EntrySink = ReturnType<Pack['entry']>;

/** Resolves when the sink wants more; rejects when it was destroyed (the reader went away) instead. */
function drained(sink: EntrySink): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      sink.off('drain', onDrain);
      sink.off('close', onClose);
      sink.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the bundle stream was closed'));
    const onError = (error: Error) => settle(error);
    sink.on('drain', onDrain);
    sink.on('close', onClose);
    sink.on('error', onError);
  });
}

/**
 * Writes one evidence bundle as a tar stream: each file is hashed as it passes (SHA-256 for the manifest, MD5 to
 * compare media with what the journey recorded), so a video is never held in memory; {@link finish} appends the signed
 * manifest. Read {@link output} while the files are added: the tar stream applies backpressure to the writer.
 */
export class BundleWriter {
  private readonly tar: Pack = pack();
  private readonly files: BundleFile[] = [];
  /** Media whose bytes differ from the MD5 the journey recorded (the verifier reports them too). */
  readonly md5Mismatches: string[] = [];
  /** The tar as a Node stream, for an HTTP reply or a file. */
  readonly output: Readable = Readable.from(this.tar, { objectMode: false });

  constructor(
    private readonly signingKey: EvidenceSigningKey,
    private readonly journeyId: string,
    private readonly createdAt: Date,
  ) {}

  /** Adds a small file. */
  addBytes(path: string, bytes: Buffer): Promise<BundleFile> {
    return this.addStream(path, bytes.length, [bytes]);
  }

  /** Adds a JSON document, indented so a person can read it. */
  addJson(path: string, value: unknown): Promise<BundleFile> {
    return this.addBytes(path, Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'));
  }

  /**
   * Streams a file of `size` bytes from `source` into the bundle. tar states each size up front, so a source that
   * yields another number of bytes fails the bundle rather than produce a wrong one.
   */
  async addStream(
    path: string,
    size: number,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    origin?: MediaOrigin,
  ): Promise<BundleFile> {
    if (!isBundlePath(path) || path === MANIFEST_FILE || path === SIGNATURE_FILE) {
      throw new BundleFormatError(`"${path}" cannot name a file in a bundle`);
    }
    if (this.files.some((file) => file.path === path))
      throw new BundleFormatError(`"${path}" is in the bundle already`);
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    await this.entry(path, size, async (sink) => {
      for await (const chunk of source) {
        sha256.update(chunk);
        md5.update(chunk);
        if (!sink.write(chunk)) await drained(sink);
      }
    });
    const file: BundleFile = { path, size, sha256: sha256.digest('hex') };
    if (origin) file.archiveKey = origin.archiveKey;
    if (origin?.recordedMd5 !== undefined) {
      file.recordedMd5 = origin.recordedMd5;
      if (md5.digest('hex') !== origin.recordedMd5) this.md5Mismatches.push(path);
    }
    this.files.push(file);
    return file;
  }

  /** Writes `manifest.json` and its signature `manifest.sig`, and ends the tar. */
  async finish(absent: BundleAbsence[]): Promise<BundleManifest> {
    const manifest = bundleManifest({
      journeyId: this.journeyId,
      createdAt: this.createdAt,
      keyId: this.signingKey.keyId,
      files: this.files,
      absent,
    });
    const bytes = manifestBytes(manifest);
    const signature = Buffer.from(`${this.signingKey.sign(bytes).toString('base64')}\n`, 'utf8');
    await this.entry(MANIFEST_FILE, bytes.length, (sink) => Promise.resolve(void sink.write(bytes)));
    await this.entry(SIGNATURE_FILE, signature.length, (sink) => Promise.resolve(void sink.write(signature)));
    this.tar.finalize();
    return manifest;
  }

  /**
   * Ends the bundle with an error: whoever reads {@link output} sees it fail, never a bundle that looks complete.
   * Returns the error the reader sees, which names the file and the cause's code only.
   */
  abort(cause: unknown, file?: string): BundleCutShortError {
    const failure = cause instanceof BundleCutShortError ? cause : new BundleCutShortError(cause, file);
    this.tar.destroy(failure);
    return failure;
  }

  private entry(name: string, size: number, write: (sink: EntrySink) => Promise<void>): Promise<void> {
    let sink: EntrySink | undefined;
    const written = new Promise<void>((resolve, reject) => {
      sink = this.tar.entry({ name, size, mode: 0o644, mtime: this.createdAt, type: 'file' }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
    // Settled by tar-stream whatever happens; awaited only once the file is written.
    written.catch(() => undefined);
    const target = sink as EntrySink;
    // The callback above carries the entry's error (a size mismatch); the sink would also emit it, unheard.
    target.on('error', () => undefined);
    return write(target).then(
      () => {
        target.end(null);
        return written;
      },
      (error: unknown) => {
        // The tar first, with an error that quotes no path or content: the entry's own would reach the reader.
        throw this.abort(error, name);
      },
    );
  }
}

/** A bundle that could not be completed: names the file and the cause's code or class only, never a key or content. */
export class BundleCutShortError extends Error {
  override readonly name = 'BundleCutShortError';
  constructor(cause: unknown, file?: string) {
    const { code, name } = (typeof cause === 'object' && cause !== null ? cause : {}) as {
      code?: unknown;
      name?: unknown;
    };
    const reason = typeof code === 'string' ? code : typeof name === 'string' ? name : 'error';
    super(`the evidence bundle was cut short${file ? ` at ${file}` : ''} (${reason})`);
  }
}
