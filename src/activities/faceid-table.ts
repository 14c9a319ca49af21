import { ApplicationFailure } from '@temporalio/activity';
import type { FLOW_PLANS } from '../contracts/flow-plan';
import type { FaceIdAction } from '../faceid/actions';
import type { FaceIdRequest, FaceIdResponse } from '../faceid/schemas';
import type { ObjectStore } from '../store/object-store';
import type {
  CardApplyInput,
  CardGrant,
  CardPollInput,
  CardPollResult,
  Flow,
  ResultFetchInput,
  TokenGrant,
  TokenIssueInput,
  VerificationResult,
} from '../workflows/types';
import { readStoredImageBase64, storeInlineMedia } from './inline-media';
import {
  normaliseCard,
  normaliseEkyc,
  normaliseLiveness,
  normaliseSelfie,
  normaliseWebIntl,
  normaliseWebLegacy,
  type NormalisedResult,
} from './normalize';

type TokenAction = (typeof FLOW_PLANS)[Flow]['issue'];
type ResultAction = (typeof FLOW_PLANS)[Flow]['result'];

/** What the activity of a FaceID action takes: a token request, a result pull, or one of the document check's two. */
export type FaceIdActivityInput<A extends FaceIdAction> = A extends TokenAction
  ? TokenIssueInput
  : A extends ResultAction
    ? ResultFetchInput
    : A extends 'ApplyCardVerification'
      ? CardApplyInput
      : CardPollInput;

/** What the activity of a FaceID action returns. */
export type FaceIdActivityOutput<A extends FaceIdAction> = A extends TokenAction
  ? TokenGrant
  : A extends ResultAction
    ? VerificationResult
    : A extends 'ApplyCardVerification'
      ? CardGrant
      : CardPollResult;

/** What a row may use besides FaceID: the archive, and the storing of a normalised result's media. */
export interface FaceIdRowTools {
  archive: ObjectStore;
  finishResult(journeyId: string, normalised: NormalisedResult): Promise<VerificationResult>;
}

/** One FaceID activity: how its input becomes the action's request, and the action's answer its output. */
export interface FaceIdRow<A extends FaceIdAction> {
  request(input: FaceIdActivityInput<A>, tools: FaceIdRowTools): FaceIdRequest<A> | Promise<FaceIdRequest<A>>;
  answer(
    response: FaceIdResponse<A>,
    input: FaceIdActivityInput<A>,
    tools: FaceIdRowTools,
  ): FaceIdActivityOutput<A> | Promise<FaceIdActivityOutput<A>>;
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

function optionsOf<K extends 'selfie' | 'ekyc' | 'liveness'>(
  input: TokenIssueInput,
  key: K,
): NonNullable<TokenIssueInput[K]> | Record<string, never> {
  return input[key] ?? {};
}

/** The journey's tag as FaceID's pass-through `Extra`, where the journey sends one. */
function extraOf(input: TokenIssueInput): { Extra?: string } {
  return input.extra !== undefined ? { Extra: input.extra } : {};
}

/** The image the user's face is compared with, as FaceID takes it, when the journey brought one. */
async function compareImageOf(input: TokenIssueInput, { archive }: FaceIdRowTools): Promise<string | undefined> {
  return input.compareImage ? await readStoredImageBase64(archive, input.compareImage) : undefined;
}

function missingOptions(what: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'FaceIdInvalidRequest',
    message: `${what} is required`,
    nonRetryable: true,
  });
}

/** A web flow's BizToken with the page the user opens. */
function webGrant(token: string, verificationUrl: string, requestId: string): TokenGrant {
  return { token, verificationUrl, requestId };
}

/** An SDK flow's token. */
function sdkGrant(response: { SdkToken: string; RequestId: string }): TokenGrant {
  return { token: response.SdkToken, requestId: response.RequestId };
}

/**
 * Every FaceID action's activity as data: a thin adapter that reads stored images, builds the request, and normalises
 * the answer. No decisions are made here; `createFaceIdActivities` runs any row the same way.
 */
