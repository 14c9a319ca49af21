import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { ArchiveStore } from '../archive/store';
import {
  issueTokenUpdate,
  journeyWorkflowId,
  renewTokenUpdate,
  reviewUpdate,
  statusQuery,
  tokenMatchesQuery,
  userCancelledSignal,
  userFinishedSignal,
} from '../workflows/definitions';
import {
  afterJourneyStatusQuery,
  afterJourneyWorkflowId,
  setLegalHoldUpdate,
  type afterJourney,
  type AfterJourneyStatus,
  type LegalHoldInput,
} from '../workflows/after-journey';
import type { ekycJourney } from '../workflows/ekyc-journey';
import { ekycFlowKey, ekycRegionKey, ekycStageKey } from '../workflows/search-attributes';
import { DEFAULT_TASK_QUEUE } from '../workflows/task-queues';
import type { IssuedToken, JourneyResult, JourneyStatus, ReviewInput } from '../workflows/types';
import { clientSecretFor } from './client-secret';
import { extractImages, storeImages } from './input-images';
import { JourneyInputError, parseJourneyInput } from './journey-input';
import { listJourneys, type JourneyListFilter, type JourneySummary } from './journey-list';

/** What a backend gets back from {@link EkycClient.startJourney}. */
export interface StartedJourney extends IssuedToken {
  journeyId: string;
  /** The journey's client secret for the client app; present when the client was given `clientSecretKey`. */
  clientSecret?: string;
}

/** Options of an {@link EkycClient}. */
export interface EkycClientOptions {
  /** Where images given as bytes are stored before the journey starts; required only to accept image bytes. */
  archive?: ArchiveStore;
  /** Key of the per-journey client secrets (`CLIENT_SECRET_KEY`); without it no `clientSecret` is returned. */
  clientSecretKey?: string;
  /** Days media is kept after the outcome when a journey's input does not say (`RETENTION_DAYS`). */
  retentionDays?: number;
}

