import { mkdirSync } from 'node:fs';
import { BucketAlreadyOwnedByYou, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { ChildSpec } from '../lib/supervisor';
import { waitForHttp } from '../lib/wait';
import { CLUSTER_TOOLS } from './tools';

/** The cluster's archive: a MinIO server on loopback, and the bucket the workers write evidence to. */
export interface MinioSettings {
  dataDir: string;
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

/** `ARCHIVE_URL` and credentials of the cluster's archive, as every worker and gateway gets them. */
export function archiveEnv(settings: MinioSettings): NodeJS.ProcessEnv {
  return {
    ARCHIVE_URL: `s3://${settings.bucket}?endpoint=http://127.0.0.1:${settings.port}&region=us-east-1&forcePathStyle=true`,
    ARCHIVE_ACCESS_KEY_ID: settings.accessKeyId,
    ARCHIVE_SECRET_ACCESS_KEY: settings.secretAccessKey,
  };
}

/** MinIO as a supervised child (no console, no update checks). */
export function minioChild(settings: MinioSettings): ChildSpec {
  mkdirSync(settings.dataDir, { recursive: true });
  return {
    name: 'minio',
    command: CLUSTER_TOOLS.minio,
    args: ['server', settings.dataDir, '--address', `127.0.0.1:${settings.port}`, '--quiet'],
    env: {
      MINIO_ROOT_USER: settings.accessKeyId,
      MINIO_ROOT_PASSWORD: settings.secretAccessKey,
      MINIO_BROWSER: 'off',
      MINIO_UPDATE: 'off',
    },
    ready: () => waitForHttp(`http://127.0.0.1:${settings.port}/minio/health/ready`),
  };
}

/** Creates the archive bucket once. */
export async function ensureBucket(settings: MinioSettings): Promise<void> {
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${settings.port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: settings.bucket }));
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  } finally {
    client.destroy();
  }
}
