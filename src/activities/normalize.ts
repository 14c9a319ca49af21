import type {
  GetCardVerificationResultResponse,
  GetFaceIdResultIntlResponse,
  GetLivenessResultResponse,
  GetSdkVerificationResultResponse,
  GetWebVerificationResultIntlResponse,
  GetWebVerificationResultResponse,
} from '../faceid/schemas';
import type { FileInfo } from '../faceid/structures';
import type { DocumentResult, MediaKind, RemoteMedia, VerificationResult } from '../workflows/types';

/** Media that arrived inline (Base64) or as JSON fields and must be stored by the fetching activity itself. */
export interface InlineMedia {
  kind: MediaKind;
  /** Base64 text, or a JSON document (OCR fields) to store as `application/json`. */
  base64?: string;
  json?: unknown;
}

/** A normalised result plus what the activity still has to store before it can return. */
export interface NormalisedResult {
  result: Omit<VerificationResult, 'archived' | 'remoteMedia' | 'mediaClaim'>;
  remote: RemoteMedia[];
  inline: InlineMedia[];
}

/** SDK-flow codes: `0` success, `-999` not finished (§5.1). */
const NOT_FINISHED = '-999';
/** Web-flow code 17: "process not finished" (§5.2). */
const WEB_NOT_FINISHED = 17;

function isComparisonCode(code: string): boolean {
  return code.startsWith('2');
}

function remote(kind: MediaKind, file: FileInfo | null | undefined): RemoteMedia[] {
  return file?.Url ? [{ kind, url: file.Url, md5: file.MD5.toLowerCase(), size: file.Size }] : [];
}

function inline(kind: MediaKind, base64: string | null | undefined): InlineMedia[] {
  return base64 ? [{ kind, base64 }] : [];
}

function riskLevel(level: string | null | undefined): Pick<VerificationResult, 'deviceRiskLevel'> {
  return level ? { deviceRiskLevel: level } : {};
}

function documentFrom(
  source: DocumentResult['source'],
  isPass: boolean | null | undefined,
  warnings: number[] | null | undefined,
): DocumentResult {
  const codes = (warnings ?? []).map(String);
  return {
    source,
    status: isPass === false ? 'REJECTED' : codes.length > 0 ? 'WARNING' : 'PASSED',
    warnings: codes,
  };
}

/**
 * GetFaceIdResultIntl: one code covers the whole process. 1xxx codes are liveness failures; 2xxx codes mean the
 * liveness passed and the comparison (or the compare image) failed.
 */
export function normaliseSelfie(response: GetFaceIdResultIntlResponse, compareExpected: boolean): NormalisedResult {
  const code = response.Result;
  const base = { flow: 'selfie' as const, requestIds: [response.RequestId] };
  if (code === NOT_FINISHED) return { result: { ...base, finished: false, attempts: 0 }, remote: [], inline: [] };
  const livenessPassed = code === '0' || isComparisonCode(code);
  return {
    result: {
      ...base,
      finished: true,
      attempts: 1,
      liveness: { passed: livenessPassed, code: livenessPassed ? '0' : code },
      ...(compareExpected && livenessPassed
        ? { compare: { passed: code === '0', code, similarity: response.Similarity } }
        : {}),
      ...riskLevel(response.DeviceInfoLevel),
      ...(response.LivenessInfoTag?.length ? { livenessTags: response.LivenessInfoTag } : {}),
    },
    remote: [],
    inline: [
      ...inline('best-frame', response.BestFrame),
      ...inline('video', response.Video),
      ...inline('action-video', response.ActionVideo),
    ],
  };
}

/** GetSdkVerificationResult: the last CompareResult and the last CardVerifyResult are authoritative. */
export function normaliseEkyc(response: GetSdkVerificationResultResponse): NormalisedResult {
  const compares = response.CompareResults ?? [];
  const cards = response.CardVerifyResults ?? [];
  const lastCompare = compares.at(-1);
  const lastCard = cards.at(-1);
  const base = { flow: 'ekyc' as const, requestIds: [response.RequestId], attempts: compares.length };
  // Liveness is the last step of every eKYC check mode, so no liveness attempt means the user is not done.
  if (response.Result === NOT_FINISHED || !lastCompare) {
    return { result: { ...base, finished: false }, remote: [], inline: [] };
  }
  const liveCode = lastCompare.LiveErrorCode || lastCompare.ErrorCode;
  const compareCode = lastCompare.CompareErrorCode ?? '';
  const ocrFields = lastCard?.NormalCardInfo ?? lastCard?.CardInfo;
  return {
    result: {
      ...base,
      finished: true,
      liveness: { passed: liveCode === '0', code: liveCode },
      ...(compareCode !== ''
        ? { compare: { passed: compareCode === '0', code: compareCode, similarity: lastCompare.Sim } }
        : {}),
      ...(lastCard ? { document: documentFrom('ekyc-sdk', lastCard.IsPass, lastCard.WarnCardInfos) } : {}),
      ...riskLevel(response.DeviceInfoLevel),
      ...(lastCompare.LivenessInfoTag?.length ? { livenessTags: lastCompare.LivenessInfoTag } : {}),
    },
    remote: [
      ...remote('video', lastCompare.LiveVideo),
      ...remote('best-frame', lastCompare.BestFrame),
      ...remote('action-video', lastCompare.ActionVideo),
      ...remote('profile-image', lastCompare.ProfileImage),
      ...remote('live-data', lastCompare.LiveData),
      ...remote('card-image', lastCard?.CardImage),
      ...remote('card-video', lastCard?.CardVideo),
      ...remote('ocr-json', lastCard?.CardInfoOcrJson),
    ],
    inline: ocrFields ? [{ kind: 'ocr-json', json: ocrFields }] : [],
  };
}

