import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MediaDownloader } from '../archive/download';
import { FACEID_ACTION_NAMES, type FaceIdAction } from '../faceid/actions';
import type { FaceIdApi } from '../faceid/client';
import type { ObjectStore } from '../store/object-store';
import type { ArchiveRef, VerificationResult } from '../workflows/types';
import { faceIdActivityName } from '../contracts/task-queues';
import { INLINE_ARCHIVE_BUDGET_MS } from '../contracts/inline-calls';
import { archiveStoreFailure, typedFaceIdCall } from './failures';
import { FACEID_ROWS, type FaceIdActivityInput, type FaceIdActivityOutput, type FaceIdRowTools } from './faceid-table';
import { storeInlineMedia, storeMediaClaim } from './inline-media';
import { archiveRemoteMedia, RemoteMediaError } from './remote-media';
import type { NormalisedResult } from './normalize';

/** One activity per FaceID action, named after it (`getFaceIdTokenIntl` …): the names recorded histories hold. */
type FaceIdActivities = {
  [A in FaceIdAction as Uncapitalize<A>]: (input: FaceIdActivityInput<A>) => Promise<FaceIdActivityOutput<A>>;
};

/** What the FaceID activities need. */
export interface FaceIdActivityDeps {
  faceid: FaceIdApi;
  archive: ObjectStore;
  /** Archives a finished result's media at once; without it every result's media goes through `archiveMedia`. */
  downloader?: MediaDownloader;
}

/**
 * One activity per FaceID action, each a row of `FACEID_ROWS` run the same way: the request built from stored images
 * and options, the action called, the answer normalised and its inline media stored, every failure typed.
 */
export function createFaceIdActivities({ faceid, archive, downloader }: FaceIdActivityDeps) {
  async function finishResult(journeyId: string, normalised: NormalisedResult): Promise<VerificationResult> {
    try {
      return await storeResult(journeyId, normalised);
    } catch (error) {
      if (error instanceof ApplicationFailure) throw error;
      // The archive failed, not FaceID: retried (the call again, its answer is the same) while the window allows.
      throw archiveStoreFailure(error);
    }
  }

  async function storeResult(journeyId: string, normalised: NormalisedResult): Promise<VerificationResult> {
    const archived = await storeInlineMedia(archive, journeyId, normalised.inline);
    if (downloader && normalised.result.finished && normalised.remote.length > 0) {
      const stored = await archiveWithinBudget(downloader, journeyId, normalised.remote);
      if (stored) return { ...normalised.result, archived: [...archived, ...stored], remoteMedia: [] };
    }
    const mediaClaim = await storeMediaClaim(
      archive,
      journeyId,
      normalised.result.requestIds[0] ?? 'result',
      normalised.remote,
    );
    return {
      ...normalised.result,
      archived,
      remoteMedia: normalised.remote.map(({ kind, md5, size }) => ({ kind, md5, size })),
      ...(mediaClaim ? { mediaClaim } : {}),
    };
  }

  /** The media archived while the URLs are fresh, or `undefined` (with the reason logged) to leave it to `archiveMedia`. */
  async function archiveWithinBudget(
    mediaDownloader: MediaDownloader,
    journeyId: string,
    remote: NormalisedResult['remote'],
  ): Promise<ArchiveRef[] | undefined> {
    const context = Context.current();
    const signal = AbortSignal.any([context.cancellationSignal, AbortSignal.timeout(INLINE_ARCHIVE_BUDGET_MS)]);
    try {
      return await archiveRemoteMedia(archive, mediaDownloader, journeyId, remote, { signal });
    } catch (error) {
      const cause = error instanceof RemoteMediaError ? error.cause : error;
      context.log.info('media left to the archive queue', {
        kind: error instanceof RemoteMediaError ? error.kind : undefined,
        failure: (cause as Error | undefined)?.name ?? 'unknown',
      });
      return undefined;
    }
  }

  const tools: FaceIdRowTools = { archive, finishResult };

  /** Any row of the table: its request built, the action called with every failure typed, its answer read. */
  async function runRow<A extends FaceIdAction>(
    action: A,
    input: FaceIdActivityInput<A>,
  ): Promise<FaceIdActivityOutput<A>> {
    const row = FACEID_ROWS[action];
    const request = await row.request(input, tools);
    const response = await typedFaceIdCall(() => faceid.call(action, input.region, request));
    return await row.answer(response, input, tools);
  }

  return Object.fromEntries(
    FACEID_ACTION_NAMES.map((action) => [
      faceIdActivityName(action),
      (input: FaceIdActivityInput<typeof action>) => runRow(action, input),
    ]),
  ) as FaceIdActivities;
}
