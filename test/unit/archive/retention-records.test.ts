import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createRetentionActivities } from '../../../src/activities/retention-activities';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { inputKey, manifestKey, mediaKey } from '../../../src/archive/keys';
import { readManifest, recordArchived } from '../../../src/archive/manifest';
import { purgeJourneyMedia } from '../../../src/archive/retention';
import {
  dueKey,
  forgetRetention,
  listDue,
  MediaDeletedError,
  purgeDue,
  purgingKey,
  readHoldHistory,
  readRetentionRecord,
  recordRetention,
  retentionStatus,
  writeLegalHold,
} from '../../../src/archive/retention-records';
import type { DueRetention, SweepTotals } from '../../../src/workflows/retention-types';

const DAY_MS = 24 * 3600 * 1000;
const NOW = Date.parse('2030-03-10T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const HOLD = { hold: true, operator: 'op-1', reason: 'dispute' };

describe('retention records and the sweep', () => {
  let root: string;
  let store: FilesystemStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ekyc-retention-'));
    store = new FilesystemStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** A journey with two archived media files (and a manifest listing them) and, optionally, an input image. */
  async function journeyWithMedia(name: string, withInput = false): Promise<{ journeyId: string; keys: string[] }> {
    const journeyId = `ekyc:${name}`;
    const keys: string[] = [];
    for (const kind of ['video', 'best-frame'] as const) {
      const bytes = Buffer.from(`${name}-${kind}`);
      const md5 = createHash('md5').update(bytes).digest('hex');
      const contentType = kind === 'video' ? 'video/mp4' : 'image/jpeg';
      const key = mediaKey(journeyId, kind, md5, contentType);
      await store.put(key, bytes, { contentType, md5, size: bytes.length });
      await recordArchived(store, journeyId, [{ key, kind, md5, size: bytes.length, contentType }]);
      keys.push(key);
    }
    if (withInput) {
      const bytes = Buffer.from(`${name}-compare`);
      const md5 = createHash('md5').update(bytes).digest('hex');
      const key = inputKey(name, 'compare', md5, 'image/jpeg');
      await store.put(key, bytes, { contentType: 'image/jpeg' });
      keys.push(key);
    }
    return { journeyId, keys };
  }

  async function file(journeyId: string, keys: string[], deleteAfterMs: number): Promise<void> {
    const inputKeys = keys.filter((key) => key.startsWith('inputs/'));
    await recordRetention(store, { journeyId, deleteAfter: iso(deleteAfterMs), inputKeys });
  }

  /** The sweep workflow's loop, run through the activities as the worker runs them. */
  async function sweep(options: { batchSize?: number; nowMs?: number } = {}): Promise<SweepTotals> {
    const totals: SweepTotals = { purged: 0, objects: 0, held: 0, gone: 0, moved: 0, notDue: 0 };
    for (let batch = 0; batch < 20; batch += 1) {
      const due = await listDue(store, { limit: options.batchSize ?? 100, lookbackDays: 60, nowMs: options.nowMs });
      if (due.length === 0) return totals;
      for (const entry of due) {
        const { outcome, deleted } = await purgeDue(store, entry, { nowMs: options.nowMs });
        if (outcome === 'deleted') totals.purged += 1;
        else if (outcome === 'not_due') totals.notDue += 1;
        else totals[outcome] += 1;
        totals.objects += deleted;
      }
    }
    throw new Error('the sweep did not finish in 20 batches');
  }

  const present = async (keys: string[]) =>
    (await Promise.all(keys.map((key) => store.head(key)))).map((stored) => stored !== undefined);

  it('files nothing for a journey that stored nothing, and files a record and its due pointer otherwise', async () => {
    expect(
      await recordRetention(store, {
        journeyId: 'ekyc:nothing',
        deleteAfter: iso(NOW),
        inputKeys: ['inputs/nothing/compare-0.jpg'],
      }),
    ).toEqual({ recorded: false });
    expect(await store.list('retention/')).toEqual([]);

    const { journeyId, keys } = await journeyWithMedia('filed', true);
    await file(journeyId, keys, NOW + DAY_MS);
    await file(journeyId, keys, NOW + DAY_MS);
    expect(await store.list('retention/')).toEqual([
      dueKey(journeyId, iso(NOW + DAY_MS)),
      `retention/journeys/${journeyId}.json`,
    ]);
    expect(await readRetentionRecord(store, journeyId)).toMatchObject({
      journeyId,
      deleteAfter: iso(NOW + DAY_MS),
      inputKeys: [keys[2]],
    });
  });

  it('deletes due, unheld media; keeps held media, media not due yet, and journeys without a record', async () => {
    const due = await journeyWithMedia('due', true);
    const held = await journeyWithMedia('held');
    const later = await journeyWithMedia('later');
    const laterToday = await journeyWithMedia('later-today');
    const open = await journeyWithMedia('still-running', true);
    await file(due.journeyId, due.keys, NOW - 2 * DAY_MS);
    await file(held.journeyId, held.keys, NOW - DAY_MS);
    await file(later.journeyId, later.keys, NOW + 3 * DAY_MS);
    await file(laterToday.journeyId, laterToday.keys, NOW + 3600_000);
    await writeLegalHold(store, held.journeyId, HOLD, { nowMs: NOW });

    expect(await sweep({ nowMs: NOW })).toEqual({ purged: 1, objects: 3, held: 1, gone: 0, moved: 0, notDue: 0 });

    expect(await present(due.keys)).toEqual([false, false, false]);
    expect(await present(held.keys)).toEqual([true, true]);
    expect(await present(later.keys)).toEqual([true, true]);
    expect(await present(laterToday.keys)).toEqual([true, true]);
    expect(await present(open.keys)).toEqual([true, true, true]);
    expect(await store.head(manifestKey(due.journeyId))).toBeDefined();
    expect((await readManifest(store, due.journeyId))?.deletions.map((d) => d.key).sort()).toEqual(
      [...due.keys].sort(),
    );
    expect(await retentionStatus(store, due.journeyId)).toMatchObject({ deleted: 3, legalHold: false });
    expect(await retentionStatus(store, held.journeyId)).toMatchObject({
      legalHold: true,
      hold: { operator: 'op-1', reason: 'dispute' },
    });
    // Only the pointers of what is not due yet are left; the held journey's went with the hold.
    expect(await store.list('retention/due/')).toEqual([
      dueKey(laterToday.journeyId, iso(NOW + 3600_000)),
      dueKey(later.journeyId, iso(NOW + 3 * DAY_MS)),
    ]);

    // Releasing the hold files the journey again under today; the next sweep deletes it.
    await writeLegalHold(store, held.journeyId, { ...HOLD, hold: false }, { nowMs: NOW });
    expect(await sweep({ nowMs: NOW })).toMatchObject({ purged: 1, objects: 2, held: 0 });
    expect(await present(held.keys)).toEqual([false, false]);
    expect(await present(later.keys)).toEqual([true, true]);
  });

  it('finishes a sweep that crashed mid-batch, and never deletes what was held meanwhile', async () => {
    const journeys = await Promise.all(['c1', 'c2', 'c3', 'c4'].map((name) => journeyWithMedia(name, true)));
    for (const journey of journeys) await file(journey.journeyId, journey.keys, NOW - DAY_MS);
    type Journey = (typeof journeys)[number];
    const [first, second, third, fourth] = journeys as [Journey, Journey, Journey, Journey];
    // The crash: the first two were purged (objects gone, manifest written) but their records and pointers were not
    // updated; the third had its purge marker written and nothing else; then an operator held the fourth.
    for (const journey of [first, second]) {
      await purgeJourneyMedia(store, journey.journeyId, { inputKeys: [journey.keys[2] as string] });
    }
    await store.put(purgingKey(third.journeyId), Buffer.from('{}'), { contentType: 'application/json' });
    await writeLegalHold(store, fourth.journeyId, HOLD, { nowMs: NOW });

    expect(await sweep({ nowMs: NOW, batchSize: 2 })).toEqual({
      purged: 3,
      objects: 3,
      held: 1,
      gone: 0,
      moved: 0,
      notDue: 0,
    });
    for (const journey of [first, second, third]) {
      expect(await present(journey.keys)).toEqual([false, false, false]);
      expect((await retentionStatus(store, journey.journeyId)).deletedAt).toBeDefined();
      expect(await store.head(purgingKey(journey.journeyId))).toBeUndefined();
    }
    expect(await present(fourth.keys)).toEqual([true, true, true]);
    expect(await store.list('retention/due/')).toEqual([]);
    expect(await store.list('retention/purging/')).toEqual([]);
    // A second run finds nothing to do.
    expect(await sweep({ nowMs: NOW })).toEqual({ purged: 0, objects: 0, held: 0, gone: 0, moved: 0, notDue: 0 });
  });

  it('refuses a hold once the purge has begun or finished, and keeps the hold it wrote', async () => {
    const { journeyId, keys } = await journeyWithMedia('late-hold');
    await file(journeyId, keys, NOW - DAY_MS);
    await store.put(purgingKey(journeyId), Buffer.from('{}'), { contentType: 'application/json' });
    await expect(writeLegalHold(store, journeyId, HOLD, { nowMs: NOW })).rejects.toBeInstanceOf(MediaDeletedError);
    // The sweep that wrote the marker re-reads the hold and skips: whichever way the race went, nothing held is lost.
    const [entry] = await listDue(store, { limit: 10, lookbackDays: 60, nowMs: NOW });
    expect(await purgeDue(store, entry as { journeyId: string; dueKey: string }, { nowMs: NOW })).toEqual({
      outcome: 'held',
      deleted: 0,
    });
    expect(await present(keys)).toEqual([true, true]);

    await writeLegalHold(store, journeyId, { ...HOLD, hold: false }, { nowMs: NOW });
    await sweep({ nowMs: NOW });
    await expect(writeLegalHold(store, journeyId, HOLD, { nowMs: NOW })).rejects.toBeInstanceOf(MediaDeletedError);
  });

  it('keeps every hold set and released in the hold history, until erasure forgets the retention', async () => {
    const { journeyId, keys } = await journeyWithMedia('hold-history');
    await file(journeyId, keys, NOW + DAY_MS);
    await writeLegalHold(store, journeyId, HOLD, { nowMs: NOW });
    await writeLegalHold(store, journeyId, { hold: false, operator: 'op-2', reason: 'settled' }, { nowMs: NOW + 1000 });
    expect((await retentionStatus(store, journeyId)).legalHold).toBe(false);
    expect(await readHoldHistory(store, journeyId)).toEqual([
      { action: 'set', operator: 'op-1', reason: 'dispute', at: iso(NOW) },
      { action: 'released', operator: 'op-2', reason: 'settled', at: iso(NOW + 1000) },
    ]);
    expect(await forgetRetention(store, journeyId)).toContain(`retention/hold-history/${journeyId}.json`);
    expect(await readHoldHistory(store, journeyId)).toEqual([]);
  });

  it('the purge activity reports per-outcome totals and heartbeats after each journey', async () => {
    const a = await journeyWithMedia('act-a');
    const b = await journeyWithMedia('act-b');
    await file(a.journeyId, a.keys, Date.now() - DAY_MS);
    await file(b.journeyId, b.keys, Date.now() - DAY_MS);
    await writeLegalHold(store, b.journeyId, HOLD);
    const activities = createRetentionActivities({ archive: store });
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    const entries: DueRetention[] = await env.run(activities.listDueRetention, { limit: 10, lookbackDays: 60 });
    expect(entries.map((entry) => entry.journeyId).sort()).toEqual([a.journeyId, b.journeyId]);
    expect(await env.run(activities.purgeDueRetention, { entries })).toEqual({
      purged: 1,
      objects: 2,
      held: 1,
      gone: 0,
      moved: 0,
      notDue: 0,
    });
    expect(beats).toEqual([
      { done: 1, of: 2 },
      { done: 2, of: 2 },
    ]);
  });
});
