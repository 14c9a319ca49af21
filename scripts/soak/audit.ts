import { createHash } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { readManifest } from '../../src/archive/manifest';
import type { ObjectStore } from '../../src/store/object-store';
import { IMAGE_VARIANTS, SyntheticAssets } from '../../src/emulator/media';
import type { ReceivedWebhook } from '../lib/webhook-receiver';
import type { Expected } from './faults';
import type { SoakJourney } from './journey';
import type { SoakStack } from './soak-stack';

/** One fault's line of the soak report. The first six counts must be 0; the last two are counted, not failed. */
export interface SoakRow {
  fault: string;
  what: string;
  /** What the fault did while the journeys ran (e.g. "20 kills"), or why it did not run. */
  did: string;
  /** How many times the fault acted; at least {@link repeat} times, or the row fails. */
  events: number;
  /** How many times the fault had to act: once per journey on the dev stack, `--repeat` on the cluster. */
  repeat: number;
  skipped?: boolean;
  journeys: number;
  /** Accepted journeys with no outcome anywhere (no webhook, and the workflow did not complete), or never accepted. */
  lost: number;
  /** Workflows still running at the deadline. */
  stuck: number;
  /** Journeys with more than one distinct `journey.completed` event. */
  endedTwice: number;
  wrongOutcome: number;
  /** Completed workflows whose `journey.completed` webhook never arrived. */
  webhooksMissing: number;
  /** Archived files whose bytes differ from their MD5 or from what FaceID served, and approved journeys missing media. */
  md5Mismatches: number;
  /** Deliveries of an event id already received (retried deliveries): counted, not failed. */
  duplicateDeliveries: number;
  /** Tokens issued beyond one per journey (a token call re-run after its completion was lost): counted, not failed. */
  reissuedTokens: number;
  /** A few of the journeys that counted against a loss column, with what was seen. */
  problems: string[];
}

/** The counts of a phase before anything was seen. */
export type SoakCounts = Omit<SoakRow, 'fault' | 'what' | 'did' | 'events' | 'repeat' | 'skipped'>;

/** Counts that are all 0, for `journeys` journeys. */
export function noCounts(journeys: number): SoakCounts {
  return {
    journeys,
    lost: 0,
    stuck: 0,
    endedTwice: 0,
    wrongOutcome: 0,
    webhooksMissing: 0,
    md5Mismatches: 0,
    duplicateDeliveries: 0,
    reissuedTokens: 0,
    problems: [],
  };
}

/** The loss columns: every one must be 0. */
export const LOSS_COLUMNS = [
  'lost',
  'stuck',
  'endedTwice',
  'wrongOutcome',
  'webhooksMissing',
  'md5Mismatches',
] as const;

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** The MD5 of every file the emulator can hand out: what an archived copy must equal, byte for byte. */
export function emulatorMediaMd5s(): ReadonlySet<string> {
  const assets = new SyntheticAssets();
  const all = [
    assets.video(),
    assets.actionVideo(),
    assets.inlineVideo(),
    assets.inlineActionVideo(),
    assets.liveData(),
  ];
  for (let v = 0; v < IMAGE_VARIANTS; v += 1) {
    all.push(
      assets.bestFrame(v),
      assets.bestFramePng(v),
      assets.profileImage(v),
      assets.cardImage(v),
      assets.cardCut(v),
    );
  }
  return new Set(all.map((asset) => asset.md5));
}

async function readAll(store: ObjectStore, key: string): Promise<Buffer | undefined> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch {
    return undefined;
  }
}

/** Files of an approved journey that are missing or differ from what FaceID served; a journey without its video counts. */
async function mediaMismatches(store: ObjectStore, journeyId: string, known: ReadonlySet<string>): Promise<string[]> {
  const manifest = await readManifest(store, journeyId);
  const entries = manifest?.entries.filter((entry) => !entry.deletedAt) ?? [];
  const problems: string[] = entries.some((entry) => entry.kind === 'video') ? [] : ['no archived video'];
  for (const entry of entries) {
    const bytes = await readAll(store, entry.key);
    if (!bytes) problems.push(`${entry.kind}: missing`);
    else if (md5(bytes) !== entry.md5 || bytes.length !== entry.size) problems.push(`${entry.kind}: bytes differ`);
    else if (!known.has(entry.md5)) problems.push(`${entry.kind}: not what FaceID served`);
  }
  return problems;
}

/** The workflow's status when no outcome webhook came: RUNNING, COMPLETED, FAILED, … or NOT_FOUND. */
async function workflowStatus(stack: SoakStack, journeyId: string): Promise<string> {
  try {
    return (await stack.client.workflow.getHandle(journeyId).describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw error;
  }
}

/**
 * Checks one phase's journeys against what the backend received, Temporal's view and the archive: the loss columns
 * of {@link SoakRow}, plus duplicate deliveries and re-issued tokens.
 */
export async function auditPhase(options: {
  stack: SoakStack;
  store: ObjectStore;
  journeys: SoakJourney[];
  deliveries: ReceivedWebhook[];
  expected: Expected;
  knownMd5s: ReadonlySet<string>;
  tokensIssued: number;
}): Promise<SoakCounts> {
  const { stack, journeys, expected } = options;
  const row = noCounts(journeys.length);
  const byJourney = new Map<string, ReceivedWebhook[]>();
  for (const delivery of options.deliveries) {
    const list = byJourney.get(delivery.event.journeyId) ?? [];
    list.push(delivery);
    byJourney.set(delivery.event.journeyId, list);
  }
  const problem = (who: string, text: string) => {
    if (row.problems.length < 8) row.problems.push(`${who}: ${text}`);
  };
  let accepted = 0;
  for (const journey of journeys) {
    if (!journey.journeyId) {
      row.lost += 1;
      problem(journey.reference, `never accepted (${journey.error ?? 'no answer'})`);
      continue;
    }
    accepted += 1;
    const id = journey.journeyId;
    const deliveries = byJourney.get(id) ?? [];
    const eventIds = new Set(deliveries.map((delivery) => delivery.event.id));
    row.duplicateDeliveries += deliveries.length - eventIds.size;
    const completed = [
      ...new Map(
        deliveries
          .filter((delivery) => delivery.event.type === 'journey.completed')
          .map((delivery) => [delivery.event.id, delivery.event]),
      ).values(),
    ];
    if (completed.length > 1) {
      row.endedTwice += 1;
      problem(id, `${completed.length} completion events`);
    }
    const first = completed[0];
    if (!first) {
      const status = await workflowStatus(stack, id);
      if (status === 'RUNNING') row.stuck += 1;
      else if (status === 'COMPLETED') row.webhooksMissing += 1;
      else row.lost += 1;
      problem(id, `no completion webhook; workflow ${status}${journey.error ? `; ${journey.error}` : ''}`);
      continue;
    }
    if (first.outcome !== expected.outcome || (expected.reason && !first.reasons.includes(expected.reason))) {
      row.wrongOutcome += 1;
      problem(id, `ended ${first.outcome ?? '?'} (${first.reasons.join(', ')})`);
    }
    if (first.outcome === 'approved') {
      const mismatches = await mediaMismatches(options.store, id, options.knownMd5s);
      row.md5Mismatches += mismatches.length;
      if (mismatches.length > 0) problem(id, mismatches.join('; '));
    }
  }
  row.reissuedTokens = Math.max(0, options.tokensIssued - accepted);
  return row;
}
