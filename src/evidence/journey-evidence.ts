import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import {
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { journeyPrefix, manifestKey } from '../archive/keys';
import type { JourneyManifest } from '../archive/manifest';
import type { ObjectStore } from '../store/object-store';
import { splitEnd } from '../client/close-event';
import { JourneyNotFoundError, JourneyRunningError } from '../client/errors';
import { readErasure, type ErasureRecord } from '../archive/erasure-record';
import type { AuditLog } from '../review/audit-log';
import type { JourneyEnd, JourneyInput, JourneyResult } from '../workflows/types';
import type { BundleAbsence } from './bundle-format';
import type { EvidenceSigningKey } from './bundle-signing';
import { BundleWriter } from './bundle-writer';
import { timelineFromHistory } from './history-timeline';
import { policyRecord } from './policy-record';

/** What {@link JourneyEvidence} reads from and signs with. */
export interface EvidenceSources {
  client: Client;
  archive: ObjectStore;
  audit: AuditLog;
  signingKey: EvidenceSigningKey;
  now?: () => Date;
}

/** An archived object to stream into the bundle. */
interface MediaFile {
  path: string;
  key: string;
  size: number;
  recordedMd5?: string;
}

/** Everything of a bundle but the media bytes: gathered before the answer starts, so failures are still problems. */
export interface PreparedBundle {
  journeyId: string;
  createdAt: Date;
  documents: { path: string; value: unknown }[];
  /** The archive's `manifest.json` as stored. */
  archiveManifest?: Buffer;
  media: MediaFile[];
  absent: BundleAbsence[];
}

/** A journey's ended run as the bundle reads it. */
interface EndedRun {
  description: WorkflowExecutionDescription;
  history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
  /** Decoded from the history: absent only for a run that was not a journey's. */
  input: JourneyInput | undefined;
  /** Absent when the run ended without one (terminated, timed out, failed outright). */
  result: JourneyResult | undefined;
}

/** What the caller hears of a bundle once its answer has started: it cannot become a problem any more. */
export interface StreamReport {
  onError(error: Error): void;
  /** Media whose bytes differ from the MD5 the journey recorded (the bundle holds them; its verifier says so too). */
  onMd5Mismatch(paths: string[]): void;
}

/** An archived object of the journey: media from its result or the archive's manifest, or an input image. */
interface RecordedObject {
  key: string;
  kind: string;
  /** Recorded in history for media; input images are known by their key only. */
  md5?: string;
  deletedAt?: string;
  /** The bundle folder it goes to: `media` or `inputs`. */
  folder: 'media' | 'inputs';
}

/**
 * Signed evidence bundles of ended journeys: the archived media and OCR JSON, the result with its FaceID RequestIds,
 * outcome, reason codes and review decisions, the decision policy and its version, the decoded event timeline, and
 * the audit entries about the journey, listed with their SHA-256 in a signed manifest.
 */
export class JourneyEvidence {
  constructor(private readonly sources: EvidenceSources) {}

  /** The id of the key that signs the bundles. */
  get keyId(): string {
    return this.sources.signingKey.keyId;
  }

  /**
   * Reads what the bundle holds besides media bytes. Rejects with {@link JourneyNotFoundError} for an unknown
   * journey and {@link JourneyRunningError} while it runs (its evidence is not complete yet).
   */
  async prepare(journeyId: string): Promise<PreparedBundle> {
    const { client, archive, audit } = this.sources;
    const createdAt = (this.sources.now ?? (() => new Date()))();
    const erasure = await readErasure(archive, journeyId);
    if (erasure) return this.erasedBundle(erasure, createdAt);
    const run = await this.endedRun(journeyId);
    const closedAt = run.description.closeTime ?? createdAt;
    const timeline = await timelineFromHistory(run.history, client.options.loadedDataConverter);
    const auditEntries = await audit.entriesOfJourney(journeyId, run.description.startTime, closedAt);
    const stored = await archive.readVersioned(manifestKey(journeyId));
    const archiveManifest = stored ? parseArchiveManifest(stored.body) : undefined;
    const recorded = recordedObjects(run.result, archiveManifest);
    const inputs = inputImages(run.input, archiveManifest).filter(
      (image) => !recorded.some((o) => o.key === image.key),
    );
    const { media, absent } = await this.mediaOf(journeyId, [...recorded, ...inputs]);
    const documents = [
      { path: 'journey.json', value: journeyDocument(journeyId, run) },
      ...(run.result ? [{ path: 'result.json', value: run.result }] : []),
      ...(run.input ? [{ path: 'policy.json', value: policyRecord(run.input) }] : []),
      {
        path: 'timeline.json',
        value: { source: 'the workflow history, decoded with the gateway data converter', events: timeline },
      },
      {
        path: 'audit.json',
        value: {
          source: 'the audit log, day folders from the journey start to its close (UTC), entries of this journey',
          fromDay: run.description.startTime.toISOString().slice(0, 10),
          toDay: closedAt.toISOString().slice(0, 10),
          entries: auditEntries,
        },
      },
    ];
    return { journeyId, createdAt, documents, ...(stored ? { archiveManifest: stored.body } : {}), media, absent };
  }

  /**
   * An erased journey's bundle holds only what erasure kept: the erasure record (who, when, why, the outcome and its
   * reason codes, the keys of what was deleted) and the audit entries about the journey, up to the bundle's making.
   */
  private async erasedBundle(erasure: ErasureRecord, createdAt: Date): Promise<PreparedBundle> {
    const { journeyId } = erasure;
    const started = await this.sources.client.workflow
      .getHandle(journeyId)
      .describe()
      .then(
        (description) => description.startTime,
        () => undefined,
      );
    const from = started ?? new Date(erasure.requestedAt);
    const entries = await this.sources.audit.entriesOfJourney(journeyId, from, createdAt);
    return {
      journeyId,
      createdAt,
      documents: [
        { path: 'erasure.json', value: erasure },
        {
          path: 'audit.json',
          value: {
            source: 'the audit log, day folders from the journey start to the bundle (UTC), entries of this journey',
            fromDay: from.toISOString().slice(0, 10),
            toDay: createdAt.toISOString().slice(0, 10),
            entries,
          },
        },
      ],
      media: [],
      absent: [],
    };
  }

  /** The journey's last run once it has ended, with its history, and its input and result decoded from it. */
  private async endedRun(journeyId: string): Promise<EndedRun> {
    const { client } = this.sources;
    const description = await client.workflow
      .getHandle(journeyId)
      .describe()
      .catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) throw new JourneyNotFoundError(`journey ${journeyId} not found`);
        throw error;
      });
    if (description.status.name === 'RUNNING') throw new JourneyRunningError(journeyId);
    const history = await client.workflow.getHandle(journeyId, description.runId).fetchHistory();
    const converter = client.options.loadedDataConverter;
    const events = history.events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    const completed = events.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads;
    const [input] = (await decodeArrayFromPayloads(converter, started)) as [JourneyInput | undefined];
    const [returned] = (await decodeArrayFromPayloads(converter, completed)) as [JourneyEnd | undefined];
    // The result as the API answers it: the final status beside it is for reads, not evidence of the decision.
    return { description, history, input, result: returned && splitEnd(returned).result };
  }

  /** Records the export in the audit log; called before the first byte, so no bundle leaves unrecorded. */
  async recordExport(journeyId: string, actor: string): Promise<void> {
    await this.sources.audit.append({
      role: 'operator',
      actor,
      action: 'evidence_exported',
      journeyId,
      detail: { keyId: this.keyId },
    });
  }

  /**
   * The bundle as a tar stream: the documents, the archive manifest, the media streamed from the archive one at a
   * time, then the signed manifest. A failure on the way (an object gone or changed meanwhile) ends the stream with
   * an error, so the reader never gets a bundle that looks complete; `onError` hears of it with ids only.
   */
  stream(prepared: PreparedBundle, report: StreamReport): Readable {
    const writer = new BundleWriter(this.sources.signingKey, prepared.journeyId, prepared.createdAt);
    const write = async (): Promise<void> => {
      for (const { path, value } of prepared.documents) await writer.addJson(path, value);
      if (prepared.archiveManifest) await writer.addBytes('archive-manifest.json', prepared.archiveManifest);
      for (const file of prepared.media) {
        const source = await this.sources.archive.get(file.key);
        const origin = { archiveKey: file.key, ...(file.recordedMd5 ? { recordedMd5: file.recordedMd5 } : {}) };
        try {
          await writer.addStream(file.path, file.size, source, origin);
        } finally {
          source.destroy();
        }
      }
      await writer.finish(prepared.absent);
      if (writer.md5Mismatches.length > 0) report.onMd5Mismatch(writer.md5Mismatches);
    };
    write().catch((error: unknown) => report.onError(writer.abort(error)));
    return writer.output;
  }

  /** The objects to stream with their sizes now, and those that are gone (retention) or missing. */
  private async mediaOf(
    journeyId: string,
    objects: RecordedObject[],
  ): Promise<{ media: MediaFile[]; absent: BundleAbsence[] }> {
    const media: MediaFile[] = [];
    const absent: BundleAbsence[] = [];
    const prefix = journeyPrefix(journeyId);
    for (const object of objects) {
      if (object.deletedAt !== undefined) {
        absent.push({
          archiveKey: object.key,
          kind: object.kind,
          reason: 'deleted_by_retention',
          deletedAt: object.deletedAt,
        });
        continue;
      }
      const head = await this.sources.archive.head(object.key);
      if (!head) {
        absent.push({ archiveKey: object.key, kind: object.kind, reason: 'not_in_archive' });
        continue;
      }
      const name = (object.key.startsWith(prefix) ? object.key.slice(prefix.length) : posix.basename(object.key))
        .replace(/[^A-Za-z0-9._-]/g, '_')
        .replace(/^\.+/, '_');
      // Keys are content-addressed, so names repeat only if sanitising made them equal: number those.
      const taken = media.some((file) => file.path === `${object.folder}/${name}`);
      const path = `${object.folder}/${taken ? `${media.length}-` : ''}${name}`;
      media.push({ path, key: object.key, size: head.size, ...(object.md5 ? { recordedMd5: object.md5 } : {}) });
    }
    return { media, absent };
  }
}

