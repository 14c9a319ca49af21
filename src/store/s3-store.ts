import { createHash } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  ArchiveObjectMissingError,
  type ObjectStore,
  type PutExpectations,
  type StoredObject,
  type VersionedObject,
} from './object-store';
import { IntegrityMeter } from './integrity-meter';

/** Where an {@link S3Store} keeps its objects and how it uploads them. */
export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix inside the bucket (`ekyc/` or empty); every archive key is stored below it. */
  prefix?: string;
  /** Multipart part size: bodies up to this size go in one PUT, larger ones in parts (min 5 MiB). */
  partSize?: number;
  /** Parts uploaded at once per object; with `partSize` it bounds the memory one upload holds. */
  queueSize?: number;
}

/** Object metadata key for the verified MD5 (an ETag is not an MD5 for multipart or KMS-encrypted objects). */
const MD5_METADATA = 'md5';

/**
 * A conditional write that lost: 412 when the object changed or exists, 409 when another conditional write of the
 * same key was in flight (S3 asks the loser to retry).
 */
function isLostRace(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status === 412 || status === 409;
}

function isNotFound(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}

/**
 * Archive store on any S3-compatible service (Tencent COS, AWS S3, MinIO). Bodies stream through an MD5/size meter
 * into `@aws-sdk/lib-storage`'s `Upload`; the meter checks the expectations in its flush step, before the stream
 * ends, so a mismatch errors the stream while the last part is still unsent: a small body's single PUT never
 * starts, and a large body's multipart upload is aborted instead of completed. Parts of an unfinished multipart
 * upload are never visible as an object, so nothing partial or unverified is ever readable under the key.
 */
export class S3Store implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(options: S3StoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    this.queueSize = options.queueSize ?? 2;
  }

  async put(key: string, body: Readable | Buffer, expect: PutExpectations): Promise<StoredObject> {
    const objectKey = this.objectKey(key);
    // A buffer's MD5 is known up front, so it is stored as metadata at creation like a caller-given one.
    const expectedMd5 =
      expect.md5?.toLowerCase() ?? (Buffer.isBuffer(body) ? createHash('md5').update(body).digest('hex') : undefined);
    const meter = new IntegrityMeter({ size: expect.size, md5: expectedMd5 });
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    // pipeline carries a source failure into the meter, also one that happened before this call.
    pipeline(source, meter, () => undefined);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: objectKey,
        Body: meter,
        ContentType: expect.contentType,
        ...(expectedMd5 ? { Metadata: { [MD5_METADATA]: expectedMd5 } } : {}),
      },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      const result = await upload.done();
      const md5 = meter.md5();
      const etag = (result as { ETag?: string }).ETag?.replace(/"/g, '');
      if (!expectedMd5 && etag !== md5) {
        // A stream of unknown MD5 that went up in parts: record the MD5 now (server-side copy onto itself).
        await this.client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: objectKey,
            CopySource: `${this.bucket}/${encodeURI(objectKey)}`,
            MetadataDirective: 'REPLACE',
            ContentType: expect.contentType,
            Metadata: { [MD5_METADATA]: md5 },
          }),
        );
      }
      return { key, md5, size: meter.bytes, contentType: expect.contentType };
    } finally {
      if (!source.destroyed) source.destroy();
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return response.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new ArchiveObjectMissingError(`no object at ${key}`);
      throw error;
    }
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      const etag = response.ETag?.replace(/"/g, '') ?? '';
      const md5 = response.Metadata?.[MD5_METADATA] ?? (/^[0-9a-f]{32}$/.test(etag) ? etag : '');
      return {
        key,
        md5,
        size: response.ContentLength ?? 0,
        contentType: response.ContentType ?? 'application/octet-stream',
        ...(response.LastModified ? { modifiedAtMs: response.LastModified.getTime() } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async readVersioned(key: string): Promise<VersionedObject | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      const body = Buffer.from(
        await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      if (!response.ETag) throw new Error('the object store answered without an ETag; conditional writes need one');
      return { body, version: response.ETag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async putIfVersion(key: string, body: Buffer, contentType: string, version: string | undefined): Promise<boolean> {
    const md5 = createHash('md5').update(body).digest('hex');
    try {
      // If-None-Match / If-Match on PUT: AWS S3 since 2024, MinIO, Tencent COS; a store that ignores them would let
      // two writers both win, so `npm test` checks the race against MinIO.
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Body: body,
          ContentType: contentType,
          Metadata: { [MD5_METADATA]: md5 },
          ...(version === undefined ? { IfNoneMatch: '*' } : { IfMatch: version }),
        }),
      );
      return true;
    } catch (error) {
      if (isLostRace(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key.slice(this.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  /** Releases the client's sockets. */
  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }

  /** The bucket key of an archive key; keys with empty, `.` or `..` segments are refused like on the filesystem. */
  private objectKey(key: string): string {
    if (key === '' || key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
      throw new Error('archive key has an empty, "." or ".." segment');
    }
    return this.prefix + key;
  }
}
