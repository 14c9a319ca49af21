import type { FaceIdResponse } from '../faceid/schemas';
import { failingCode, SDK_NOT_FINISHED_CODE, SUCCESS_CODE, WEB_NOT_FINISHED_CODE } from '../faceid/result-codes';
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

/** A process the user has not finished: nothing to store yet. */
function unfinished(base: Pick<VerificationResult, 'flow' | 'requestIds' | 'attempts'>): NormalisedResult {
  return { result: { ...base, finished: false }, remote: [], inline: [] };
}

/** A download link as the record keeps it; the legacy web result's links come without a size. */
function remote(
  kind: MediaKind,
  file: (Omit<FileInfo, 'Size'> & { Size: number | null }) | null | undefined,
): RemoteMedia[] {
  return file?.Url ? [{ kind, url: file.Url, md5: file.MD5.toLowerCase(), size: file.Size }] : [];
}

function inline(kind: MediaKind, base64: string | null | undefined): InlineMedia[] {
  return base64 ? [{ kind, base64 }] : [];
}

function riskLevel(level: string | null | undefined): Pick<VerificationResult, 'deviceRiskLevel'> {
  return level ? { deviceRiskLevel: level } : {};
}

/** A code as the record keeps it: FaceID's models give both `""` and null for a step that did not run. */
function codeOf(code: string | number | null | undefined): string | null {
  return code === null || code === undefined || code === '' ? null : String(code);
}

/** FaceID's verdict on the last OCR attempt; a null `IsPass` is no verdict, never a pass. */
function documentFrom(
  source: DocumentResult['source'],
  isPass: boolean | null | undefined,
  warnings: number[] | null | undefined,
  edited?: boolean | null,
): DocumentResult {
  const codes = (warnings ?? []).map(String);
  const status: DocumentResult['status'] =
    isPass === false ? 'REJECTED' : isPass !== true ? 'UNKNOWN' : codes.length > 0 ? 'WARNING' : 'PASSED';
  return { source, status, warnings: codes, ...(edited ? { edited: true } : {}) };
}

/** The liveness and compare checks as the result shows them, from the last attempt's detail codes. */
function checksFrom(
  liveness: string | null,
  compare: string | null,
  similarity: number | null | undefined,
): Pick<VerificationResult, 'liveness' | 'compare'> {
  return {
    ...(liveness !== null ? { liveness: { passed: liveness === SUCCESS_CODE, code: liveness } } : {}),
    ...(compare !== null
      ? { compare: { passed: compare === SUCCESS_CODE, code: compare, similarity: similarity ?? null } }
      : {}),
  };
}

/**
 * GetFaceIdResultIntl: one code covers the whole process. In compare mode a 2xxx code means the liveness passed and
 * the comparison failed; in liveness mode every failing code (2012 several faces, 2017 occluded, ...) fails liveness.
 */
