import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  type WorkflowBundleWithSourceMap,
  type Worker,
} from '@temporalio/worker';
import type { MediaDownloaderOptions } from '../../src/archive/download';
import { FilesystemStore } from '../../src/store/filesystem-store';
import type { ObjectStore } from '../../src/store/object-store';
import { inputKey } from '../../src/archive/keys';
import { EkycClient } from '../../src/client/ekyc-client';
import { ArchiveDataKeys } from '../../src/codec/data-keys';
import { AesGcmCodec, dataConverterFor, parseKeyRing, SANDBOX_CODEC_KEYS } from '../../src/codec';
import { SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../../src/faceid/sandbox-endpoint';
import { encodeJpeg } from '../../src/emulator/image-encoding';
import { startEmulator } from '../../src/emulator';
import type { SandboxClient } from '../../src/emulator/sandbox-client';
import { journeyExists } from '../../src/client/journey-exists';
import { FaceIdClient, type FaceIdClientOptions } from '../../src/faceid/client';
import type { Logger } from '../../src/logging';
import type { WebhookSettings } from '../../src/activities/webhook-activities';
import { isLocalCall, startQuotaPacer, type PacerGrant } from '../../src/quota';
import type { Database } from '../../src/db/database';
import { createJourneyWorkers, runWorkers, type WorkerDeployment } from '../../src/workers/journey-workers';
import { installRuntime } from '../../src/workers/runtime-logger';
import { bundleJourneyWorkflows } from '../../src/workers/workflow-bundle';
import type { StoredImageRef } from '../../src/workflows/types';

/** Everything one integration test file needs: the shared dev server, its own emulator, workers and queue. */
export interface JourneyHarness {
  client: Client;
  ekyc: EkycClient;
  sandbox: SandboxClient;
  archive: ObjectStore;
  /** The client's payload codec: decodes what the server holds, as the codec endpoint does. */
  codec: PayloadCodec;
  /** The journeys' data keys, in `archive`. */
  dataKeys: ArchiveDataKeys;
  emulatorUrl: string;
  /** `127.0.0.1:<port>` of the emulator, as the FaceID client's endpoint. */
  emulatorEndpoint: string;
  taskQueue: string;
  /** A unique synthetic JPEG stored as a journey input image, with its MD5. */
  storeImage(reference: string, name: string): Promise<StoredImageRef & { md5: string }>;
  /** A fresh reference, unique per test. */
  reference(prefix: string): string;
  close(): Promise<void>;
}

const SANDBOX_RING = parseKeyRing(SANDBOX_CODEC_KEYS);

/**
 * The data converters of `npm start` in sandbox mode over one archive: the sandbox key ring, each journey's payloads
 * under its own data key in that archive; the worker's fails on an erased journey, the client's (and its codec, which
 * reads what the server holds as the codec endpoint does) shows a marker.
 */
function sandboxDataConverters(archive: ObjectStore): {
  vault: ArchiveDataKeys;
  worker: DataConverter;
  client: DataConverter;
  codec: PayloadCodec;
} {
  const vault = new ArchiveDataKeys(archive, SANDBOX_RING);
  return {
    vault,
    worker: dataConverterFor(SANDBOX_RING, { dataKeys: { vault, erased: 'fail' } }),
    client: dataConverterFor(SANDBOX_RING, { dataKeys: { vault, erased: 'marker' } }),
    codec: new AesGcmCodec(SANDBOX_RING, 'pass', { vault, erased: 'marker' }),
  };
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * Bundles the workflows once per test file (module registry is per file in jest), with the service's failure
 * converter; another `workflowsPath` (a test's version 2 of the code) gets a bundle of its own.
 */
export function workflowBundle(
  workflowsPath = require.resolve('../../src/workflows'),
): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleJourneyWorkflows({ workflowsPath, logger: quietLogger });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

const quietLogger = new DefaultLogger('WARN');

/** Worker logs at ERROR (fourteen workers per file announce themselves at INFO and WARN); the runtime is per process, and a jest worker may already have installed it for an earlier file. */
function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process.
  }
}

function temporalAddress(): string {
  const address = process.env.EKYC_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('EKYC_TEST_TEMPORAL_ADDRESS is not set: run integration tests through jest (global setup)');
  return address;
}

/** What a test may change about the harness; everything defaults to the sandbox as `npm start` runs it. */
export interface JourneyHarnessOptions {
  faceid?: Partial<FaceIdClientOptions>;
  rateLimit?: number;
  /** The archive the activities use (default: a filesystem store in a temporary folder, removed on close). */
  archive?: ObjectStore;
  /** Download guard overrides; the emulator is the sandbox host unless `sandboxHosts` says otherwise. */
  media?: MediaDownloaderOptions;
  /** Where the worker delivers journey events (default: nowhere). */
  webhook?: WebhookSettings;
  /**
   * The worker's logger: installs this process's SDK runtime with it (as the worker process does), so the file's
   * first harness must pass it; default: the quiet runtime.
   */
  logger?: Logger;
  /** With `logger`: `host:port` where the runtime serves Prometheus metrics. */
  metricsBindAddress?: string;
  /** The emulator's request log (default: none). */
  emulatorLogger?: Logger;
  /** A Temporal server of the test's own (default: the shared dev server of the jest run). */
  temporalAddress?: string;
  /**
   * Run as one more worker process of another harness: same task queue, emulator and archive (so the same quota
   * group), its own connection, workers and quota lease.
   */
  joinTaskQueueOf?: JourneyHarness;
  /** Receives every decision of this harness's quota pacer. */
  onQuotaGrant?: (grant: PacerGrant) => void;
  /** The workers' Worker Deployment version (worker versioning); default: unversioned. */
  deployment?: WorkerDeployment;
  /** Workflow code to bundle instead of the service's (a test's next version of it). */
  workflowsPath?: string;
  /** Age from which the retention sweep takes input images no journey owns for orphans (default one hour). */
  orphanInputAgeMs?: number;
  /** The policy and decision database (a test's own, migrated); default: none, so no decision records. */
  database?: Database;
}

/** Quota leases renewed every 250 ms in tests, so a joining worker waits under a second, not six. */
const TEST_QUOTA_TIMING = { refreshMs: 250 };

/** Starts an emulator, the journey workers on a fresh task queue, and a client, against the shared dev server. */
export async function startJourneyHarness(options: JourneyHarnessOptions = {}): Promise<JourneyHarness> {
  if (options.logger) {
    // Not swallowed: a test that asks for these logs or metrics must not run without them.
    installRuntime({
      logger: options.logger,
      ...(options.metricsBindAddress ? { metricsBindAddress: options.metricsBindAddress } : {}),
    });
  } else installQuietRuntime();
  const joined = options.joinTaskQueueOf;
  const emulator = joined
    ? {
        url: joined.emulatorUrl,
        endpoint: joined.emulatorEndpoint,
        sandbox: joined.sandbox,
        close: () => Promise.resolve(),
      }
    : await startEmulator({
        port: 0,
        ...(options.rateLimit ? { rateLimitPerSecond: options.rateLimit } : {}),
        ...(options.emulatorLogger ? { logger: options.emulatorLogger } : {}),
      });
  const dataDir = await mkdtemp(join(tmpdir(), 'ekyc-harness-'));
  const archive = options.archive ?? joined?.archive ?? new FilesystemStore(join(dataDir, 'archive'));
  const address = options.temporalAddress ?? temporalAddress();
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const converters = sandboxDataConverters(archive);
  const client = new Client({ connection, dataConverter: converters.client });
  const taskQueue = joined?.taskQueue ?? `test-${randomUUID()}`;
  const quota = await startQuotaPacer({
    store: archive,
    group: taskQueue,
    quotaFor: () => options.rateLimit ?? 20,
    timing: TEST_QUOTA_TIMING,
    ...(options.onQuotaGrant ? { onGrant: options.onQuotaGrant } : {}),
  });
  const faceid = new FaceIdClient({
    secretId: SANDBOX_SECRET_ID,
    secretKey: SANDBOX_SECRET_KEY,
    endpoint: emulator.endpoint,
    protocol: 'http://',
    timeoutSeconds: 10,
    beforeSend: (action) => quota.pacer.acquire(action, { local: isLocalCall() }),
    ...options.faceid,
  });
  const workers: Worker[] = await createJourneyWorkers({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    // As in sandbox mode: media comes from the emulator itself, the only host reachable over plain http.
    deps: {
      faceid,
      archive,
      media: { sandboxHosts: [emulator.endpoint], ...options.media },
      journeyExists: (reference) => journeyExists(client, reference),
      ...(options.orphanInputAgeMs !== undefined ? { orphanInputAgeMs: options.orphanInputAgeMs } : {}),
      ...(options.webhook ? { webhook: options.webhook } : {}),
      ...(options.database ? { database: options.database } : {}),
    },
    workflowBundle: await workflowBundle(options.workflowsPath),
    deployment: options.deployment,
    defaultRateLimit: options.rateLimit ?? 20,
    pacer: quota.pacer,
    maxCachedWorkflows: 100,
    shutdownGraceTimeMs: 2_000,
    dataConverter: converters.worker,
  });
  const running = runWorkers(workers);

  let counter = 0;
  return {
    client,
    // With the archive: legal holds and retention status live there.
    ekyc: new EkycClient(client, taskQueue, { archive }),
    sandbox: emulator.sandbox,
    archive,
    codec: converters.codec,
    dataKeys: converters.vault,
    emulatorUrl: emulator.url,
    emulatorEndpoint: emulator.endpoint,
    taskQueue,
    reference: (prefix) => `${prefix}-${Date.now().toString(36)}-${(counter += 1)}-${randomUUID().slice(0, 8)}`,
    async storeImage(reference, name) {
      const pixels = new Uint8Array(32 * 32 * 3).fill(counter * 7);
      const bytes = encodeJpeg(32, 32, pixels, 85, `${reference}/${name}/${randomUUID()}`);
      const md5 = createHash('md5').update(bytes).digest('hex');
      const key = inputKey(reference, name, md5, 'image/jpeg');
      await archive.put(key, bytes, { contentType: 'image/jpeg', md5, size: bytes.length });
      return { key, md5 };
    },
    async close() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await quota.close();
      await faceid.close();
      await nativeConnection.close();
      await connection.close();
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
