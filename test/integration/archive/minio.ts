import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { openArchiveStore } from '../../../src/store/open-store';
import type { S3Store } from '../../../src/store/s3-store';
import { eventually } from '../../support/eventually';

/** Path of the MinIO server `npm run tools` builds from its Go module. */
const MINIO_PATH = resolve(__dirname, '..', '..', '..', '.tools', 'bin', 'minio');

/** A real MinIO server on a free loopback port with its own temporary data folder, and a bucket in it. */
export interface MinioServer {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A raw client for assertions the store does not offer (multipart uploads, object metadata). */
  client: S3Client;
  /** `ARCHIVE_URL` for this server and bucket. */
  archiveUrl(prefix?: string): string;
  /** Opens the archive store the worker would open for {@link archiveUrl}. */
  openStore(prefix?: string): S3Store;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function waitHealthy(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  await eventually(
    async () => {
      // A server that died will never be ready: stop asking, and fail below with its exit code.
      if (child.exitCode !== null) return;
      const response = await fetch(`${endpoint}/minio/health/ready`);
      if (!response.ok) throw new Error(`the readiness check answered ${response.status}`);
    },
    { what: 'minio ready', timeoutMs, intervalMs: 150 },
  );
  if (child.exitCode !== null) throw new Error(`minio exited with ${child.exitCode} before it was ready`);
}

/** Starts MinIO (built by `npm run tools`), waits until it is ready and creates one bucket. */
export async function startMinio(bucket = 'ekyc-archive-test'): Promise<MinioServer> {
  if (!existsSync(MINIO_PATH)) throw new Error(`${MINIO_PATH} is missing: run \`node scripts/install-tools.mjs\``);
  const dataDir = await mkdtemp(join(tmpdir(), 'ekyc-minio-'));
  const port = await freePort();
  const consolePort = await freePort();
  const accessKeyId = 'ekyc-test-access';
  const secretAccessKey = 'ekyc-test-secret-key-0000';
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(
    MINIO_PATH,
    ['server', dataDir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, '--quiet'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dataDir,
        MINIO_ROOT_USER: accessKeyId,
        MINIO_ROOT_PASSWORD: secretAccessKey,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
        MINIO_CI_CD: 'on',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(endpoint, child, 30_000);
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const archiveUrl = (prefix = '') =>
      `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`;
    return {
      endpoint,
      bucket,
      accessKeyId,
      secretAccessKey,
      client,
      archiveUrl,
      openStore: (prefix) =>
        openArchiveStore(archiveUrl(prefix), '.data', {
          ARCHIVE_ACCESS_KEY_ID: accessKeyId,
          ARCHIVE_SECRET_ACCESS_KEY: secretAccessKey,
        }) as S3Store,
      async stop() {
        client.destroy();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
