import type { Client } from '@temporalio/client';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, type AuditRecord } from '../../../src/review/audit-log';
import { ReviewService, type ReviewServiceDeps } from '../../../src/review/review-service';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import type { JourneyStatus } from '../../../src/workflows/types';

/** A journey's status as the updates answer it, with or without the review's decision. */
function statusWith(decision?: 'approved' | 'rejected'): JourneyStatus {
  return { stage: 'in_review', ...(decision ? { review: { decision } } : { review: {} }) } as unknown as JourneyStatus;
}

describe('ReviewService', () => {
  let dir: string;
  let audit: AuditLog;
  let journeys: ReviewServiceDeps['journeys'];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'review-service-'));
    audit = new AuditLog(new FilesystemStore(dir));
    journeys = {
      taskQueue: 'unused',
      claimReview: jest.fn(() => Promise.resolve(statusWith())),
      releaseReview: jest.fn(() => Promise.resolve(statusWith())),
      review: jest.fn(() => Promise.resolve(statusWith('approved'))),
      reviewCase: jest.fn(() => Promise.reject(new Error('not used'))),
    };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const service = () => new ReviewService({ journeys, client: {} as Client, audit });
  async function entries(): Promise<AuditRecord[]> {
    const lines: string[] = [];
    for await (const line of audit.exportLines(new Date(Date.now() - 60_000), new Date(Date.now() + 1000)))
      lines.push(line);
    return lines.map((line) => JSON.parse(line) as AuditRecord);
  }

  it('records each claim, release and decision under the reviewer, after the journey took it', async () => {
    await service().claim('ekyc:a', 'op-1');
    await service().release('ekyc:a', 'op-1');
    await service().decide('ekyc:a', { decision: 'approved', reviewer: 'op-2', reason: 'fine', reasonCode: 'glare' });
    expect(journeys.claimReview).toHaveBeenCalledWith('ekyc:a', { reviewer: 'op-1' });
    expect(journeys.releaseReview).toHaveBeenCalledWith('ekyc:a', { reviewer: 'op-1' });
    expect(
      (await entries()).map(({ actor, role, action, journeyId, detail }) => ({
        actor,
        role,
        action,
        journeyId,
        detail,
      })),
    ).toEqual([
      { actor: 'op-1', role: 'reviewer', action: 'review_claimed', journeyId: 'ekyc:a', detail: undefined },
      { actor: 'op-1', role: 'reviewer', action: 'review_released', journeyId: 'ekyc:a', detail: undefined },
      {
        actor: 'op-2',
        role: 'reviewer',
        action: 'review_decided',
        journeyId: 'ekyc:a',
        detail: { decision: 'approved', reasonCode: 'glare' },
      },
    ]);
  });

  it('marks a rejection the four-eyes rule has not decided yet as the first of two', async () => {
    journeys.review = jest.fn(() => Promise.resolve(statusWith()));
    await service().decide('ekyc:a', { decision: 'rejected', reviewer: 'op-1', reason: 'edited' });
    expect((await entries())[0]?.detail).toEqual({ decision: 'rejected', step: 'first_of_two' });
  });

  it('writes no entry for a step the journey refused', async () => {
    journeys.claimReview = jest.fn(() => Promise.reject(new Error('claimed by op-2')));
    await expect(service().claim('ekyc:a', 'op-1')).rejects.toThrow('claimed by op-2');
    expect(await entries()).toEqual([]);
  });

  it('reports a failed audit write of a step that happened, and still answers the step', async () => {
    const failing = new AuditLog({ putIfVersion: () => Promise.reject(new Error('store down')) } as never);
    const reported: unknown[] = [];
    const status = await new ReviewService({ journeys, client: {} as Client, audit: failing }).claim(
      'ekyc:a',
      'op-1',
      (error) => reported.push(error),
    );
    expect(status.stage).toBe('in_review');
    expect(reported).toEqual([new Error('store down')]);
  });
});
