import { ApplicationFailure, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { isAllowedTransition } from './journey-stages';
import { recordJourneyCompleted, recordJourneyStarted, recordStageDuration } from './journey-metrics';
import {
  ekycFlowKey,
  ekycOutcomeKey,
  ekycReasonKey,
  ekycRegionKey,
  ekycReviewClaimKey,
  ekycReviewDeadlineKey,
  ekycReviewStepKey,
  ekycStageKey,
} from './search-attributes';
import type {
  CaseEvidence,
  IssuedToken,
  JourneyCase,
  JourneyInput,
  JourneyStatus,
  Outcome,
  ReviewInput,
  ReviewStatus,
  Stage,
  TimelineEntry,
  TokenGrant,
} from './types';

/** Enough for any journey's timeline; past it (a case claimed and released all day) entries are only counted. */
const TIMELINE_CAP = 200;

/** A reviewer's hold on a case in review, until a point in workflow time. */
interface ReviewClaim {
  reviewer: string;
  untilMs: number;
}

/**
 * The journey's state: read by anyone, changed only through the named transitions below (the stage itself only along
 * `STAGE_TRANSITIONS`). It answers the `status` query and mirrors itself into search attributes.
 */
export class JourneyState {
  private currentStage: Stage = 'issuing_token';
  private issuedToken: IssuedToken | undefined;
  private issuedAtMs = 0;
  private generation = 0;
  private renewalsUsed = 0;
  private renewalRunning = false;
  /** True until a finished result is in hand: signals and renewals only count while it holds. */
  private userAwaited = true;
  private userSaidFinished = false;
  private userGaveUp = false;
  private pulls = 0;
  private lastPullAtMs = 0;
  private endedWith: Outcome | undefined;
  private reasonCodes: string[] = [];
  private reviewed: ReviewInput | undefined;
  /** Set when the journey enters review: the review's attributes are only mirrored for journeys that set it. */
  private reviewDeadlineAtMs: number | undefined;
  private reviewClaim: ReviewClaim | undefined;
  private firstRejectionGiven: ReviewInput | undefined;
  /** Grows with every claim change: the review wait wakes on it to follow the claim's lapse. */
  private claimChanges = 0;
  /** When the current stage began (workflow time), for the stage duration metric. */
  private stageEnteredAtMs = Date.now();
  /** What search attributes already say: those the starter set count as synced, saving an upsert event. */
  private synced: Record<string, string>;
  /** A stage entered `when_waiting` that search attributes do not show yet. */
  private stageUnpublished = false;
  /** The case view's: in workflow time, so replay rebuilds it exactly. */
  private readonly timeline: TimelineEntry[] = [];
  private timelineOmitted = 0;
  private evidence: CaseEvidence | undefined;

  constructor(
    private readonly input: JourneyInput,
    private readonly maxRenewals: number,
  ) {
    this.synced = Object.fromEntries(
      workflowInfo()
        .typedSearchAttributes.getAll()
        .filter((pair) => typeof pair.value === 'string')
        .map((pair) => [pair.key.name, pair.value]),
    );
    recordJourneyStarted(input.flow);
    this.happened('started', input.flow);
  }

  // ---- what the journey knows -----------------------------------------------------------------------------------
  get stage(): Stage {
    return this.currentStage;
  }
  get token(): IssuedToken | undefined {
    return this.issuedToken;
  }
  /** When the newest token was issued (workflow time): the start and result windows count from it. */
  get tokenIssuedAtMs(): number {
    return this.issuedAtMs;
  }
  /** Grows with every token: a wait that sees it change knows a renewal happened. */
  get tokenGeneration(): number {
    return this.generation;
  }
  get renewalsLeft(): number {
    return Math.max(this.maxRenewals - this.renewalsUsed, 0);
  }
  get renewing(): boolean {
    return this.renewalRunning;
  }
  get awaitingUser(): boolean {
    return this.userAwaited;
  }
  get finishedHint(): boolean {
    return this.userSaidFinished;
  }
  get cancelled(): boolean {
    return this.userGaveUp;
  }
  /** How many result pulls began: only a journey that pulled can have stored media or claims. */
  get fetchAttempts(): number {
    return this.pulls;
  }
  /** When the last pull answered (workflow time): its media URLs live from then. */
  get lastFetchAtMs(): number {
    return this.lastPullAtMs;
  }
  get outcome(): Outcome | undefined {
    return this.endedWith;
  }
  get reasons(): string[] {
    return this.reasonCodes;
  }
  get review(): ReviewInput | undefined {
    return this.reviewed;
  }
  /** Who holds the case in review, while the claim has not lapsed. */
  get claimant(): string | undefined {
    return this.reviewClaim && this.reviewClaim.untilMs > Date.now() ? this.reviewClaim.reviewer : undefined;
  }
  get claimUntilMs(): number | undefined {
    return this.reviewClaim?.untilMs;
  }
  get claimVersion(): number {
    return this.claimChanges;
  }
  /** Four-eyes: the first reviewer's rejection, waiting for a second reviewer. */
  get firstRejection(): ReviewInput | undefined {
    return this.firstRejectionGiven;
  }

  /** The token the result must be pulled with. */
  currentToken(): string {
    if (!this.issuedToken) throw ApplicationFailure.nonRetryable('no token issued yet', 'JourneyTokenUnavailable');
    return this.issuedToken.token;
  }

  // ---- transitions ----------------------------------------------------------------------------------------------
  /** A freshly issued token; its start window closes at `expiresAtMs`. */
  tokenIssued(grant: TokenGrant, expiresAtMs: number): IssuedToken {
    this.issuedToken = {
      token: grant.token,
      ...(grant.verificationUrl ? { verificationUrl: grant.verificationUrl } : {}),
      expiresAt: new Date(expiresAtMs).toISOString(),
    };
    this.issuedAtMs = Date.now();
    this.generation += 1;
    this.happened(this.generation === 1 ? 'token_issued' : 'token_renewed');
    return this.issuedToken;
  }

  /** The client app says the user finished: a hint, taken only while the journey waits for the user. */
  userFinished(): boolean {
    if (this.userAwaited && !this.userSaidFinished) this.happened('user_finished');
    if (this.userAwaited) this.userSaidFinished = true;
    return this.userAwaited;
  }

  /** The client app says the user gave up: taken only while the journey waits for the user. */
  userCancelled(): boolean {
    if (this.userAwaited && !this.userGaveUp) this.happened('user_cancelled');
    if (this.userAwaited) this.userGaveUp = true;
    return this.userAwaited;
  }

  /** A renewal begins (its validator has checked that one is allowed) and uses up one of the renewals. */
  renewalStarted(): void {
    this.renewalRunning = true;
    this.renewalsUsed += 1;
  }

  renewalEnded(): void {
    this.renewalRunning = false;
  }

  /** A result pull begins. */
  pullStarted(): void {
    this.pulls += 1;
  }

  /** A result pull answered: the media URLs it lists live from now. */
  pullAnswered(): void {
    this.lastPullAtMs = Date.now();
  }

  /** A finished result is in hand: from now on the user's signals and renewals no longer count. */
  resultInHand(): void {
    this.userAwaited = false;
    this.happened('result_in_hand', `${this.pulls} pull${this.pulls === 1 ? '' : 's'}`);
  }

  /**
   * The policy could not decide: the journey waits for a reviewer, with the policy's reasons, until the deadline. The
   * review's state (deadline, claim, four-eyes step) is mirrored into search attributes for the review queue.
   */
  reviewRequired(reasons: string[], evidence: CaseEvidence, deadlineAtMs: number): void {
    this.reasonCodes = reasons;
    this.evidence = evidence;
    this.reviewDeadlineAtMs = deadlineAtMs;
    this.happened('in_review', reasons.join(', '));
    this.enterStage('in_review', `waiting for a reviewer: ${reasons.join(', ')}`);
  }

  /** A reviewer takes the case, or renews their claim (the validator has checked nobody else holds it). */
  reviewClaimed(reviewer: string, untilMs: number): void {
    if (this.reviewClaim?.reviewer !== reviewer) this.happened('review_claimed', reviewer);
    this.reviewClaim = { reviewer, untilMs };
    this.claimChanged(`claimed by ${reviewer}`);
  }

  /** The case goes back to the queue: released by its reviewer, lapsed, or decided. */
  reviewReleased(why: string): void {
    if (!this.reviewClaim) return;
    this.reviewClaim = undefined;
    this.happened('review_released', why);
    this.claimChanged(why);
  }

  /**
   * A reviewer's decision (its validator has checked that the journey waits for one). Under the four-eyes rule a first
   * rejection only waits for a second reviewer: `final` says whether the review is over.
   */
  reviewDecided(review: ReviewInput, fourEyesRejection: boolean): { final: boolean } {
    this.reviewClaim = undefined;
    const decided = `${review.decision} by ${review.reviewer}${review.reasonCode ? ` (${review.reasonCode})` : ''}`;
    if (fourEyesRejection && review.decision === 'rejected' && !this.firstRejectionGiven) {
      this.firstRejectionGiven = review;
      this.happened('first_rejection', decided);
      this.claimChanged(`rejected by ${review.reviewer}; waiting for a second reviewer`);
      return { final: false };
    }
    this.reviewed = review;
    this.happened('review_decided', decided);
    return { final: true };
  }

  private claimChanged(details: string): void {
    this.claimChanges += 1;
    setCurrentDetails(`in review: ${details}`);
    this.syncSearchAttributes();
  }

  /**
   * Moves to a stage, shows `details` in the UI, and mirrors the stage into search attributes: at once (`sync`, the
   * default), not at all (`false`: the stage spans no wait), or `when_waiting`: only once the journey is about to wait
   * beyond this workflow task (`publishStage`), so a stage that begins and ends inside one task costs no upsert.
   */
  enterStage(stage: Stage, details: string, options: { sync?: boolean | 'when_waiting' } = {}): void {
    if (!isAllowedTransition(this.currentStage, stage)) {
      // A bug, not a business failure: failing the workflow task keeps the journey until a fixed worker replays it.
      throw new Error(`journey stage cannot move from ${this.currentStage} to ${stage}`);
    }
    if (stage !== this.currentStage) {
      recordStageDuration(this.input.flow, this.currentStage, Date.now() - this.stageEnteredAtMs);
      this.stageEnteredAtMs = Date.now();
    }
    this.currentStage = stage;
    setCurrentDetails(details);
    const sync = options.sync ?? true;
    if (sync === 'when_waiting') this.stageUnpublished = true;
    else if (sync) this.syncSearchAttributes();
  }

  /**
   * Shows a stage entered `when_waiting` in search attributes: called before a wait that may outlast the workflow task
   * (a queued activity, a timer), so a journey held up in a stage can be found by it.
   */
  publishStage(): void {
    if (this.stageUnpublished) this.syncSearchAttributes();
  }

  /** Sets the terminal outcome and moves to `notifying`; a second call is a bug: an outcome never regresses. */
  complete(outcome: Outcome, reasons: string[]): void {
    if (this.endedWith) {
      throw ApplicationFailure.nonRetryable(`outcome already ${this.endedWith}`, 'JourneyOutcomeAlreadySet');
    }
    this.endedWith = outcome;
    this.reasonCodes = reasons;
    this.happened('completed', `${outcome}: ${reasons.join(', ')}`);
    this.userAwaited = false;
    recordJourneyCompleted(this.input.flow, outcome);
    // The stage, outcome and reason reach search attributes together when the journey enters `completed`.
    this.enterStage('notifying', `${outcome} (${reasons.join(', ')}); notifying the backend`, { sync: false });
  }

  /** Upserts only what changed since the last sync, so history carries one event per real change. */
  private syncSearchAttributes(): void {
    const reason = this.reasonCodes[0];
    const wanted: SearchAttributeUpdatePair[] = [
      { key: ekycStageKey, value: this.currentStage },
      { key: ekycFlowKey, value: this.input.flow },
      { key: ekycRegionKey, value: this.input.region },
      ...(this.endedWith ? [{ key: ekycOutcomeKey, value: this.endedWith }] : []),
      ...(reason ? [{ key: ekycReasonKey, value: reason }] : []),
      ...this.reviewAttributes(),
    ];
    this.stageUnpublished = false;
    const updates = wanted.filter((pair) => syncedForm(pair.value) !== this.synced[pair.key.name]);
    if (updates.length === 0) return;
    upsertSearchAttributes(updates);
    for (const pair of updates) {
      const value = syncedForm(pair.value);
      if (value === undefined) delete this.synced[pair.key.name];
      else this.synced[pair.key.name] = value;
    }
  }

  /** The review queue's attributes, for a journey that entered review with a deadline. */
  private reviewAttributes(): SearchAttributeUpdatePair[] {
    if (this.reviewDeadlineAtMs === undefined) return [];
    return [
      { key: ekycReviewDeadlineKey, value: new Date(this.reviewDeadlineAtMs) },
      { key: ekycReviewClaimKey, value: this.reviewClaim?.reviewer ?? null },
      { key: ekycReviewStepKey, value: this.firstRejectionGiven ? 'second' : 'first' },
    ];
  }

  /** The `status` query's answer: ids and enums only. */
  status(): JourneyStatus {
    return {
      reference: this.input.reference,
      flow: this.input.flow,
      region: this.input.region,
      stage: this.currentStage,
      ...(this.issuedToken ? { tokenExpiresAt: this.issuedToken.expiresAt } : {}),
      renewalsLeft: this.renewalsLeft,
      fetchAttempts: this.pulls,
      ...(this.endedWith ? { outcome: this.endedWith } : {}),
      reasons: this.reasonCodes,
      ...(this.reviewed || this.reviewDeadlineAtMs !== undefined ? { review: this.reviewStatus() } : {}),
    };
  }

  /** The `reviewCase` query's answer: status, evidence and timeline. */
  caseFile(): JourneyCase {
    const first = this.firstRejectionGiven;
    return {
      status: this.status(),
      ...(this.evidence ? { evidence: this.evidence } : {}),
      ...(first ? { firstRejectionNote: first.reason } : {}),
      timeline: this.timeline,
      timelineOmitted: this.timelineOmitted,
    };
  }

  private happened(event: TimelineEntry['event'], detail?: string): void {
    if (this.timeline.length >= TIMELINE_CAP) {
      this.timelineOmitted += 1;
      return;
    }
    this.timeline.push({ at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
  }

  private reviewStatus(): ReviewStatus {
    const claim = this.reviewClaim && this.reviewClaim.untilMs > Date.now() ? this.reviewClaim : undefined;
    const first = this.firstRejectionGiven;
    return {
      ...(this.reviewed ? { reviewer: this.reviewed.reviewer, decision: this.reviewed.decision } : {}),
      ...(this.reviewDeadlineAtMs !== undefined ? { deadline: new Date(this.reviewDeadlineAtMs).toISOString() } : {}),
      ...(claim ? { claimedBy: claim.reviewer, claimedUntil: new Date(claim.untilMs).toISOString() } : {}),
      ...(first ? { firstRejection: { reviewer: first.reviewer, ...pickReasonCode(first) } } : {}),
    };
  }
}

/** How a search attribute value is remembered as synced: a string, an ISO date, or nothing for unset. */
function syncedForm(value: SearchAttributeUpdatePair['value']): string | undefined {
  if (value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function pickReasonCode(review: ReviewInput): { reasonCode?: string } {
  return review.reasonCode ? { reasonCode: review.reasonCode } : {};
}
