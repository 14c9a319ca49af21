import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MediaDownloader } from '../archive/download';
import type { FaceIdApi } from '../faceid/client';
import type { ObjectStore } from '../store/object-store';
import type {
  ArchiveRef,
  CardApplyInput,
  CardGrant,
  CardPollInput,
  CardPollResult,
  ResultFetchInput,
  TokenGrant,
  TokenIssueInput,
  VerificationResult,
} from '../workflows/types';
import { INLINE_ARCHIVE_BUDGET_MS } from '../contracts/inline-calls';
import { archiveStoreFailure, typedFaceIdCall } from './failures';
import { readStoredImageBase64, storeInlineMedia, storeMediaClaim } from './inline-media';
import { archiveRemoteMedia, RemoteMediaError } from './remote-media';
import {
  normaliseCard,
  normaliseEkyc,
  normaliseLiveness,
  normaliseSelfie,
  normaliseWebIntl,
  normaliseWebLegacy,
  type NormalisedResult,
} from './normalize';

/** What the FaceID activities need. */
export interface FaceIdActivityDeps {
  faceid: FaceIdApi;
  archive: ObjectStore;
  /** Archives a finished result's media at once; without it every result's media goes through `archiveMedia`. */
  downloader?: MediaDownloader;
}

/**
 * Document warnings are the journey policy's to decide (`documentWarning`: review by default), so unless the backend
 * chose FaceID's own warning checks (`DisableCheckOcrWarnings` or `SelectedWarningCodes`), a token asks FaceID to
 * report warnings without withholding the OCR result (FaceID's default blocks on every warning).
 */
function warningsLeftToPolicy<T extends { DisableCheckOcrWarnings?: boolean; SelectedWarningCodes?: unknown }>(
  options: T,
): T {
  if (options.DisableCheckOcrWarnings !== undefined || options.SelectedWarningCodes !== undefined) return options;
  return { ...options, DisableCheckOcrWarnings: true };
}

/** FaceID's own polling hints when ApplyCardVerification omits them. */
const DEFAULT_CARD_POLL_WAIT_SECONDS = 3;
const DEFAULT_CARD_MAX_POLLS = 10;

function optionsOf<K extends 'selfie' | 'ekyc' | 'liveness' | 'web' | 'webLegacy'>(
  input: TokenIssueInput,
  key: K,
): NonNullable<TokenIssueInput[K]> | Record<string, never> {
  return input[key] ?? {};
}

/** The journey's tag as FaceID's pass-through `Extra`, where the journey sends one. */
function extraOf(input: TokenIssueInput): { Extra?: string } {
  return input.extra !== undefined ? { Extra: input.extra } : {};
}

function missingOptions(what: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'FaceIdInvalidRequest',
    message: `${what} is required`,
    nonRetryable: true,
  });
}

