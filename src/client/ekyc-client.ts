import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { ObjectStore } from '../store/object-store';
import {
  claimReviewUpdate,
  issueTokenUpdate,
  releaseReviewUpdate,
  renewTokenUpdate,
  reviewUpdate,
  reviewCaseQuery,
  statusQuery,
  tokenMatchesQuery,
  userCancelledSignal,
  userFinishedSignal,
} from '../workflows/definitions';
import type { ekycJourney } from '../workflows/ekyc-journey';
import { ekycFlowKey, ekycPolicyVersionKey, ekycRegionKey, ekycStageKey } from '../workflows/search-attributes';
import { DEFAULT_TASK_QUEUE } from '../contracts/task-queues';
import type { PinnedPolicy } from '../contracts/policy-document';
import { journeyWorkflowId } from '../contracts/workflow-ids';
import type {
  IssuedToken,
  JourneyCase,
  JourneyResult,
  JourneyStatus,
  ReviewClaimInput,
  ReviewInput,
} from '../workflows/types';
import { BoundedCache } from './bounded-cache';
import { readRunEnd, splitEnd, type SplitEnd } from './close-event';
import { ErasureChecks } from './erasure-checks';
import { clientSecretFor } from './client-secret';
import { extractImages, storeImages } from './input-images';
import { journeyExists } from './journey-exists';
import { GRPC_STATUS, grpcStatusOf, isWorkflowNotReady } from './temporal-refusals';
import { JourneyInputError, startRegion, type JourneyStart } from './journey-input';
import { faceIdCallMs } from '../workflows/journey-durations';
import type { JourneyInput } from '../workflows/types';
import { listJourneys, type JourneyListFilter, type JourneySummary } from './journey-list';
import {
  JourneyClosedError,
  JourneyNotFoundError,
  JourneyNotReadyError,
  JourneyRunningError,
  WebReturnMismatchError,
} from './errors';

/** What a backend gets back from {@link EkycClient.startJourney}. */
export interface StartedJourney extends IssuedToken {
  journeyId: string;
  /** The journey's client secret for the client app; present when the client was given `clientSecretKey`. */
  clientSecret?: string;
}

/** Options of an {@link EkycClient}. */
export interface EkycClientOptions {
  /**
   * The media archive: where images given as bytes are stored before the journey starts, and where erasure records
   * live (an erased journey's status, result and case answer `JourneyErasedError`). Required to accept image bytes.
   */
  archive?: ObjectStore;
  /** Key of the per-journey client secrets (`CLIENT_SECRET_KEY`); without it no `clientSecret` is returned. */
  clientSecretKey?: string;
  /** Days media is kept after the outcome when a journey's input does not say (`RETENTION_DAYS`). */
  retentionDays?: number;
  /** The FaceID region of a journey whose input names none (`FACEID_REGION`); without it, `region` is required. */
  defaultRegion?: string;
  /**
   * The workers' FaceID HTTP timeout (`FACEID_TIMEOUT_SECONDS`): journeys carry the matching call timeout
   * (`timers.faceIdCallMs`) unless their input sets one; without it they use the 30 s default's.
   */
  faceIdTimeoutSeconds?: number;
  /**
   * The read caches: how long a "not erased" answer is believed (`erasureTtlMs`, default 60 s, as the data keys'), and
   * how many journeys the erasure checks and the ended journeys' answers each hold (`maxEntries`, default 10,000).
   */
  readCache?: { erasureTtlMs?: number; maxEntries?: number };
}

/** What this client keeps of an ended journey: it never changes, so it is read from Temporal once. */
interface EndedJourney {
  status?: JourneyStatus;
  result?: JourneyResult;
}

/** An ended run as the close event tells it: its result, and its final status when the run returned one. */
type RunEndRead = { state: 'running' | 'closed_without_result' } | ({ state: 'completed' } & SplitEnd);

/** Options of one {@link EkycClient.startJourney} call. */
export interface StartJourneyOptions {
  /**
   * Where the web return route sends the browser after a web verification. Kept in the workflow's memo, which the
   * Temporal UI shows: a backend URL, never personal data.
   */
  webFinalUrl?: string;
  /** The decision policy version current at the start: the journey is decided by it to the end, review included. */
  pinnedPolicy?: PinnedPolicy;
  /** A version evaluated beside the pinned one without effect (its disagreements are counted and recorded). */
  shadowPolicy?: PinnedPolicy;
}

/** Memo key of the browser's final URL after a web verification. */
const WEB_FINAL_URL_MEMO = 'webFinalUrl';

/**
 * The journeys' typed Temporal facade for backends that run in-process with a Temporal client: start a journey and get
 * its token in one call, relay the client app's messages, send the review updates, and read status, results and lists.
 * Review with its audit entries, legal holds, retention and erasure are services over it (`ReviewService`,
 * `LegalHoldService`, `RetentionService`, `ErasureService`).
 */
export class EkycClient {
  /** The erasure checks of this client's reads (with an archive); an erasure service notes its own erasures in them. */
  readonly erasures: ErasureChecks | undefined;
  private readonly ended: BoundedCache<EndedJourney>;

