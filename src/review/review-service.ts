import type { Client } from '@temporalio/client';
import type { EkycClient } from '../client/ekyc-client';
import type { JourneyCase, JourneyStatus, ReviewInput } from '../workflows/types';
import type { AuditFailureReport, AuditLog } from './audit-log';
import { listReviewQueue, type ReviewQueueFilter, type ReviewQueuePage } from './review-queue';

/** What a {@link ReviewService} works with. */
export interface ReviewServiceDeps {
  /**
   * The journeys' client: claims, releases and decisions are updates of the journey itself, so they hold across
   * gateways; its task queue is the queue's.
   */
  journeys: Pick<EkycClient, 'claimReview' | 'releaseReview' | 'review' | 'reviewCase' | 'taskQueue'>;
  /** Temporal's client, whose visibility lists the queue. */
  client: Client;
  /** Where every claim, release and decision is recorded; absent where there is no shared store (tests). */
  audit?: AuditLog;
}

/**
 * Review, for the JSON API and the console alike: the queue, the case a reviewer sees, and claiming, releasing and
 * deciding a case, each step recorded in the audit log under the reviewer's id. A failed audit write of a step that
 * already happened goes to `onAuditError` (without one, the step rejects after it happened).
 */
export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  /** Journeys waiting for a reviewer, soonest deadline first, from visibility alone (no journey is queried). */
  queue(filter: ReviewQueueFilter = {}): Promise<ReviewQueuePage> {
    return listReviewQueue(this.deps.client, this.deps.journeys.taskQueue, filter);
  }

  /** The case a reviewer sees: status, the evidence the review decides on, and the timeline. */
  caseOf(journeyId: string): Promise<JourneyCase> {
    return this.deps.journeys.reviewCase(journeyId);
  }

  /** Takes a case in review (or renews the claim): others see it as taken and cannot decide it until it lapses. */
  claim(journeyId: string, reviewer: string, onAuditError?: AuditFailureReport): Promise<JourneyStatus> {
    return this.claimStep('review_claimed', journeyId, reviewer, onAuditError);
  }

  /** Gives a claimed case back to the queue. */
  release(journeyId: string, reviewer: string, onAuditError?: AuditFailureReport): Promise<JourneyStatus> {
    return this.claimStep('review_released', journeyId, reviewer, onAuditError);
  }

  private async claimStep(
    action: 'review_claimed' | 'review_released',
    journeyId: string,
    reviewer: string,
    onAuditError: AuditFailureReport | undefined,
  ): Promise<JourneyStatus> {
    const { journeys } = this.deps;
    const status =
      action === 'review_claimed'
        ? await journeys.claimReview(journeyId, { reviewer })
        : await journeys.releaseReview(journeyId, { reviewer });
    await this.deps.audit?.appendOrReport({ role: 'reviewer', actor: reviewer, action, journeyId }, onAuditError);
    return status;
  }

  /**
   * A reviewer's decision on a journey in review; refused as the journey refuses it (not in review, claimed by another
   * reviewer, a four-eyes rejection by the same reviewer). Under the four-eyes rule a first rejection is not the
   * decision yet: the answer has no decision, and the audit entry says `first_of_two`.
   */
  async decide(journeyId: string, review: ReviewInput, onAuditError?: AuditFailureReport): Promise<JourneyStatus> {
    const status = await this.deps.journeys.review(journeyId, review);
    const pending = status.review?.decision === undefined;
    const detail = {
      decision: review.decision,
      ...(review.reasonCode ? { reasonCode: review.reasonCode } : {}),
      ...(pending ? { step: 'first_of_two' } : {}),
    };
    await this.deps.audit?.appendOrReport(
      { role: 'reviewer', actor: review.reviewer, action: 'review_decided', journeyId, detail },
      onAuditError,
    );
    return status;
  }
}