export function normaliseSelfie(
  response: FaceIdResponse<'GetFaceIdResultIntl'>,
  compareExpected: boolean,
): NormalisedResult {
  const code = response.Result;
  const base = { flow: 'selfie' as const, requestIds: [response.RequestId] };
  if (code === SDK_NOT_FINISHED_CODE) return unfinished({ ...base, attempts: 0 });
  const overall = codeOf(code);
  const comparePhase = compareExpected && overall !== null && overall.startsWith('2');
  const liveness = comparePhase ? SUCCESS_CODE : overall;
  const compare = compareExpected && (overall === SUCCESS_CODE || comparePhase) ? overall : null;
  return {
    result: {
      ...base,
      finished: true,
      attempts: 1,
      codes: { action: 'GetFaceIdResultIntl', overall },
      extra: response.Extra ?? null,
      ...checksFrom(liveness, compare, response.Similarity),
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

/**
 * GetSdkVerificationResult: the last CompareResult and the last CardVerifyResult are authoritative. Liveness is the
 * last step of every eKYC check mode, so no liveness attempt means the user is not done, unless FaceID stopped the
 * session at a failed OCR attempt (a blocked document warning).
 */
export function normaliseEkyc(response: FaceIdResponse<'GetSdkVerificationResult'>): NormalisedResult {
  const compares = response.CompareResults ?? [];
  const cards = response.CardVerifyResults ?? [];
  const lastCompare = compares.at(-1);
  const lastCard = cards.at(-1);
  const base = { flow: 'ekyc' as const, requestIds: [response.RequestId], attempts: compares.length };
  if (response.Result === SDK_NOT_FINISHED_CODE || (!lastCompare && lastCard?.IsPass !== false))
    return unfinished(base);
  const liveness = codeOf(lastCompare?.LiveErrorCode);
  const compare = codeOf(lastCompare?.CompareErrorCode);
  const ocrFields = lastCard?.NormalCardInfo ?? lastCard?.CardInfo;
  return {
    result: {
      ...base,
      finished: true,
      codes: {
        action: 'GetSdkVerificationResult',
        overall: codeOf(response.Result),
        attempt: codeOf(lastCompare?.ErrorCode),
        liveness,
        compare,
      },
      extra: response.Extra ?? null,
      ...checksFrom(liveness, compare, lastCompare?.Sim),
      ...(lastCard
        ? { document: documentFrom('ekyc-sdk', lastCard.IsPass, lastCard.WarnCardInfos, lastCard.IsEdit) }
        : {}),
      ...riskLevel(response.DeviceInfoLevel),
      ...(lastCompare?.LivenessInfoTag?.length ? { livenessTags: lastCompare.LivenessInfoTag } : {}),
    },
    remote: [
      ...remote('video', lastCompare?.LiveVideo),
      ...remote('best-frame', lastCompare?.BestFrame),
      ...remote('action-video', lastCompare?.ActionVideo),
      ...remote('profile-image', lastCompare?.ProfileImage),
      ...remote('live-data', lastCompare?.LiveData),
      ...remote('card-image', lastCard?.CardImage),
      ...remote('card-video', lastCard?.CardVideo),
      ...remote('ocr-json', lastCard?.CardInfoOcrJson),
    ],
    inline: ocrFields ? [{ kind: 'ocr-json', json: ocrFields }] : [],
  };
}

/** GetLivenessResult: one code, media as URLs. */
export function normaliseLiveness(response: FaceIdResponse<'GetLivenessResult'>): NormalisedResult {
  const code = response.Result;
  const base = { flow: 'liveness' as const, requestIds: [response.RequestId] };
  if (code === SDK_NOT_FINISHED_CODE || code === '') return unfinished({ ...base, attempts: 0 });
  return {
    result: {
      ...base,
      finished: true,
      attempts: 1,
      codes: { action: 'GetLivenessResult', overall: code },
      ...checksFrom(code, null, null),
    },
    remote: [...remote('video', response.Video), ...remote('best-frame', response.BestFrame)],
    inline: [],
  };
}

type WebDetail = NonNullable<FaceIdResponse<'GetWebVerificationResultIntl'>['VerificationDetailList']>[number];
type WebAction = 'GetWebVerificationResultIntl' | 'GetWebVerificationResult';

/** The web result's codes and checks from its overall code and its last attempt. */
function webVerdict(
  action: WebAction,
  errorCode: number | null | undefined,
  detail: WebDetail | undefined,
): Pick<VerificationResult, 'codes' | 'liveness' | 'compare'> {
  const liveness = codeOf(detail?.LivenessErrorCode);
  const compare = codeOf(detail?.CompareErrorCode);
  return {
    codes: { action, overall: codeOf(errorCode), attempt: codeOf(detail?.ErrorCode), liveness, compare },
    ...checksFrom(liveness, compare, detail?.Similarity),
  };
}

/**
 * Whether a web process has ended: a code other than 17 ("not finished") and an attempt to show for it, unless the
 * code ends the process by itself (token expired, too many attempts, a system error) or the OCR step stopped it.
 */
function webFinished(
  action: WebAction,
  errorCode: number | null | undefined,
  details: readonly unknown[],
  ocrFailed: boolean,
): boolean {
  const code = codeOf(errorCode);
  if (code === null || code === WEB_NOT_FINISHED_CODE) return false;
  return details.length > 0 || ocrFailed || failingCode(action, code)?.scope === 'process';
}

/** GetWebVerificationResultIntl: the last attempt decides; media and OCR fields arrive inline. */
export function normaliseWebIntl(response: FaceIdResponse<'GetWebVerificationResultIntl'>): NormalisedResult {
  const action = 'GetWebVerificationResultIntl';
  const details = response.VerificationDetailList ?? [];
  const base = { flow: 'web' as const, requestIds: [response.RequestId], attempts: details.length };
  const ocr = (response.OCRResult ?? []).at(-1);
  if (!webFinished(action, response.ErrorCode, details, ocr?.IsPass === false)) return unfinished(base);
  const ocrFields =
    ocr?.NormalCardInfo ?? ocr?.CardInfo ?? (ocr?.OriginalCardInfo ? { original: ocr.OriginalCardInfo } : null);
  return {
    result: {
      ...base,
      finished: true,
      ...webVerdict(action, response.ErrorCode, details.at(-1)),
      extra: response.Extra ?? null,
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
export function normaliseWebLegacy(response: FaceIdResponse<'GetWebVerificationResult'>): NormalisedResult {
  const action = 'GetWebVerificationResult';
  const details = response.VerificationDetailList ?? [];
  const base = { flow: 'web-legacy' as const, requestIds: [response.RequestId], attempts: details.length };
  if (!webFinished(action, response.ErrorCode, details, false)) return unfinished(base);
  const file = (url: string | null, md5: string | null) => (url && md5 ? { Url: url, MD5: md5, Size: null } : null);
  return {
    result: { ...base, finished: true, ...webVerdict(action, response.ErrorCode, details.at(-1)) },
    remote: [
      ...remote('video', file(response.VideoUrl, response.VideoMd5)),
      ...remote('best-frame', file(response.VideoBestFrameUrl, response.VideoBestFrameMd5)),
    ],
    inline: [],
  };
}

/** GetCardVerificationResult: nothing yet while PROCESSING; otherwise the verdict and the recognised fields. */
export function normaliseCard(response: FaceIdResponse<'GetCardVerificationResult'>): {
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
