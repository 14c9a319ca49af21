import { WorkflowUpdateFailedError } from '@temporalio/client';
import { JourneyClosedError } from '../../src/client/errors';
import type { JourneyStatus } from '../../src/workflows/types';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { eventually } from '../support/eventually';
import { FAST_TIMERS, inputFor, waitForStage } from '../support/journeys';

let harness: JourneyHarness;
beforeAll(async () => {
  harness = await startJourneyHarness();
});
afterAll(() => harness?.close());

/** The `ApplicationFailure.type` behind a refused update. */
async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((error as WorkflowUpdateFailedError).cause as { type?: string } | undefined)?.type;
}

/** Waits until `check` finds something, as the shared `eventually` does. */
function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  return eventually(
    async () => {
      const value = await check();
      if (value === undefined) throw new Error('not yet');
      return value;
    },
    { what },
  );
}

/** An eKYC journey whose document warning sends it to review. */
async function journeyInReview(overrides: Record<string, unknown> = {}): Promise<string> {
  const reference = harness.reference('review');
  const input = await inputFor(harness, 'ekyc', reference);
  const started = await harness.ekyc.startJourney({ ...input, ...overrides });
  await harness.sandbox.complete(started.token, 'document_warning');
  await harness.ekyc.userFinished(started.journeyId);
  await waitForStage(harness, started.journeyId, 'in_review');
  return started.journeyId;
}

/** The journey's review attributes as the review queue reads them: from visibility, not from the workflow. */
async function queueEntry(journeyId: string, query: string) {
  for await (const execution of harness.client.workflow.list({ query: `WorkflowId = "${journeyId}" AND ${query}` })) {
    return execution.searchAttributes;
  }
  return undefined;
}

describe('review claims', () => {
  it('a claimed case is taken for everyone else until its reviewer releases it', async () => {
    const journeyId = await journeyInReview();
    const claimed: JourneyStatus = await harness.ekyc.claimReview(journeyId, { reviewer: 'op-a' });
    expect(claimed.review?.claimedBy).toBe('op-a');
    expect(Date.parse(claimed.review?.deadline ?? '')).toBeGreaterThan(Date.now());

    expect(await refusal(harness.ekyc.claimReview(journeyId, { reviewer: 'op-b' }))).toBe('JourneyReviewClaimed');
    const decision = { decision: 'approved', reviewer: 'op-b', reason: 'looks fine' } as const;
    expect(await refusal(harness.ekyc.review(journeyId, decision))).toBe('JourneyReviewClaimed');
    const listed = await until('the claim in visibility', () => queueEntry(journeyId, 'EkycReviewClaim = "op-a"'));
    expect(listed).toMatchObject({ EkycStage: ['in_review'], EkycReviewStep: ['first'] });
    expect((listed as Record<string, unknown[]>).EkycReviewDeadline?.[0]).toBeInstanceOf(Date);

    await harness.ekyc.releaseReview(journeyId, { reviewer: 'op-a' });
    await harness.ekyc.claimReview(journeyId, { reviewer: 'op-b' });
    await harness.ekyc.review(journeyId, { ...decision, reasonCode: 'document_readable' });
    expect(await harness.ekyc.result(journeyId)).toMatchObject({
      outcome: 'approved',
      reasons: ['document_warning', 'review_approved', 'document_readable'],
      review: { reviewer: 'op-b', decision: 'approved', reason: 'looks fine', reasonCode: 'document_readable' },
    });
  });

  it('a claim lapses on its own, and the case goes back to the queue', async () => {
    const journeyId = await journeyInReview({ timers: { ...FAST_TIMERS, reviewClaimMs: 3_000 } });
    await harness.ekyc.claimReview(journeyId, { reviewer: 'op-a' });
    // Visibility first shows the claim, then (once the journey's timer fired) its lapse.
    await until('the claim in visibility', () => queueEntry(journeyId, 'EkycReviewClaim = "op-a"'));
    await until('the claim to lapse in visibility', async () =>
      (await queueEntry(journeyId, 'EkycStage = "in_review" AND EkycReviewClaim IS NULL')) ? true : undefined,
    );
    expect((await harness.ekyc.status(journeyId)).review?.claimedBy).toBeUndefined();
    await harness.ekyc.review(journeyId, { decision: 'rejected', reviewer: 'op-b', reason: 'screen recapture' });
    expect(await harness.ekyc.result(journeyId)).toMatchObject({ outcome: 'rejected' });
  });

  it('two reviewers deciding at once: one decision, the other refused', async () => {
    const journeyId = await journeyInReview();
    const decide = (reviewer: string, decision: 'approved' | 'rejected') =>
      harness.ekyc.review(journeyId, { decision, reviewer, reason: `decided by ${reviewer}` }).then(
        () => 'decided',
        (error: unknown) =>
          error instanceof JourneyClosedError
            ? 'closed'
            : (((error as WorkflowUpdateFailedError).cause as { type?: string } | undefined)?.type ?? String(error)),
      );
    const answers = await Promise.all([decide('op-a', 'approved'), decide('op-b', 'rejected')]);
    expect(answers.filter((answer) => answer === 'decided')).toHaveLength(1);
    expect(answers.filter((answer) => answer !== 'decided')).toEqual([
      expect.stringMatching(/^(JourneyNotInReview|closed)$/),
    ]);
    const result = await harness.ekyc.result(journeyId);
    expect(result.review?.reviewer).toBe(answers[0] === 'decided' ? 'op-a' : 'op-b');
  });

  it('a decision after the deadline is refused: the journey ended with the policy default', async () => {
    const journeyId = await journeyInReview({ timers: { ...FAST_TIMERS, reviewDeadlineMs: 1_000 } });
    expect(await harness.ekyc.result(journeyId)).toMatchObject({ reasons: ['document_warning', 'review_timeout'] });
    await expect(
      harness.ekyc.review(journeyId, { decision: 'approved', reviewer: 'op-a', reason: 'too late' }),
    ).rejects.toBeInstanceOf(JourneyClosedError);
  });
});