/** `journey.json`: which run this is, how and when it ended, and the journey's reference, flow and region. */
function journeyDocument(journeyId: string, { description, input, result }: EndedRun): Record<string, unknown> {
  return {
    journeyId,
    runId: description.runId,
    workflowType: description.type,
    status: description.status.name,
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString(),
    historyLength: description.historyLength,
    ...(input ? { reference: input.reference, flow: input.flow, region: input.region } : {}),
    result: result ? 'result.json' : `none: the run ended ${description.status.name} without a result`,
  };
}

/** The archive's manifest, or undefined when it does not read as one (the bundle still holds its bytes). */
function parseArchiveManifest(body: Buffer): JourneyManifest | undefined {
  try {
    const manifest = JSON.parse(body.toString('utf8')) as Partial<JourneyManifest>;
    return Array.isArray(manifest.entries) && Array.isArray(manifest.deletions)
      ? (manifest as JourneyManifest)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The objects a journey recorded: its result's media, and whatever its archive manifest lists besides. */
function recordedObjects(result: JourneyResult | undefined, manifest: JourneyManifest | undefined): RecordedObject[] {
  const byKey = new Map<string, RecordedObject>();
  for (const { key, kind, md5 } of result?.media ?? []) byKey.set(key, { key, kind, md5, folder: 'media' });
  for (const entry of manifest?.entries ?? []) {
    const known = byKey.get(entry.key);
    byKey.set(entry.key, {
      key: entry.key,
      kind: entry.kind,
      md5: known?.md5 ?? entry.md5,
      folder: 'media',
      ...(entry.deletedAt !== undefined ? { deletedAt: entry.deletedAt } : {}),
    });
  }
  return [...byKey.values()];
}

/** The images the caller stored for the journey (compare photo, document sides); retention deletes them too. */
function inputImages(input: JourneyInput | undefined, manifest: JourneyManifest | undefined): RecordedObject[] {
  if (!input) return [];
  const images: [string, { key: string } | undefined][] = [
    ['compare-image', 'compareImage' in input ? input.compareImage : undefined],
    ['document-front', input.document?.front],
    ['document-back', input.document?.back],
  ];
  return images.flatMap(([kind, image]) => {
    if (!image) return [];
    const deletion = manifest?.deletions.find((item) => item.key === image.key);
    return [
      { key: image.key, kind, folder: 'inputs' as const, ...(deletion ? { deletedAt: deletion.deletedAt } : {}) },
    ];
  });
}