/** Options of one {@link EkycClient.startJourney} call. */
export interface StartJourneyOptions {
  /**
   * Where the web return route sends the browser after a web verification. Kept in the workflow's memo, which the
   * Temporal UI shows: a backend URL, never personal data.
   */
  webFinalUrl?: string;
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

/** The journey has no result yet (asked with `wait: false`). */
export class JourneyRunningError extends Error {
  override readonly name = 'JourneyRunningError';
  constructor(readonly journeyId: string) {
    super(`journey ${journeyId} is still running`);
  }
}

/** A web return carried a token that is not the journey's current one (or named no such journey). */
export class WebReturnMismatchError extends Error {
  override readonly name = 'WebReturnMismatchError';
  constructor(readonly journeyId: string) {
    super(`the web return for journey ${journeyId} carries no current token of it`);
  }
}

/** Memo key of the browser's final URL after a web verification. */
const WEB_FINAL_URL_MEMO = 'webFinalUrl';

/**
 * Typed helpers for backends that run in-process with a Temporal client: start a journey and get its token in one
 * call, relay the client app's messages, review, and read status, results and lists.
 */
export class EkycClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string = DEFAULT_TASK_QUEUE,
    private readonly options: EkycClientOptions = {},
  ) {}

  /**
   * Starts the journey for `input.reference` and returns its token (update-with-start). Images may be given as
   * `{ bytes, contentType }`: they are stored in the archive first and only their keys reach the workflow. Starting
   * the same reference again while it runs returns the same journey and its current token; after it ended,
   * {@link JourneyClosedError}.
   */
  async startJourney(rawInput: unknown, startOptions: StartJourneyOptions = {}): Promise<StartedJourney> {
    const extracted = extractImages(rawInput);
    let input;
    try {
      input = parseJourneyInput(extracted.input);
    } catch (error) {
      if (!(error instanceof JourneyInputError) || extracted.issues.length === 0) throw error;
      throw new JourneyInputError([...extracted.issues, ...error.issues]);
    }
    if (extracted.issues.length > 0) throw new JourneyInputError(extracted.issues);
    if (extracted.pending.length > 0) {
      if (!this.options.archive) throw new Error('EkycClient needs an archive to accept images as bytes');
      await storeImages(this.options.archive, extracted.pending);
    }

    const journeyId = journeyWorkflowId(input.reference);
    const start = new WithStartWorkflowOperation<typeof ekycJourney>('ekycJourney', {
      workflowId: journeyId,
      taskQueue: this.taskQueue,
      args: [
        input.retentionDays === undefined && this.options.retentionDays !== undefined
          ? { ...input, retentionDays: this.options.retentionDays }
          : input,
      ],
      // A running journey for the reference is the one the caller wants; an ended one is never silently restarted.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `eKYC ${input.flow} journey in ${input.region}`,
      ...(startOptions.webFinalUrl ? { memo: { [WEB_FINAL_URL_MEMO]: startOptions.webFinalUrl } } : {}),
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
      const key = this.options.clientSecretKey;
      return { journeyId, ...token, ...(key ? { clientSecret: clientSecretFor(key, journeyId) } : {}) };
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

  /**
   * Sets or releases the legal hold on an ended journey's media: while held, the media outlives the retention period.
   * Rejects with {@link JourneyRunningError} before the outcome (retention starts at the outcome) and with
   * {@link JourneyClosedError} once the media is deleted.
   */
  async setLegalHold(journeyId: string, hold: LegalHoldInput): Promise<AfterJourneyStatus> {
    const handle = this.client.workflow.getHandle<typeof afterJourney>(afterJourneyWorkflowId(journeyId));
    try {
      return await handle.executeUpdate(setLegalHoldUpdate, { args: [hold] });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const journey = await this.guard(journeyId, (journeyHandle) => journeyHandle.describe());
      if (journey.status.name === 'RUNNING') throw new JourneyRunningError(journeyId);
      throw new JourneyClosedError(journeyId);
    }
  }

  /** Webhook delivery and retention state of an ended journey (legal hold, delete-after date, deletions). */
  afterJourneyStatus(journeyId: string): Promise<AfterJourneyStatus> {
    return this.client.workflow
      .getHandle<typeof afterJourney>(afterJourneyWorkflowId(journeyId))
      .query(afterJourneyStatusQuery);
  }

  /** The journey's stage, token expiry, attempts and outcome; works after the journey ended too. */
  status(journeyId: string): Promise<JourneyStatus> {
    return this.guard(journeyId, (handle) => handle.query(statusQuery));
  }

  /**
   * The journey's result: waits for it by default; with `wait: false` answers at once and throws
   * {@link JourneyRunningError} while the journey runs.
   */
  result(journeyId: string, options: { wait?: boolean } = {}): Promise<JourneyResult> {
    return this.guard(journeyId, async (handle) => {
      if (options.wait === false) {
        const description = await handle.describe();
        if (description.status.name === 'RUNNING') throw new JourneyRunningError(journeyId);
      }
      return handle.result();
    });
  }

  /** Journeys of this client's task queue filtered by stage, outcome or flow (visibility: eventually consistent). */
  list(filter: JourneyListFilter = {}): Promise<JourneySummary[]> {
    return listJourneys(this.client, this.taskQueue, filter);
  }

  /**
   * Handles the browser's return from a web verification: only when `token` is the journey's current FaceID token
   * does it signal "user finished" (a journey that already ended is left alone), and it answers where the backend
   * wants the browser to go next. Otherwise {@link WebReturnMismatchError}, and nothing is signalled.
   */
  async completeWebReturn(journeyId: string, token: string): Promise<{ finalUrl?: string }> {
    const handle = this.client.workflow.getHandle<typeof ekycJourney>(journeyId);
    const matches = await handle.query(tokenMatchesQuery, token).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    });
    if (!matches) throw new WebReturnMismatchError(journeyId);
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') {
      await handle.signal(userFinishedSignal).catch((error: unknown) => {
        // The run closed between describe and signal: the user's return no longer matters to it.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
    }
    const finalUrl = description.memo?.[WEB_FINAL_URL_MEMO];
    return typeof finalUrl === 'string' ? { finalUrl } : {};
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

export type { JourneyListFilter, JourneySummary } from './journey-list';
