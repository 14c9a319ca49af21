import { ApplicationFailure, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { isAllowedTransition } from './journey-stages';
import { recordJourneyCompleted, recordJourneyStarted, recordStageDuration } from './journey-metrics';
import { ekycFlowKey, ekycOutcomeKey, ekycReasonKey, ekycRegionKey, ekycStageKey } from './search-attributes';
import type { IssuedToken, JourneyInput, JourneyStatus, Outcome, ReviewInput, Stage, TokenGrant } from './types';

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
  /** When the current stage began (workflow time), for the stage duration metric. */
  private stageEnteredAtMs = Date.now();
  /** What search attributes already say: those the starter set count as synced, saving an upsert event. */
  private synced: Record<string, string>;

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
    return this.issuedToken;
  }

  /** The client app says the user finished: a hint, taken only while the journey waits for the user. */
  userFinished(): boolean {
    if (this.userAwaited) this.userSaidFinished = true;
    return this.userAwaited;
  }

  /** The client app says the user gave up: taken only while the journey waits for the user. */
  userCancelled(): boolean {
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
  }

  /** The policy could not decide: the journey waits for a reviewer, with the policy's reasons. */
  reviewRequired(reasons: string[]): void {
    this.reasonCodes = reasons;
    this.enterStage('in_review', `waiting for a reviewer: ${reasons.join(', ')}`);
  }

  /** A reviewer's decision (its validator has checked that the journey waits for one). */
  reviewDecided(review: ReviewInput): void {
    this.reviewed = review;
  }

  /** Moves to a stage, shows `details` in the UI, and mirrors the stage into search attributes. */
  enterStage(stage: Stage, details: string, options: { sync?: boolean } = {}): void {
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
    if (options.sync ?? true) this.syncSearchAttributes();
  }

  /** Sets the terminal outcome and moves to `notifying`; a second call is a bug: an outcome never regresses. */
  complete(outcome: Outcome, reasons: string[]): void {
    if (this.endedWith) {
      throw ApplicationFailure.nonRetryable(`outcome already ${this.endedWith}`, 'JourneyOutcomeAlreadySet');
    }
    this.endedWith = outcome;
    this.reasonCodes = reasons;
    this.userAwaited = false;
    recordJourneyCompleted(this.input.flow, outcome);
    // The stage, outcome and reason reach search attributes together when the journey enters `completed`.
    this.enterStage('notifying', `${outcome} (${reasons.join(', ')}); notifying the backend`, { sync: false });
  }

  /** Upserts only what changed since the last sync, so history carries one event per real change. */
  private syncSearchAttributes(): void {
    const wanted: Record<string, string> = {
      [ekycStageKey.name]: this.currentStage,
      [ekycFlowKey.name]: this.input.flow,
      [ekycRegionKey.name]: this.input.region,
    };
    if (this.endedWith) wanted[ekycOutcomeKey.name] = this.endedWith;
    const reason = this.reasonCodes[0];
    if (reason) wanted[ekycReasonKey.name] = reason;
    const keys = [ekycStageKey, ekycFlowKey, ekycRegionKey, ekycOutcomeKey, ekycReasonKey];
    const updates: SearchAttributeUpdatePair[] = keys
      .filter((key) => wanted[key.name] !== undefined && wanted[key.name] !== this.synced[key.name])
      .map((key) => ({ key, value: wanted[key.name] as string }));
    if (updates.length > 0) {
      upsertSearchAttributes(updates);
      this.synced = { ...this.synced, ...wanted };
    }
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
      ...(this.reviewed ? { review: { reviewer: this.reviewed.reviewer, decision: this.reviewed.decision } } : {}),
    };
  }
}