/** GetLivenessResult: one code, media as URLs. */
export function normaliseLiveness(response: GetLivenessResultResponse): NormalisedResult {
  const code = response.Result;
  const base = { flow: 'liveness' as const, requestIds: [response.RequestId] };
  if (code === NOT_FINISHED || code === '') {
    return { result: { ...base, finished: false, attempts: 0 }, remote: [], inline: [] };
  }
  return {
    result: { ...base, finished: true, attempts: 1, liveness: { passed: code === '0', code } },
    remote: [...remote('video', response.Video), ...remote('best-frame', response.BestFrame)],
    inline: [],
  };
}

type WebDetail = NonNullable<GetWebVerificationResultIntlResponse['VerificationDetailList']>[number];

function webChecks(detail: WebDetail | undefined, compareExpected: boolean): Partial<VerificationResult> {
  if (!detail) return {};
  const liveCode = String(detail.LivenessErrorCode ?? detail.ErrorCode ?? '');
  const livenessPassed = liveCode === '0';
  const compareCode = detail.CompareErrorCode;
  return {
    liveness: { passed: livenessPassed, code: liveCode },
    ...(compareExpected && livenessPassed && compareCode !== null && compareCode !== undefined
      ? { compare: { passed: compareCode === 0, code: String(compareCode), similarity: detail.Similarity ?? null } }
      : {}),
  };
}

function webFinished(errorCode: number | null | undefined, details: readonly unknown[]): boolean {
  return errorCode !== null && errorCode !== undefined && errorCode !== WEB_NOT_FINISHED && details.length > 0;
}

/** GetWebVerificationResultIntl: the last attempt decides; media and OCR fields arrive inline. */
export function normaliseWebIntl(
  response: GetWebVerificationResultIntlResponse,
  compareExpected: boolean,
): NormalisedResult {
  const details = response.VerificationDetailList ?? [];
  const base = { flow: 'web' as const, requestIds: [response.RequestId], attempts: details.length };
  if (!webFinished(response.ErrorCode, details))
    return { result: { ...base, finished: false }, remote: [], inline: [] };
  const ocr = (response.OCRResult ?? []).at(-1);
  const ocrFields =
    ocr?.NormalCardInfo ?? ocr?.CardInfo ?? (ocr?.OriginalCardInfo ? { original: ocr.OriginalCardInfo } : null);
  return {
    result: {
      ...base,
      finished: true,
      ...webChecks(details.at(-1), compareExpected),
      ...(ocr ? { document: documentFrom('web-ocr', ocr.IsPass, ocr.WarnCardInfos) } : {}),
    },
    remote: [],
    inline: [
      ...inline('video', response.VideoBase64),
      ...inline('best-frame', response.BestFrameBase64),
      ...inline('card-image', ocr?.CardCutImageBase64 ?? ocr?.CardImageBase64),
      ...inline('card-back-image', ocr?.CardBackCutImageBase64 ?? ocr?.CardBackImageBase64),
      ...(ocrFields ? [{ kind: 'ocr-json' as const, json: ocrFields }] : []),
    ],
  };
}

/** GetWebVerificationResult (legacy): the last attempt decides; media as URLs with MD5 but no size. */
export function normaliseWebLegacy(response: GetWebVerificationResultResponse): NormalisedResult {
  const details = response.VerificationDetailList ?? [];
  const base = { flow: 'web-legacy' as const, requestIds: [response.RequestId], attempts: details.length };
  if (!webFinished(response.ErrorCode, details)) {
    return { result: { ...base, finished: false }, remote: [], inline: [] };
  }
  const media: RemoteMedia[] = [];
  if (response.VideoUrl && response.VideoMd5) {
    media.push({ kind: 'video', url: response.VideoUrl, md5: response.VideoMd5.toLowerCase(), size: null });
  }
  if (response.VideoBestFrameUrl && response.VideoBestFrameMd5) {
    media.push({
      kind: 'best-frame',
      url: response.VideoBestFrameUrl,
      md5: response.VideoBestFrameMd5.toLowerCase(),
      size: null,
    });
  }
  return { result: { ...base, finished: true, ...webChecks(details.at(-1), true) }, remote: media, inline: [] };
}

/** GetCardVerificationResult: nothing yet while PROCESSING; otherwise the verdict and the recognised fields. */
export function normaliseCard(response: GetCardVerificationResultResponse): {
  document?: DocumentResult;
  inline: InlineMedia[];
} {
  if (response.Status === 'PROCESSING') return { inline: [] };
  return {
    document: {
      source: 'card-verification',
      status: response.Status,
      warnings: response.WarnInfo ?? [],
      ...(response.CardType ? { cardType: response.CardType } : {}),
      ...(response.Nationality ? { nationality: response.Nationality } : {}),
    },
    inline: response.CardInfo ? [{ kind: 'ocr-json', json: response.CardInfo }] : [],
  };
}
