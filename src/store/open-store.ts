import { resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { ArchiveUrlError, defaultArchiveUrl, parseArchiveUrl } from './store-url';
import { FilesystemStore } from './filesystem-store';
import { S3Store } from './s3-store';
import type { ObjectStore } from './object-store';

/**
 * Opens the archive an `ARCHIVE_URL` names (the folder under `dataDir` when the URL is empty). For S3, credentials
 * come from `ARCHIVE_ACCESS_KEY_ID` + `ARCHIVE_SECRET_ACCESS_KEY` (+ optional `ARCHIVE_SESSION_TOKEN`) when set,
 * otherwise from the AWS SDK's standard chain (`AWS_ACCESS_KEY_ID`, profiles, instance roles).
 */
export function openArchiveStore(
  url: string | undefined,
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): ObjectStore {
  const location = parseArchiveUrl(url?.trim() ? url : defaultArchiveUrl(resolve(dataDir)));
  if (location.kind === 'file') return new FilesystemStore(location.root);
  const accessKeyId = env.ARCHIVE_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.ARCHIVE_SECRET_ACCESS_KEY?.trim();
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new ArchiveUrlError('set both ARCHIVE_ACCESS_KEY_ID and ARCHIVE_SECRET_ACCESS_KEY, or neither');
  }
  const sessionToken = env.ARCHIVE_SESSION_TOKEN?.trim();
  const client = new S3Client({
    region: location.region,
    forcePathStyle: location.forcePathStyle,
    ...(location.endpoint ? { endpoint: location.endpoint } : {}),
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
      : {}),
    // Checksums only where the API requires them: the SDK's newer CRC32 default headers are not understood by every
    // S3-compatible service (COS among them), and the store verifies MD5 itself.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
  return new S3Store({ client, bucket: location.bucket, prefix: location.prefix });
}
