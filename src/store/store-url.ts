import { isAbsolute, join, resolve } from 'node:path';

/** A parsed `ARCHIVE_URL`: a folder on this machine, or a bucket (and prefix) on an S3-compatible service. */
export type ArchiveLocation =
  | { kind: 'file'; root: string }
  | {
      kind: 's3';
      bucket: string;
      /** Empty, or ends with `/`. */
      prefix: string;
      /** Service endpoint (`https://cos.ap-singapore.myqcloud.com`, `http://127.0.0.1:9000`); AWS when absent. */
      endpoint?: string;
      region: string;
      forcePathStyle: boolean;
    };

/** The default `ARCHIVE_URL`: a folder `archive` under the data directory. */
export function defaultArchiveUrl(dataDir: string): string {
  return `file://${join(dataDir, 'archive')}`;
}

/** Raised for an `ARCHIVE_URL` the service cannot use; the message never repeats the URL. */
export class ArchiveUrlError extends Error {
  override readonly name = 'ArchiveUrlError';
}

const S3_PARAMETERS = new Set(['endpoint', 'region', 'forcePathStyle']);
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses `ARCHIVE_URL`: `file://<path>` (relative paths resolve against the working directory, like `DATA_DIR`) or
 * `s3://<bucket>[/<prefix>]?endpoint=<url>&region=<region>&forcePathStyle=true`. Credentials are refused here:
 * they come from the environment, never from a URL that ends up in config dumps and logs.
 */
export function parseArchiveUrl(url: string, cwd = process.cwd()): ArchiveLocation {
  const text = url.trim();
  if (text.startsWith('file://')) {
    let path: string;
    try {
      path = decodeURIComponent(text.slice('file://'.length));
    } catch {
      throw new ArchiveUrlError('file:// archive path is not valid percent-encoding');
    }
    if (path === '') throw new ArchiveUrlError('file:// archive URL needs a path');
    return { kind: 'file', root: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  if (!text.startsWith('s3://')) throw new ArchiveUrlError('archive URL must start with file:// or s3://');
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ArchiveUrlError('s3:// archive URL does not parse');
  }
  if (parsed.username || parsed.password) {
    throw new ArchiveUrlError(
      's3:// archive URL must not carry credentials (use ARCHIVE_ACCESS_KEY_ID / ARCHIVE_SECRET_ACCESS_KEY)',
    );
  }
  const bucket = parsed.hostname;
  if (!BUCKET.test(bucket)) throw new ArchiveUrlError('s3:// archive URL needs a valid bucket name as its host');
  for (const name of parsed.searchParams.keys()) {
    if (!S3_PARAMETERS.has(name)) throw new ArchiveUrlError(`s3:// archive URL has an unknown parameter "${name}"`);
  }
  const prefixPath = decodeURIComponent(parsed.pathname).replace(/^\/+/, '').replace(/\/+$/, '');
  const endpoint = parsed.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined) {
    let endpointUrl: URL;
    try {
      endpointUrl = new URL(endpoint);
    } catch {
      throw new ArchiveUrlError('s3:// archive URL has an endpoint that does not parse');
    }
    if (endpointUrl.protocol !== 'https:' && endpointUrl.protocol !== 'http:') {
      throw new ArchiveUrlError('s3:// archive endpoint must be http:// or https://');
    }
    if (endpointUrl.username || endpointUrl.password) {
      throw new ArchiveUrlError('s3:// archive endpoint must not carry credentials');
    }
  }
  const forcePathStyle = parsed.searchParams.get('forcePathStyle');
  if (forcePathStyle !== null && forcePathStyle !== 'true' && forcePathStyle !== 'false') {
    throw new ArchiveUrlError('s3:// archive URL: forcePathStyle must be true or false');
  }
  return {
    kind: 's3',
    bucket,
    prefix: prefixPath === '' ? '' : `${prefixPath}/`,
    ...(endpoint !== undefined ? { endpoint } : {}),
    region: parsed.searchParams.get('region') ?? 'us-east-1',
    forcePathStyle: forcePathStyle === 'true',
  };
}