describe('four-eyes rejection', () => {
  it('a rejection waits for a second, different reviewer, and both are on the result', async () => {
    const journeyId = await journeyInReview({ policy: { fourEyesRejection: true } });
    const first = { decision: 'rejected', reviewer: 'op-a', reason: 'edited photo', reasonCode: 'tampering' } as const;
    const afterFirst = await harness.ekyc.review(journeyId, first);
    expect(afterFirst).toMatchObject({
      stage: 'in_review',
      review: { firstRejection: { reviewer: 'op-a', reasonCode: 'tampering' } },
    });
    await until('the second step in visibility', () => queueEntry(journeyId, 'EkycReviewStep = "second"'));
    expect(await refusal(harness.ekyc.review(journeyId, first))).toBe('JourneySecondReviewerNeeded');

    await harness.ekyc.review(journeyId, { decision: 'rejected', reviewer: 'op-b', reason: 'agree: edited' });
    expect(await harness.ekyc.result(journeyId)).toMatchObject({
      outcome: 'rejected',
      reasons: ['document_warning', 'review_rejected'],
      review: {
        reviewer: 'op-b',
        firstRejection: { reviewer: 'op-a', reason: 'edited photo', reasonCode: 'tampering' },
      },
    });
  });

  it('an approval needs one reviewer only', async () => {
    const journeyId = await journeyInReview({ policy: { fourEyesRejection: true } });
    await harness.ekyc.review(journeyId, { decision: 'approved', reviewer: 'op-a', reason: 'fine' });
    expect(await harness.ekyc.result(journeyId)).toMatchObject({ outcome: 'approved' });
  });
});

describe('the case a reviewer sees', () => {
  it('holds the evidence the review decides on, the first reviewer note, and the timeline in order', async () => {
    const journeyId = await journeyInReview({ policy: { fourEyesRejection: true } });
    const waiting = await harness.ekyc.reviewCase(journeyId);
    expect(waiting.status).toMatchObject({ stage: 'in_review', reasons: ['document_warning'] });
    expect(waiting.evidence).toMatchObject({
      liveness: { passed: true },
      compare: { passed: true },
      document: { status: 'WARNING', source: 'ekyc-sdk' },
    });
    const kinds = waiting.evidence?.media.map((ref) => ref.kind) ?? [];
    expect(kinds).toEqual(expect.arrayContaining(['best-frame', 'card-image', 'ocr-json']));
    // Every listed object is in the archive, under the journey's own folder.
    for (const ref of waiting.evidence?.media ?? []) {
      expect(ref.key.startsWith(`journeys/${journeyId}/`)).toBe(true);
      expect(await harness.archive.head(ref.key)).toMatchObject({ md5: ref.md5, size: ref.size });
    }

    await harness.ekyc.claimReview(journeyId, { reviewer: 'op-a' });
    await harness.ekyc.review(journeyId, { decision: 'rejected', reviewer: 'op-a', reason: 'edited photo' });
    const second = await harness.ekyc.reviewCase(journeyId);
    expect(second.firstRejectionNote).toBe('edited photo');
    await harness.ekyc.review(journeyId, { decision: 'approved', reviewer: 'op-b', reason: 'glare, not edits' });
    await harness.ekyc.result(journeyId);

    const ended = await harness.ekyc.reviewCase(journeyId);
    expect(ended.timeline.map((entry) => entry.event)).toEqual([
      'started',
      'token_issued',
      'user_finished',
      'result_in_hand',
      'in_review',
      'review_claimed',
      'first_rejection',
      'review_decided',
      'completed',
    ]);
    expect(ended.timeline.find((entry) => entry.event === 'review_decided')?.detail).toBe('approved by op-b');
    const times = ended.timeline.map((entry) => Date.parse(entry.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(ended.timelineOmitted).toBe(0);
  });
});
