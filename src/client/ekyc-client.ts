import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  issueTokenUpdate,
  journeyWorkflowId,
  renewTokenUpdate,
  reviewUpdate,
  statusQuery,
  userCancelledSignal,
  userFinishedSignal,
} from '../workflows/definitions';
import type { ekycJourney } from '../workflows/ekyc-journey';
import { ekycFlowKey, ekycRegionKey, ekycStageKey } from '../workflows/search-attributes';
import { DEFAULT_TASK_QUEUE } from '../workflows/task-queues';
import type { IssuedToken, JourneyResult, JourneyStatus, ReviewInput } from '../workflows/types';
import { parseJourneyInput } from './journey-input';

/** What a backend gets back from {@link EkycClient.startJourney}. */
export interface StartedJourney extends IssuedToken {
  journeyId: string;
}

/** The journey does not exist (never started, or deleted by retention). */
export class JourneyNotFoundError extends Error {
  override readonly name = 'JourneyNotFoundError';
}

/** The journey for this reference already ended; read its result instead of starting again. */
export class JourneyClosedError extends Error {
  override readonly name = 'JourneyClosedError';
  constructor(readonly journeyId: string) {
    super(`journey ${journeyId} has already ended`);
  }
}

/**
 * Typed helpers for backends that run in-process with a Temporal client: start a journey and get its token in one
 * call, relay the client app's messages, review, and read status and results.
 */
export class EkycClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string = DEFAULT_TASK_QUEUE,
  ) {}

  /**
   * Starts the journey for `input.reference` and returns its token (update-with-start). Starting the same reference
   * again while it runs returns the same journey and its current token; after it ended, {@link JourneyClosedError}.
   */
  async startJourney(rawInput: unknown): Promise<StartedJourney> {
    const input = parseJourneyInput(rawInput);
    const journeyId = journeyWorkflowId(input.reference);
    const start = new WithStartWorkflowOperation<typeof ekycJourney>('ekycJourney', {
      workflowId: journeyId,
      taskQueue: this.taskQueue,
      args: [input],
      // A running journey for the reference is the one the caller wants; an ended one is never silently restarted.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `eKYC ${input.flow} journey in ${input.region}`,
      typedSearchAttributes: [
        { key: ekycFlowKey, value: input.flow },
        { key: ekycRegionKey, value: input.region },
        { key: ekycStageKey, value: 'issuing_token' },
      ],
    });
    try {
      const token = await this.client.workflow.executeUpdateWithStart(issueTokenUpdate, {
        startWorkflowOperation: start,
      });
      return { journeyId, ...token };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw new JourneyClosedError(journeyId);
      throw error;
    }
  }

  /** Relays the client app's "user finished": a hint that makes the journey pull the result now. */
  userFinished(journeyId: string): Promise<void> {
    return this.guard(journeyId, (handle) => handle.signal(userFinishedSignal));
  }

  /** Relays the client app's "user gave up". */
  cancel(journeyId: string): Promise<void> {
    return this.guard(journeyId, (handle) => handle.signal(userCancelledSignal));
  }

  /** Issues a fresh token while the user has not finished (bounded by the journey's renewals). */
  renewToken(journeyId: string): Promise<IssuedToken> {
    return this.guard(journeyId, (handle) => handle.executeUpdate(renewTokenUpdate));
  }

  /** An operator's decision on a journey in review. */
  review(journeyId: string, review: ReviewInput): Promise<JourneyStatus> {
    return this.guard(journeyId, (handle) => handle.executeUpdate(reviewUpdate, { args: [review] }));
  }

  /** The journey's stage, token expiry, attempts and outcome; works after the journey ended too. */
  status(journeyId: string): Promise<JourneyStatus> {
    return this.guard(journeyId, (handle) => handle.query(statusQuery));
  }

  /** Waits for the journey's result. */
  result(journeyId: string): Promise<JourneyResult> {
    return this.guard(journeyId, (handle) => handle.result());
  }

  private async guard<T>(
    journeyId: string,
    action: (handle: WorkflowHandle<typeof ekycJourney>) => Promise<T>,
  ): Promise<T> {
    const handle = this.client.workflow.getHandle<typeof ekycJourney>(journeyId);
    try {
      return await action(handle);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // The server says "not found" both for unknown ids and for signals and updates to a closed run.
      const closed = await handle.describe().then(
        (description) => description.status.name !== 'RUNNING',
        () => false,
      );
      if (closed) throw new JourneyClosedError(journeyId);
      throw new JourneyNotFoundError(`journey ${journeyId} not found`);
    }
  }
}