/**
 * One activity per FaceID action: a thin adapter that reads stored images, calls the action, normalises the
 * response, stores inline media, and types every failure. No decisions are made here.
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

  return {
    getFaceIdTokenIntl: async (input: TokenIssueInput): Promise<TokenGrant> => {
      const options = optionsOf(input, 'selfie');
      const image = input.compareImage ? await readStoredImageBase64(archive, input.compareImage) : undefined;
      if (options.CheckMode === 'compare' && !image) throw missingOptions('compareImage for CheckMode compare');
      const response = await typedFaceIdCall(() =>
        faceid.getFaceIdTokenIntl(input.region, { ...options, ...extraOf(input), ...(image ? { Image: image } : {}) }),
      );
      return { token: response.SdkToken, requestId: response.RequestId };
    },

    getFaceIdResultIntl: async (input: ResultFetchInput): Promise<VerificationResult> => {
      const response = await typedFaceIdCall(() => faceid.getFaceIdResultIntl(input.region, { SdkToken: input.token }));
      return finishResult(input.journeyId, normaliseSelfie(response, input.compareExpected));
    },

    applySdkVerificationToken: async (input: TokenIssueInput): Promise<TokenGrant> => {
      const options = optionsOf(input, 'ekyc');
      const image = input.compareImage ? await readStoredImageBase64(archive, input.compareImage) : undefined;
      if (options.CheckMode === 2 && !image) throw missingOptions('compareImage for CheckMode 2');
      const response = await typedFaceIdCall(() =>
        faceid.applySdkVerificationToken(input.region, {
          ...warningsLeftToPolicy(options),
          ...extraOf(input),
          ...(image ? { CompareImage: image } : {}),
        }),
      );
      return { token: response.SdkToken, requestId: response.RequestId };
    },

    getSdkVerificationResult: async (input: ResultFetchInput): Promise<VerificationResult> => {
      const response = await typedFaceIdCall(() =>
        faceid.getSdkVerificationResult(input.region, { SdkToken: input.token }),
      );
      return finishResult(input.journeyId, normaliseEkyc(response));
    },

    applyLivenessToken: async (input: TokenIssueInput): Promise<TokenGrant> => {
      const response = await typedFaceIdCall(() =>
        faceid.applyLivenessToken(input.region, optionsOf(input, 'liveness')),
      );
      return { token: response.SdkToken, requestId: response.RequestId };
    },

    getLivenessResult: async (input: ResultFetchInput): Promise<VerificationResult> => {
      const response = await typedFaceIdCall(() => faceid.getLivenessResult(input.region, { SdkToken: input.token }));
      return finishResult(input.journeyId, normaliseLiveness(response));
    },

    applyWebVerificationBizTokenIntl: async (input: TokenIssueInput): Promise<TokenGrant> => {
      const web = input.web;
      if (!web) throw missingOptions('web.RedirectURL');
      const image = input.compareImage ? await readStoredImageBase64(archive, input.compareImage) : undefined;
      const response = await typedFaceIdCall(() =>
        faceid.applyWebVerificationBizTokenIntl(input.region, {
          ...web,
          ...extraOf(input),
          Config: warningsLeftToPolicy(web.Config ?? {}),
          ...(image ? { CompareImageBase64: image } : {}),
        }),
      );
      return { token: response.BizToken, verificationUrl: response.VerificationURL, requestId: response.RequestId };
    },

    getWebVerificationResultIntl: async (input: ResultFetchInput): Promise<VerificationResult> => {
      const response = await typedFaceIdCall(() =>
        faceid.getWebVerificationResultIntl(input.region, { BizToken: input.token }),
      );
      return finishResult(input.journeyId, normaliseWebIntl(response));
    },

    applyWebVerificationToken: async (input: TokenIssueInput): Promise<TokenGrant> => {
      if (!input.webLegacy) throw missingOptions('webLegacy.RedirectUrl, CompareImageUrl and CompareImageMd5');
      const options = input.webLegacy;
      const response = await typedFaceIdCall(() => faceid.applyWebVerificationToken(input.region, options));
      return { token: response.BizToken, verificationUrl: response.VerificationUrl, requestId: response.RequestId };
    },

    getWebVerificationResult: async (input: ResultFetchInput): Promise<VerificationResult> => {
      const response = await typedFaceIdCall(() =>
        faceid.getWebVerificationResult(input.region, { BizToken: input.token }),
      );
      return finishResult(input.journeyId, normaliseWebLegacy(response));
    },

    applyCardVerification: async (input: CardApplyInput): Promise<CardGrant> => {
      const { document } = input;
      const front = await readStoredImageBase64(archive, document.front);
      const back = document.back ? await readStoredImageBase64(archive, document.back) : undefined;
      const response = await typedFaceIdCall(() =>
        faceid.applyCardVerification(input.region, {
          Nationality: document.nationality,
          CardType: document.cardType,
          ImageBase64Front: front,
          ...(back ? { ImageBase64Back: back } : {}),
        }),
      );
      return {
        cardToken: response.CardVerificationToken,
        maxPolls: response.AsyncCardVerificationMaxPollingTimes ?? DEFAULT_CARD_MAX_POLLS,
        pollWaitSeconds: response.AsyncCardVerificationPollingWaitTime ?? DEFAULT_CARD_POLL_WAIT_SECONDS,
        requestId: response.RequestId,
      };
    },

    getCardVerificationResult: async (input: CardPollInput): Promise<CardPollResult> => {
      const response = await typedFaceIdCall(() =>
        faceid.getCardVerificationResult(input.region, { CardVerificationToken: input.cardToken }),
      );
      const { document, inline } = normaliseCard(response);
      const archived = await storeInlineMedia(archive, input.journeyId, inline);
      return { ...(document ? { document } : {}), archived, requestId: response.RequestId };
    },
  };
}
