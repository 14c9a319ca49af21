import { randomUUID } from 'node:crypto';
import { legacyCardInfo, normalCardInfo, normalKindForSdkCardType, syntheticPerson } from '../card-info';
import { SDK_ID_CARD_TYPES } from '../../faceid';
import { jsonAsset } from '../media';
import { describeCode, detailMessage, type DocumentOutcome, type Outcome } from '../outcome';
import { BLOCKABLE_WARNINGS, RESULT_DESCRIPTIONS, warningChecks } from '../scenarios';
import type { Session } from '../sessions';
import {
  type ActionContext,
  type ActionDef,
  IMAGE_BASE64_LIMIT,
  INTL_REGIONS,
  SDK_VERSIONS,
  TOKEN_PARAM,
  checkActionList,
  checkImageSize,
  inRange,
  issueSession,
  missingFor,
  invalidValue,
  livenessTags,
  oneOf,
  opt,
  publish,
  reportsDeviceRisk,
  reportsLivenessTags,
} from './common';

const ACTION = 'GetSdkVerificationResult';

/** Card types whose warnings FaceID can block on (HK and Malaysian ID cards, passports). */
const WARNING_CHECKED_CARDS = ['HK', 'ML', 'MLIDPassport'];

/** ApplySdkVerificationToken: issues an SdkToken for the full eKYC SDK (OCR, liveness, compare per CheckMode). */
export const applySdkVerificationToken: ActionDef = {
  name: 'ApplySdkVerificationToken',
  regions: INTL_REGIONS,
  params: {
    CheckMode: { type: 'integer' },
    SecurityLevel: { type: 'integer' },
    IdCardType: { type: 'string' },
    CompareImage: { type: 'string' },
    NeedVerifyIdCard: { type: 'boolean' },
    DisableChangeOcrResult: { type: 'boolean' },
    DisableCheckOcrWarnings: { type: 'boolean' },
    SelectedWarningCodes: { type: { array: 'integer' } },
    Extra: { type: 'string' },
    SdkVersion: { type: 'string' },
    ActionList: { type: 'string' },
    AllowExpiredDocument: { type: 'boolean' },
    // Newer than SDK 3.0.1335's model but documented (CLI metadata); accepted so newer clients work.
    SkipResultPage: { type: 'boolean' },
    SkipLaunchPage: { type: 'boolean' },
    SkipOcrConfirmPage: { type: 'boolean' },
    HideProgressBar: { type: 'boolean' },
    AllowUploadPhoto: { type: 'boolean' },
    EnableForgeryDetectionImages: { type: 'boolean' },
    CardOcrDisplayFields: { type: { array: 'string' } },
    RetryLimit: { type: 'integer' },
    MetaData: { type: 'string' },
  },
  handle(ctx, params) {
    const checkMode = oneOf('CheckMode', opt<number>(params, 'CheckMode'), [1, 2, 3], 1);
    const securityLevel = oneOf('SecurityLevel', opt<number>(params, 'SecurityLevel'), [1, 2, 3, 4], 4);
    const idCardType = oneOf('IdCardType', opt<string>(params, 'IdCardType'), SDK_ID_CARD_TYPES, 'HK');
    const compareImage = opt<string>(params, 'CompareImage');
    if (checkMode === 2 && !compareImage) throw missingFor('CompareImage', 'CheckMode is 2');
    checkImageSize('CompareImage', compareImage, IMAGE_BASE64_LIMIT);
    const selectedWarnings = opt<number[]>(params, 'SelectedWarningCodes');
    for (const code of selectedWarnings ?? []) {
      if (!BLOCKABLE_WARNINGS.includes(code))
        throw invalidValue('SelectedWarningCodes', `unknown warning code ${code}`);
    }
    const checks = warningChecks(
      opt<boolean>(params, 'DisableCheckOcrWarnings'),
      selectedWarnings,
      WARNING_CHECKED_CARDS.includes(idCardType),
    );
    const extra = opt<string>(params, 'Extra') ?? '';
    if (extra.length > 1024) throw invalidValue('Extra', 'longer than 1024 characters');
    const sdkVersion = oneOf('SdkVersion', opt<string>(params, 'SdkVersion'), SDK_VERSIONS, 'BASIC');
    checkActionList('ActionList', opt<string>(params, 'ActionList'), securityLevel, [2, 4]);
    inRange('RetryLimit', opt<number>(params, 'RetryLimit'), 1, 5, 5);
    const session = issueSession(ctx, {
      flow: 'ekyc',
      caps: { liveness: true, compare: checkMode !== 3, document: checkMode === 1 },
      options: { checkMode, securityLevel, idCardType, sdkVersion, extra, warningChecks: checks },
    });
    return { SdkToken: session.token };
  },
};

/** A user's correction of the OCR result (synthetic: the OCR misread a letter, the user fixed it). */
const EDIT_DETAILS = [
  { FieldName: 'FullName', OriginalFieldValue: 'SANDB0X TESTER', RevisedFieldValue: 'SANDBOX TESTER' },
];

