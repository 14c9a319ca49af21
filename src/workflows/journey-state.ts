import { ApplicationFailure, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { policyFactsOf } from './journey-policy';
import { isAllowedTransition } from './journey-stages';
import { recordJourneyCompleted, recordJourneyStarted, recordStageDuration } from './journey-metrics';
import * as attributes from './search-attributes';
import {
  reasonCodeOf,
  type CaseEvidence,
  type IssuedToken,
  type JourneyCase,
  type JourneyInput,
  type JourneyStatus,
  type Outcome,
  type ReviewInput,
  type ReviewStatus,
  type Stage,
  type TimelineEntry,
  type TokenGrant,
} from './types';

/** Enough for any journey's timeline; past it (a case claimed and released all day) entries are only counted. */
const TIMELINE_CAP = 200;

/** A reviewer's hold on a case in review, until a point in workflow time. */
export interface ReviewClaim {
  reviewer: string;
  untilMs: number;
}

/**
 * What a journey knows, as plain data with one name per idea (the names `status` answers with; a field is absent until
 * it happens). Anyone reads it; only the transitions of {@link JourneyTransitions} change it.
 */
export interface JourneyState {
  stage: Stage;
  /** The newest token. */
  token?: IssuedToken;
  /** When the newest token was issued (workflow time): the start and result windows count from it. */
  tokenIssuedAtMs: number;
  /** Grows with every token: a wait that sees it change knows a renewal happened. */
  tokenGeneration: number;
  renewalsLeft: number;
  /** A renewal is issuing a token. */
  renewing: boolean;
  /** True until a finished result is in hand: signals and renewals only count while it holds. */
  awaitingUser: boolean;
  /** The client app said the user finished: a hint, never proof. */
  finishedHint: boolean;
  /** The client app said the user gave up. */
  cancelled: boolean;
  /** How many result fetches began: only a journey that fetched can have stored media or claims. */
  fetchAttempts: number;
  /** When the last fetch answered (workflow time): the media URLs it lists live from then. */
  lastFetchAtMs: number;
  outcome?: Outcome;
  reasons: string[];
  /** The reviewer's final decision. */
  review?: ReviewInput;
  /** Four-eyes: the first reviewer's rejection, waiting for a second reviewer. */
  firstRejection?: ReviewInput;
  /** Set when the journey enters review: the review's attributes are only mirrored for journeys that set it. */
  reviewDeadlineAtMs?: number;
  /** The newest claim on the case in review, lapsed or not (see {@link activeClaim}). */
  claim?: ReviewClaim;
  /** Grows with every claim change: the review wait wakes on it to follow the claim's lapse. */
  claimVersion: number;
  evidence?: CaseEvidence;
  /** The case view's: in workflow time, so replay rebuilds it exactly. */
  timeline: TimelineEntry[];
  timelineOmitted: number;
  /** When each stage was first entered (ISO, workflow time), for the decision record. */
  stagesBegan: Partial<Record<Stage, string>>;
}

/** The claim on the case while it has not lapsed. */
export function activeClaim(state: Readonly<JourneyState>): ReviewClaim | undefined {
  return state.claim && state.claim.untilMs > Date.now() ? state.claim : undefined;
}

/** The token the result must be fetched with. */
export function currentToken(state: Readonly<JourneyState>): string {
  if (!state.token) throw ApplicationFailure.nonRetryable('no token issued yet', 'JourneyTokenUnavailable');
  return state.token.token;
}

/** The `status` query's answer: ids and enums only. */
export function journeyStatus(input: JourneyInput, state: Readonly<JourneyState>): JourneyStatus {
  return {
    reference: input.reference,
    flow: input.flow,
    region: input.region,
    stage: state.stage,
    ...(state.token ? { tokenExpiresAt: state.token.expiresAt } : {}),
    renewalsLeft: state.renewalsLeft,
    fetchAttempts: state.fetchAttempts,
    ...(state.outcome ? { outcome: state.outcome } : {}),
    reasons: state.reasons,
    ...(state.review || state.reviewDeadlineAtMs !== undefined ? { review: reviewStatus(state) } : {}),
    ...policyFactsOf(input),
  };
}

/** The `reviewCase` query's answer: status, evidence and timeline. */
export function journeyCase(input: JourneyInput, state: Readonly<JourneyState>): JourneyCase {
  const first = state.firstRejection;
  return {
    status: journeyStatus(input, state),
    ...(state.evidence ? { evidence: state.evidence } : {}),
    ...(first ? { firstRejectionNote: first.reason } : {}),
    timeline: state.timeline,
    timelineOmitted: state.timelineOmitted,
  };
}

function reviewStatus(state: Readonly<JourneyState>): ReviewStatus {
  const { review, reviewDeadlineAtMs, firstRejection: first } = state;
  const claim = activeClaim(state);
  return {
    ...(review ? { reviewer: review.reviewer, decision: review.decision } : {}),
    ...(reviewDeadlineAtMs !== undefined ? { deadline: new Date(reviewDeadlineAtMs).toISOString() } : {}),
    ...(claim ? { claimedBy: claim.reviewer, claimedUntil: new Date(claim.untilMs).toISOString() } : {}),
    ...(first ? { firstRejection: { reviewer: first.reviewer, ...reasonCodeOf(first) } } : {}),
  };
}

/**
 * The journey's named transitions: the only writers of its {@link JourneyState} (the stage moves only along
 * `STAGE_TRANSITIONS`). Each records what happened on the timeline, and the state mirrors itself into search
 * attributes.
 */
export class JourneyTransitions {
  /** The state these transitions keep, for reading. */
  readonly state: Readonly<JourneyState>;
  /** The same object as `state`, writable here only. */
  private readonly current: JourneyState;
  /** When the current stage began (workflow time), for the stage duration metric. */
  private stageEnteredAtMs = Date.now();
  /** What search attributes already say: those the starter set count as synced, saving an upsert event. */
  private readonly synced: Record<string, string>;
  /** A stage entered `when_waiting` that search attributes do not show yet. */
  private stageUnpublished = false;

  constructor(
    private readonly input: JourneyInput,
    maxRenewals: number,
  ) {
    this.current = {
      stage: 'issuing_token',
      tokenIssuedAtMs: 0,
      tokenGeneration: 0,
      renewalsLeft: Math.max(maxRenewals, 0),
      renewing: false,
      awaitingUser: true,
      finishedHint: false,
      cancelled: false,
      fetchAttempts: 0,
      lastFetchAtMs: 0,
      reasons: [],
      claimVersion: 0,
      timeline: [],
      timelineOmitted: 0,
      stagesBegan: { issuing_token: new Date(Date.now()).toISOString() },
    };
    this.state = this.current;
    this.synced = Object.fromEntries(
      workflowInfo()
        .typedSearchAttributes.getAll()
        .filter((pair) => typeof pair.value === 'string')
        .map((pair) => [pair.key.name, pair.value]),
    );
    recordJourneyStarted(input.flow);
    this.happened('started', input.flow);
  }

  /** A freshly issued token; its start window closes at `expiresAtMs`. */
  tokenIssued(grant: TokenGrant, expiresAtMs: number): IssuedToken {
    const state = this.current;
    state.token = {
      token: grant.token,
      ...(grant.verificationUrl ? { verificationUrl: grant.verificationUrl } : {}),
      expiresAt: new Date(expiresAtMs).toISOString(),
    };
    state.tokenIssuedAtMs = Date.now();
    state.tokenGeneration += 1;
    this.happened(state.tokenGeneration === 1 ? 'token_issued' : 'token_renewed');
    return state.token;
  }

  /** The client app says the user finished: a hint, taken only while the journey waits for the user. */
  userFinished(): boolean {
    const state = this.current;
    if (state.awaitingUser && !state.finishedHint) this.happened('user_finished');
    if (state.awaitingUser) state.finishedHint = true;
    return state.awaitingUser;
  }

  /** The client app says the user gave up: taken only while the journey waits for the user. */
  userCancelled(): boolean {
    const state = this.current;
    if (state.awaitingUser && !state.cancelled) this.happened('user_cancelled');
    if (state.awaitingUser) state.cancelled = true;
    return state.awaitingUser;
  }

  /** A renewal begins (its validator has checked that one is allowed) and uses up one of the renewals. */
  renewalStarted(): void {
    this.current.renewing = true;
    this.current.renewalsLeft = Math.max(this.current.renewalsLeft - 1, 0);
  }

  /** The renewal's token is issued, or its attempt failed. */
  renewalEnded(): void {
    this.current.renewing = false;
  }

  /** A result fetch begins. */
  fetchStarted(): void {
    this.current.fetchAttempts += 1;
  }

  /** A result fetch answered: the media URLs it lists live from now. */
  fetchAnswered(): void {
    this.current.lastFetchAtMs = Date.now();
  }

  /** A finished result is in hand: from now on the user's signals and renewals no longer count. */
  resultInHand(): void {
    const attempts = this.current.fetchAttempts;
    this.current.awaitingUser = false;
    this.happened('result_in_hand', `${attempts} pull${attempts === 1 ? '' : 's'}`);
  }

  /**
   * The policy could not decide: the journey waits for a reviewer, with the policy's reasons, until the deadline. The
   * review's state (deadline, claim, four-eyes step) is mirrored into search attributes for the review queue.
   */
  reviewRequired(reasons: string[], evidence: CaseEvidence, deadlineAtMs: number): void {
    this.current.reasons = reasons;
    this.current.evidence = evidence;
    this.current.reviewDeadlineAtMs = deadlineAtMs;
    this.happened('in_review', reasons.join(', '));
    this.enterStage('in_review', `waiting for a reviewer: ${reasons.join(', ')}`);
  }

  /** A reviewer takes the case, or renews their claim (the validator has checked nobody else holds it). */
  reviewClaimed(reviewer: string, untilMs: number): void {
    if (this.current.claim?.reviewer !== reviewer) this.happened('review_claimed', reviewer);
    this.current.claim = { reviewer, untilMs };
    this.claimChanged(`claimed by ${reviewer}`);
  }

  /** The case goes back to the queue: released by its reviewer, lapsed, or decided. */
  reviewReleased(why: string): void {
    if (!this.current.claim) return;
    this.current.claim = undefined;
    this.happened('review_released', why);
    this.claimChanged(why);
  }

  /**
   * A reviewer's decision (its validator has checked that the journey waits for one). Under the four-eyes rule a first
   * rejection only waits for a second reviewer: `final` says whether the review is over.
   */
  reviewDecided(review: ReviewInput, fourEyesRejection: boolean): { final: boolean } {
    const state = this.current;
    state.claim = undefined;
    const decided = `${review.decision} by ${review.reviewer}${review.reasonCode ? ` (${review.reasonCode})` : ''}`;
    if (fourEyesRejection && review.decision === 'rejected' && !state.firstRejection) {
      state.firstRejection = review;
      this.happened('first_rejection', decided);
      this.claimChanged(`rejected by ${review.reviewer}; waiting for a second reviewer`);
      return { final: false };
    }
    state.review = review;
    this.happened('review_decided', decided);
    return { final: true };
  }

  /**
   * Moves to a stage, shows `details` in the UI, and mirrors the stage into search attributes: at once (`sync`, the
   * default), not at all (`false`: the stage spans no wait), or `when_waiting`: only once the journey is about to wait
   * beyond this workflow task (`publishStage`), so a stage that begins and ends inside one task costs no upsert.
   */
  enterStage(stage: Stage, details: string, options: { sync?: boolean | 'when_waiting' } = {}): void {
    const state = this.current;
    if (!isAllowedTransition(state.stage, stage)) {
      // A bug, not a business failure: failing the workflow task keeps the journey until a fixed worker replays it.
      throw new Error(`journey stage cannot move from ${state.stage} to ${stage}`);
    }
    if (stage !== state.stage) {
      recordStageDuration(this.input.flow, state.stage, Date.now() - this.stageEnteredAtMs);
      this.stageEnteredAtMs = Date.now();
      state.stagesBegan[stage] ??= new Date(this.stageEnteredAtMs).toISOString();
    }
    state.stage = stage;
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
    const state = this.current;
    if (state.outcome) {
      throw ApplicationFailure.nonRetryable(`outcome already ${state.outcome}`, 'JourneyOutcomeAlreadySet');
    }
    state.outcome = outcome;
    state.reasons = reasons;
    this.happened('completed', `${outcome}: ${reasons.join(', ')}`);
    state.awaitingUser = false;
    recordJourneyCompleted(this.input.flow, outcome);
    // The stage, outcome and reason reach search attributes together when the journey enters `completed`.
    this.enterStage('notifying', `${outcome} (${reasons.join(', ')}); notifying the backend`, { sync: false });
  }

  private claimChanged(details: string): void {
    this.current.claimVersion += 1;
    setCurrentDetails(`in review: ${details}`);
    this.syncSearchAttributes();
  }

  /** Upserts only what changed since the last sync, so history carries one event per real change. */
  private syncSearchAttributes(): void {
    const state = this.current;
    const reason = state.reasons[0];
    const wanted: SearchAttributeUpdatePair[] = [
      { key: attributes.ekycStageKey, value: state.stage },
      { key: attributes.ekycFlowKey, value: this.input.flow },
      { key: attributes.ekycRegionKey, value: this.input.region },
      ...(state.outcome ? [{ key: attributes.ekycOutcomeKey, value: state.outcome }] : []),
      ...(reason ? [{ key: attributes.ekycReasonKey, value: reason }] : []),
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
    const state = this.current;
    if (state.reviewDeadlineAtMs === undefined) return [];
    return [
      { key: attributes.ekycReviewDeadlineKey, value: new Date(state.reviewDeadlineAtMs) },
      { key: attributes.ekycReviewClaimKey, value: state.claim?.reviewer ?? null },
      { key: attributes.ekycReviewStepKey, value: state.firstRejection ? 'second' : 'first' },
    ];
  }

  private happened(event: TimelineEntry['event'], detail?: string): void {
    const state = this.current;
    if (state.timeline.length >= TIMELINE_CAP) {
      state.timelineOmitted += 1;
      return;
    }
    state.timeline.push({ at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
  }
}

/** How a search attribute value is remembered as synced: a string, an ISO date, or nothing for unset. */
function syncedForm(value: SearchAttributeUpdatePair['value']): string | undefined {
  if (value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
