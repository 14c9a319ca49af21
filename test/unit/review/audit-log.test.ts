import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { AuditLog, type AuditRecord } from '../../../src/review/audit-log';

describe('AuditLog', () => {
  let dir: string;
  let store: FilesystemStore;
  let clock: Date;
  let log: AuditLog;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-'));
    store = new FilesystemStore(dir);
    clock = new Date('2026-11-30T23:59:59.500Z');
    log = new AuditLog(store, () => clock);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function exported(from: string, to: string): Promise<AuditRecord[]> {
    const lines: string[] = [];
    for await (const line of log.exportLines(new Date(from), new Date(to))) lines.push(line);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    return lines.map((line) => JSON.parse(line) as AuditRecord);
  }

  it('keeps every entry, across days and within one millisecond, and exports them oldest first', async () => {
    await log.append({ actor: 'op-1', role: 'reviewer', action: 'case_viewed', journeyId: 'ekyc:a' });
    clock = new Date('2026-12-01T00:00:00.100Z');
    await log.append({ actor: 'op-1', role: 'reviewer', action: 'review_claimed', journeyId: 'ekyc:a' });
    await log.append({
      actor: 'op-1',
      role: 'reviewer',
      action: 'review_decided',
      journeyId: 'ekyc:a',
      detail: { decision: 'approved', reasonCode: 'document_readable' },
    });
    const all = await exported('2026-11-30T00:00:00Z', '2026-12-02T00:00:00Z');
    expect(all.map((entry) => entry.action)).toEqual(['case_viewed', 'review_claimed', 'review_decided']);
    expect(all[2]).toMatchObject({ at: '2026-12-01T00:00:00.100Z', detail: { decision: 'approved' } });
    expect(new Set(all.map((entry) => entry.id)).size).toBe(3);
  });

  it('exports only the period asked for', async () => {
    await log.append({ actor: 'op-1', role: 'reviewer', action: 'case_viewed' });
    clock = new Date('2026-12-01T10:00:00Z');
    await log.append({ actor: 'aud-1', role: 'auditor', action: 'audit_exported' });
    expect((await exported('2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z')).map((entry) => entry.actor)).toEqual([
      'aud-1',
    ]);
    expect(await exported('2026-11-01T00:00:00Z', '2026-11-30T00:00:00Z')).toEqual([]);
  });

  it("collects one journey's entries from whole days, its start's to its close's, and nothing of other journeys", async () => {
    // The clock starts 2026-11-30 23:59:59.5: the first entry is on the start's day, before the journey started.
    await log.append({ actor: 'op-1', role: 'reviewer', action: 'case_viewed', journeyId: 'ekyc:a' });
    await log.append({ actor: 'op-1', role: 'reviewer', action: 'case_viewed', journeyId: 'ekyc:b' });
    clock = new Date('2026-12-02T09:00:00Z');
    await log.append({ actor: 'op-2', role: 'reviewer', action: 'review_decided', journeyId: 'ekyc:a' });
    await log.append({ actor: 'op-2', role: 'reviewer', action: 'audit_exported' });
    clock = new Date('2026-12-03T00:00:01Z');
    await log.append({ actor: 'aud-1', role: 'auditor', action: 'case_viewed', journeyId: 'ekyc:a' });

    const entries = await log.entriesOfJourney(
      'ekyc:a',
      new Date('2026-11-30T23:59:59.900Z'),
      new Date('2026-12-02T10:00:00Z'),
    );
    expect(entries.map((entry) => `${entry.actor} ${entry.action}`)).toEqual([
      'op-1 case_viewed',
      'op-2 review_decided',
    ]);
    expect(
      await log.entriesOfJourney('ekyc:c', new Date('2026-11-30T00:00:00Z'), new Date('2026-12-04T00:00:00Z')),
    ).toEqual([]);
  });

  it('removes a day once the retention has passed since it ended, and nothing outside the log', async () => {
    await store.put('journeys/x/video.mp4', Buffer.from('v'), { contentType: 'video/mp4' });
    await log.append({ actor: 'op-1', role: 'reviewer', action: 'case_viewed' });
    clock = new Date('2026-12-01T10:00:00Z');
    await log.append({ actor: 'op-1', role: 'reviewer', action: 'case_viewed' });
    // Ten days' retention: on 2026-12-10 both days are still kept, on 2026-12-11 the first goes, on 2026-12-12 both.
    expect(await log.removeExpired(10, Date.parse('2026-12-10T23:00:00Z'))).toBe(0);
    expect(await log.removeExpired(10, Date.parse('2026-12-11T01:00:00Z'))).toBe(1);
    expect(await exported('2026-11-01T00:00:00Z', '2026-12-31T00:00:00Z')).toHaveLength(1);
    expect(await log.removeExpired(10, Date.parse('2026-12-12T01:00:00Z'))).toBe(1);
    expect(await store.head('journeys/x/video.mp4')).toBeDefined();
  });
});