export const FACEID_ROWS: { readonly [A in FaceIdAction]: FaceIdRow<A> } = {
  GetFaceIdTokenIntl: {
    request: async (input, tools) => {
      const options = optionsOf(input, 'selfie');
      const image = await compareImageOf(input, tools);
      if (options.CheckMode === 'compare' && !image) throw missingOptions('compareImage for CheckMode compare');
      return { ...options, ...extraOf(input), ...(image ? { Image: image } : {}) };
    },
    answer: sdkGrant,
  },
  GetFaceIdResultIntl: {
    request: (input) => ({ SdkToken: input.token }),
    answer: (response, input, tools) =>
      tools.finishResult(input.journeyId, normaliseSelfie(response, input.compareExpected)),
  },
  ApplySdkVerificationToken: {
    request: async (input, tools) => {
      const options = optionsOf(input, 'ekyc');
      const image = await compareImageOf(input, tools);
      if (options.CheckMode === 2 && !image) throw missingOptions('compareImage for CheckMode 2');
      return { ...warningsLeftToPolicy(options), ...extraOf(input), ...(image ? { CompareImage: image } : {}) };
    },
    answer: sdkGrant,
  },
  GetSdkVerificationResult: {
    request: (input) => ({ SdkToken: input.token }),
    answer: (response, input, tools) => tools.finishResult(input.journeyId, normaliseEkyc(response)),
  },
  ApplyLivenessToken: {
    request: (input) => optionsOf(input, 'liveness'),
    answer: sdkGrant,
  },
  GetLivenessResult: {
    request: (input) => ({ SdkToken: input.token }),
    answer: (response, input, tools) => tools.finishResult(input.journeyId, normaliseLiveness(response)),
  },
  ApplyWebVerificationBizTokenIntl: {
    request: async (input, tools) => {
      const web = input.web;
      if (!web) throw missingOptions('web.RedirectURL');
      const image = await compareImageOf(input, tools);
      return {
        ...web,
        ...extraOf(input),
        Config: warningsLeftToPolicy(web.Config ?? {}),
        ...(image ? { CompareImageBase64: image } : {}),
      };
    },
    answer: (response) => webGrant(response.BizToken, response.VerificationURL, response.RequestId),
  },
  GetWebVerificationResultIntl: {
    request: (input) => ({ BizToken: input.token }),
    answer: (response, input, tools) => tools.finishResult(input.journeyId, normaliseWebIntl(response)),
  },
  ApplyWebVerificationToken: {
    request: (input) => {
      if (!input.webLegacy) throw missingOptions('webLegacy.RedirectUrl, CompareImageUrl and CompareImageMd5');
      return input.webLegacy;
    },
    // The legacy action spells the page's address `VerificationUrl`.
    answer: (response) => webGrant(response.BizToken, response.VerificationUrl, response.RequestId),
  },
  GetWebVerificationResult: {
    request: (input) => ({ BizToken: input.token }),
    answer: (response, input, tools) => tools.finishResult(input.journeyId, normaliseWebLegacy(response)),
  },
  ApplyCardVerification: {
    request: async ({ document }, { archive }) => {
      const front = await readStoredImageBase64(archive, document.front);
      const back = document.back ? await readStoredImageBase64(archive, document.back) : undefined;
      return {
        Nationality: document.nationality,
        CardType: document.cardType,
        ImageBase64Front: front,
        ...(back ? { ImageBase64Back: back } : {}),
      };
    },
    answer: (response) => ({
      cardToken: response.CardVerificationToken,
      maxPolls: response.AsyncCardVerificationMaxPollingTimes ?? DEFAULT_CARD_MAX_POLLS,
      pollWaitSeconds: response.AsyncCardVerificationPollingWaitTime ?? DEFAULT_CARD_POLL_WAIT_SECONDS,
      requestId: response.RequestId,
    }),
  },
  GetCardVerificationResult: {
    request: (input) => ({ CardVerificationToken: input.cardToken }),
    answer: async (response, input, { archive }) => {
      const { document, inline } = normaliseCard(response);
      const archived = await storeInlineMedia(archive, input.journeyId, inline);
      return { ...(document ? { document } : {}), archived, requestId: response.RequestId };
    },
  },
};