  constructor(
    private readonly client: Client,
    /** The journeys' task queue. */
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
    private readonly options: EkycClientOptions = {},
  ) {
    const { erasureTtlMs, maxEntries = 10_000 } = options.readCache ?? {};
    this.erasures = options.archive
      ? new ErasureChecks(options.archive, {
          maxEntries,
          ...(erasureTtlMs !== undefined ? { ttlMs: erasureTtlMs } : {}),
        })
      : undefined;
    this.ended = new BoundedCache<EndedJourney>(maxEntries);
  }

  /** The input with what the configuration supplies where it says nothing: retention days and the FaceID call timeout. */
  private withConfiguredDefaults(input: JourneyInput): JourneyInput {
    const { retentionDays, faceIdTimeoutSeconds } = this.options;
    return {
      ...input,
      ...(input.retentionDays === undefined && retentionDays !== undefined ? { retentionDays } : {}),
      ...(input.timers?.faceIdCallMs === undefined && faceIdTimeoutSeconds !== undefined
        ? { timers: { ...input.timers, faceIdCallMs: faceIdCallMs(faceIdTimeoutSeconds) } }
        : {}),
    };
  }

  /**
   * Starts the journey for `start.reference` and returns its token (update-with-start). `start` is validated already
   * (a gateway's body schema, or {@link parseJourneyStart}). Images may be given as `{ bytes, contentType }`: they are
   * stored in the archive first and only their keys reach the workflow. Starting the same reference again while it
   * runs returns the same journey and its current token; after it ended, {@link JourneyClosedError}.
   */
  async startJourney(start: JourneyStart, startOptions: StartJourneyOptions = {}): Promise<StartedJourney> {
    const region = startRegion(start, this.options.defaultRegion);
    const extracted = extractImages(start, region.region);
    const issues = [...extracted.issues, ...region.issues];
    if (issues.length > 0) throw new JourneyInputError(issues);
    const { input } = extracted;
    let written: string[] = [];
    if (extracted.pending.length > 0) {
      if (!this.options.archive) throw new Error('EkycClient needs an archive to accept images as bytes');
      written = await storeImages(this.options.archive, extracted.pending);
    }

    const journeyId = journeyWorkflowId(input.reference);
    const operation = new WithStartWorkflowOperation<typeof ekycJourney>('ekycJourney', {
      workflowId: journeyId,
      taskQueue: this.taskQueue,
      args: [withPolicies(this.withConfiguredDefaults(input), startOptions)],
      // A running journey for the reference is the one the caller wants; an ended one is never silently restarted.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `eKYC ${input.flow} journey in ${input.region}`,
      ...(startOptions.webFinalUrl ? { memo: { [WEB_FINAL_URL_MEMO]: startOptions.webFinalUrl } } : {}),
      typedSearchAttributes: [
        { key: ekycFlowKey, value: input.flow },
        { key: ekycRegionKey, value: input.region },
        { key: ekycStageKey, value: 'issuing_token' },
        ...(startOptions.pinnedPolicy
          ? [{ key: ekycPolicyVersionKey, value: String(startOptions.pinnedPolicy.version) }]
          : []),
      ],
    });
    try {
      const token = await this.client.workflow.executeUpdateWithStart(issueTokenUpdate, {
        startWorkflowOperation: operation,
      });
      const key = this.options.clientSecretKey;
      return { journeyId, ...token, ...(key ? { clientSecret: clientSecretFor(key, journeyId) } : {}) };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        // The ended journey never uses them: its own images were stored under the same keys before, so not rewritten.
        await this.discardImages(written);
        throw new JourneyClosedError(journeyId);
      }
      const missing = await journeyExists(this.client, input.reference).then(
        (exists) => !exists,
        () => false, // cannot tell: keep them for the sweep
      );
      if (written.length > 0 && missing) await this.discardImages(written);
      if (isWorkflowNotReady(error)) throw new JourneyNotReadyError(journeyId);
      // The running journey this start joined ended before it took the token update.
      if (grpcStatusOf(error) === GRPC_STATUS.notFound && (await this.isClosed(journeyId))) {
        throw new JourneyClosedError(journeyId);
      }
      throw error;
    }
  }

  /**
   * Deletes images this start stored when no journey came to own them. Best effort: what is left (the store down
   * too, a crash) goes with the retention sweep's removal of orphaned inputs.
   */
  private async discardImages(keys: string[]): Promise<void> {
    for (const key of keys) await this.options.archive?.delete(key).catch(() => undefined);
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

  /**
   * An operator's decision on a journey in review. Refused (`WorkflowUpdateFailedError` with the journey's failure type)
   * when the journey no longer waits for a review, another reviewer holds the case, or a four-eyes rejection needs a
   * different second reviewer.
   */
  review(journeyId: string, review: ReviewInput): Promise<JourneyStatus> {
    return this.guard(journeyId, (handle) => handle.executeUpdate(reviewUpdate, { args: [review] }));
  }

  /** Takes a case in review (or renews the claim): others see it as taken and cannot decide it until it lapses. */
  claimReview(journeyId: string, claim: ReviewClaimInput): Promise<JourneyStatus> {
    return this.guard(journeyId, (handle) => handle.executeUpdate(claimReviewUpdate, { args: [claim] }));
  }

  /** Gives a claimed case back to the review queue. */
  releaseReview(journeyId: string, claim: ReviewClaimInput): Promise<JourneyStatus> {
    return this.guard(journeyId, (handle) => handle.executeUpdate(releaseReviewUpdate, { args: [claim] }));
  }

  /** Resolves when the journey has ended; otherwise {@link JourneyRunningError} or {@link JourneyNotFoundError}. */
  async requireEnded(journeyId: string): Promise<void> {
    if (this.ended.get(journeyId)) return;
    const description = await this.guard(journeyId, (handle) => handle.describe());
    if (description.status.name === 'RUNNING') throw new JourneyRunningError(journeyId);
  }

  /**
   * The journey's stage, token expiry, attempts and outcome; works after the journey ended too. A running journey is
   * asked (the `status` query, live); an ended one is answered from its close event, never by replaying it. An erased
   * journey answers `JourneyErasedError`, which carries the outcome and reason codes erasure kept.
   */
  async status(journeyId: string): Promise<JourneyStatus> {
    await this.refuseErased(journeyId);
    const known = this.ended.get(journeyId)?.status;
    if (known) return known;
    const end = await this.readEnd(journeyId);
    if (end.state === 'completed' && end.status) return end.status;
    const status = await this.guard(journeyId, (handle) => handle.query(statusQuery));
    // A run that closed without a final status (terminated, failed, timed out) is replayed once, then kept.
    if (end.state !== 'running') this.keepEnded(journeyId, { status });
    return status;
  }

  /** `JourneyErasedError` once the journey was erased (or is being erased); erasure records live in the archive. */
  private async refuseErased(journeyId: string): Promise<void> {
    await this.erasures?.refuseIfErased(journeyId);
  }

  /** The journey's close event, read and kept when it carries the result. */
  private async readEnd(journeyId: string): Promise<RunEndRead> {
    const end = await readRunEnd(this.client, journeyId);
    if (end.state !== 'completed') return end;
    if ('erased' in end.returned) {
      // The data key is gone before this process's erasure check noticed: the record says what is left.
      await this.erasures?.refuseIfErasedNow(journeyId);
      throw new Error(`journey ${journeyId} has no readable result`);
    }
    const ended = splitEnd(end.returned);
    this.keepEnded(journeyId, ended);
    return { state: 'completed', ...ended };
  }

  private keepEnded(journeyId: string, known: EndedJourney): void {
    this.ended.set(journeyId, { ...this.ended.get(journeyId), ...known });
  }

  /**
   * The case a reviewer sees: status, the evidence the review decides on (checks, scores, archive keys of the media)
   * and the timeline. One query to one journey; the review queue itself never queries journeys.
   */
  async reviewCase(journeyId: string): Promise<JourneyCase> {
    // An erased journey's answer could no longer be decrypted: what is kept of it is the erasure record.
    await this.refuseErased(journeyId);
    return this.guard(journeyId, (handle) => handle.query(reviewCaseQuery));
  }

  /**
   * The journey's result: waits for it by default; with `wait: false` answers at once and throws
   * {@link JourneyRunningError} while the journey runs. Read from the close event and kept: an ended journey's result
   * never changes.
   */
  async result(journeyId: string, options: { wait?: boolean } = {}): Promise<JourneyResult> {
    await this.refuseErased(journeyId);
    const known = this.ended.get(journeyId)?.result;
    if (known) return known;
    const end = await this.readEnd(journeyId);
    if (end.state === 'completed') return end.result;
    if (end.state === 'running' && options.wait === false) throw new JourneyRunningError(journeyId);
    // Waits for the end, or throws how the run closed without a result (`WorkflowFailedError`).
    return this.guard(journeyId, async (handle) => splitEnd(await handle.result()).result);
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
      if (isWorkflowNotReady(error)) throw new JourneyNotReadyError(journeyId);
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // The server says "not found" both for unknown ids and for signals and updates to a closed run.
      if (await this.isClosed(journeyId)) throw new JourneyClosedError(journeyId);
      throw new JourneyNotFoundError(`journey ${journeyId} not found`);
    }
  }

  /** Whether the journey exists and has ended; false when it does not exist or Temporal cannot tell. */
  private isClosed(journeyId: string): Promise<boolean> {
    return this.client.workflow
      .getHandle(journeyId)
      .describe()
      .then(
        (description) => description.status.name !== 'RUNNING',
        () => false,
      );
  }
}

export type { JourneyListFilter, JourneySummary } from './journey-list';

/**
 * The input with the versions it is pinned to. A start that joins a running journey (`USE_EXISTING`) leaves that
 * journey's input, and so its first start's pinning, as it was.
 */
function withPolicies(input: JourneyInput, { pinnedPolicy, shadowPolicy }: StartJourneyOptions): JourneyInput {
  return { ...input, ...(pinnedPolicy ? { pinnedPolicy } : {}), ...(shadowPolicy ? { shadowPolicy } : {}) };
}
