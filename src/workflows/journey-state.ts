import { ApplicationFailure, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { recordJourneyCompleted, recordJourneyStarted, recordStageDuration } from './journey-metrics';
import { ekycFlowKey, ekycOutcomeKey, ekycReasonKey, ekycRegionKey, ekycStageKey } from './search-attributes';
import type { IssuedToken, JourneyInput, JourneyStatus, Outcome, ReviewInput, Stage, TokenGrant } from './types';

/** The journey's mutable state, the `status` snapshot built from it, and its mirror in search attributes. */
export class JourneyState {
  stage: Stage = 'issuing_token';
  token: IssuedToken | undefined;
  tokenIssuedAtMs = 0;
  tokenGeneration = 0;
  renewalsUsed = 0;
  renewing = false;
  /** True until a finished result is in hand: signals and renewals only count while it holds. */
  awaitingUser = true;
  finishedHint = false;
  cancelled = false;
  fetchAttempts = 0;
  lastFetchAtMs = 0;
  outcome: Outcome | undefined;
  reasons: string[] = [];
  review: ReviewInput | undefined;
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

  /** Records a freshly issued token; its start window closes at `expiresAtMs`. */
  acceptToken(grant: TokenGrant, expiresAtMs: number): void {
    this.token = {
      token: grant.token,
      ...(grant.verificationUrl ? { verificationUrl: grant.verificationUrl } : {}),
      expiresAt: new Date(expiresAtMs).toISOString(),
    };
    this.tokenIssuedAtMs = Date.now();
    this.tokenGeneration += 1;
  }

  /** The token the result must be pulled with. */
  currentToken(): string {
    if (!this.token) throw ApplicationFailure.nonRetryable('no token issued yet', 'JourneyTokenUnavailable');
    return this.token.token;
  }

  /** Moves to a stage, shows `details` in the UI, and mirrors the stage into search attributes. */
  enterStage(stage: Stage, details: string, options: { sync?: boolean } = {}): void {
    if (stage !== this.stage) {
      recordStageDuration(this.input.flow, this.stage, Date.now() - this.stageEnteredAtMs);
      this.stageEnteredAtMs = Date.now();
    }
    this.stage = stage;
    setCurrentDetails(details);
    if (options.sync ?? true) this.syncSearchAttributes();
  }

  /** Sets the terminal outcome and moves to `notifying`; a second call is a bug: an outcome never regresses. */
  complete(outcome: Outcome, reasons: string[]): void {
    if (this.outcome) {
      throw ApplicationFailure.nonRetryable(`outcome already ${this.outcome}`, 'JourneyOutcomeAlreadySet');
    }
    this.outcome = outcome;
    this.reasons = reasons;
    this.awaitingUser = false;
    recordJourneyCompleted(this.input.flow, outcome);
    // The stage, outcome and reason reach search attributes together when the journey enters `completed`.
    this.enterStage('notifying', `${outcome} (${reasons.join(', ')}); notifying the backend`, { sync: false });
  }

  /** Upserts only what changed since the last sync, so history carries one event per real change. */
  syncSearchAttributes(): void {
    const wanted: Record<string, string> = {
      [ekycStageKey.name]: this.stage,
      [ekycFlowKey.name]: this.input.flow,
      [ekycRegionKey.name]: this.input.region,
    };
    if (this.outcome) wanted[ekycOutcomeKey.name] = this.outcome;
    const reason = this.reasons[0];
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
      stage: this.stage,
      ...(this.token ? { tokenExpiresAt: this.token.expiresAt } : {}),
      renewalsLeft: Math.max(this.maxRenewals - this.renewalsUsed, 0),
      fetchAttempts: this.fetchAttempts,
      ...(this.outcome ? { outcome: this.outcome } : {}),
      reasons: this.reasons,
      ...(this.review ? { review: { reviewer: this.review.reviewer, decision: this.review.decision } } : {}),
    };
  }
}