function cardVerifyResults(
  ctx: ActionContext,
  session: Session,
  outcome: Outcome,
  document: DocumentOutcome,
): Record<string, unknown>[] {
  const { assets } = ctx.state;
  const person = syntheticPerson(session.token);
  const kind = normalKindForSdkCardType(session.options.idCardType as string);
  const results: Record<string, unknown>[] = [];
  for (let attempt = 0; attempt < outcome.attempts; attempt += 1) {
    // Earlier attempts fail on a blurred photo, then the user retries.
    results.push({
      IsPass: false,
      IsEdit: false,
      CardVideo: null,
      CardImage: publish(ctx, assets.cardImage(session.variant + attempt + 1)),
      CardInfoOcrJson: null,
      RequestId: randomUUID(),
      CardInfo: null,
      NormalCardInfo: null,
      WarnCardInfos: [-9108],
      EditDetails: [],
    });
  }
  const normal = normalCardInfo(kind, person);
  const legacyKind = kind === 'HKIDCard' || kind === 'MLIDCard' || kind === 'IndonesiaIDCard' ? kind : undefined;
  // The OCR JSON file keeps the legacy per-type layout where one is documented (HK's Permanent is an integer there).
  const legacy = legacyKind ? (legacyCardInfo(legacyKind, person)[legacyKind] as Record<string, unknown>) : undefined;
  const ocrFile = legacy ? (legacyKind === 'HKIDCard' ? { ...legacy, Permanent: 1 } : legacy) : normal[kind];
  const read = document.isPass !== false;
  results.push({
    IsPass: document.isPass,
    IsEdit: document.edited,
    CardVideo: null,
    CardImage: publish(ctx, assets.cardImage(session.variant)),
    CardInfoOcrJson: read ? publish(ctx, jsonAsset('card-info-ocr.json', ocrFile)) : null,
    RequestId: randomUUID(),
    CardInfo: null,
    NormalCardInfo: read ? normal : null,
    WarnCardInfos: document.warnings,
    EditDetails: document.edited ? EDIT_DETAILS : [],
  });
  return results;
}

function compareResults(ctx: ActionContext, session: Session, outcome: Outcome): Record<string, unknown>[] {
  const { assets } = ctx.state;
  const { securityLevel, sdkVersion, checkMode } = session.options;
  const withActions = securityLevel === 2 || securityLevel === 4;
  const tags = reportsLivenessTags(sdkVersion);
  const media = (variant: number) => ({
    LiveData: publish(ctx, assets.liveData()),
    LiveVideo: publish(ctx, assets.video()),
    ActionVideo: withActions ? publish(ctx, assets.actionVideo()) : null,
    BestFrame: publish(ctx, assets.bestFrame(variant)),
    ProfileImage: checkMode === 1 ? publish(ctx, assets.profileImage(session.variant)) : null,
  });
  const results: Record<string, unknown>[] = [];
  for (let attempt = 0; attempt < outcome.attempts; attempt += 1) {
    // Earlier attempts fail on lighting (1201) before comparison runs.
    results.push({
      ErrorCode: '1201',
      ErrorMsg: RESULT_DESCRIPTIONS['1201'],
      ...media(session.variant + attempt + 1),
      LiveErrorCode: '1201',
      LiveErrorMsg: RESULT_DESCRIPTIONS['1201'],
      CompareErrorCode: '',
      CompareErrorMsg: '',
      Sim: 0,
      IsNeedCharge: true,
      CardInfoInputJson: null,
      RequestId: randomUUID(),
      LivenessInfoTag: tags ? ['09'] : null,
    });
  }
  results.push({
    ErrorCode: outcome.resultCode,
    ErrorMsg: describeCode(ACTION, outcome.resultCode),
    ...media(session.variant),
    LiveErrorCode: outcome.liveness,
    LiveErrorMsg: detailMessage(ACTION, outcome.liveness),
    CompareErrorCode: outcome.compare,
    CompareErrorMsg: detailMessage(ACTION, outcome.compare),
    Sim: outcome.similarity,
    IsNeedCharge: true,
    CardInfoInputJson: null,
    RequestId: randomUUID(),
    LivenessInfoTag: tags ? livenessTags(outcome.liveness) : null,
  });
  return results;
}

/** GetSdkVerificationResult: every OCR and liveness attempt (last authoritative) with media at fresh URLs. */
export const getSdkVerificationResult: ActionDef = {
  name: ACTION,
  regions: INTL_REGIONS,
  params: { SdkToken: TOKEN_PARAM },
  handle(ctx, params) {
    const session = ctx.state.sessions.forResult(params.SdkToken as string, 'ekyc', ctx.caller, ctx.nowMs);
    const { extra, sdkVersion } = session.options;
    const outcome = session.outcome;
    if (!outcome) {
      return {
        Result: '-999',
        Description: RESULT_DESCRIPTIONS['-999'],
        ChargeCount: 0,
        CardVerifyResults: [],
        CompareResults: [],
        Extra: extra,
        DeviceInfoLevel: '',
      };
    }
    const { document } = outcome;
    const cards = document ? cardVerifyResults(ctx, session, outcome, document) : [];
    // A blocked OCR warning ends the session before liveness: no liveness attempt ran.
    const compares = document?.blocked ? [] : compareResults(ctx, session, outcome);
    return {
      Result: outcome.resultCode,
      Description: describeCode(ACTION, outcome.resultCode),
      ChargeCount: cards.length + compares.length,
      CardVerifyResults: cards,
      CompareResults: compares,
      Extra: outcome.extra ?? extra,
      DeviceInfoLevel: outcome.deviceRiskLevel ?? (reportsDeviceRisk(sdkVersion) ? '1' : ''),
    };
  },
};
