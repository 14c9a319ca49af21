import { randomUUID } from 'node:crypto';
import { normalCardInfo, syntheticPerson, type NormalCardKind } from '../card-info';
import { WEB_ID_CARD_TYPES, WEB_NOT_FINISHED_CODE } from '../../faceid';
import { describeCode, detailMessage, type Outcome } from '../outcome';
import { RESULT_DESCRIPTIONS, warningChecks } from '../scenarios';
import {
  type ActionContext,
  type ActionDef,
  INTL_REGIONS,
  JKT_SG_REGIONS,
  TOKEN_PARAM,
  WEB_COMPARE_IMAGE_LIMIT,
  checkActionList,
  checkImageSize,
  checkUrl,
  inRange,
  issueSession,
  invalidValue,
  oneOf,
  opt,
  publish,
} from './common';

const NOT_FINISHED_MSG = RESULT_DESCRIPTIONS['-999'];
const NOT_FINISHED_CODE = Number(WEB_NOT_FINISHED_CODE);
const INTL_ACTION = 'GetWebVerificationResultIntl';
const LEGACY_ACTION = 'GetWebVerificationResult';

/** The page the emulator serves for a web session (`/web/verify?token=`). */
function verificationUrl(ctx: ActionContext, token: string): string {
  return `${ctx.state.publicBaseUrl()}/web/verify?token=${encodeURIComponent(token)}`;
}

const webConfigSpec = {
  AutoSkipStartPage: { type: 'boolean' },
  AutoSkip: { type: 'boolean' },
  CheckMode: { type: 'integer' },
  IDCardType: { type: 'string' },
  DisableCheckOcrWarnings: { type: 'boolean' },
  SecurityLevel: { type: 'integer' },
  SkipPrivacyPolicy: { type: 'boolean' },
  IdCardCutReturn: { type: 'boolean' },
  ThemeColor: { type: 'string' },
  Language: { type: 'string' },
  AutoDowngrade: { type: 'integer' },
  ActionList: { type: 'string' },
  LivenessRetryLimit: { type: 'integer' },
  LivenessTimeout: { type: 'integer' },
  SelectedWarningCodes: { type: 'string' },
  AllowExpiredDocument: { type: 'boolean' },
  Version: { type: 'string' },
} as const;

/** Card types whose warnings FaceID can block on (HK and Malaysian ID cards, passports). */
const WARNING_CHECKED_CARDS: readonly NormalCardKind[] = ['HKIDCard', 'MLIDCard', 'InternationalIDPassport'];

/** `Config.SelectedWarningCodes`: a comma list of negative integer codes such as `-9104,-9105`. */
function parseWarningCodes(text: string | undefined): number[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  return text.split(',').map((part) => {
    const code = Number(part.trim());
    if (!Number.isInteger(code) || code >= 0)
      throw invalidValue('Config.SelectedWarningCodes', 'expected a comma list of warning codes such as -9104');
    return code;
  });
}

/** ApplyWebVerificationBizTokenIntl: issues a BizToken and a VerificationURL pointing at the emulator's page. */
export const applyWebVerificationBizTokenIntl: ActionDef = {
  name: 'ApplyWebVerificationBizTokenIntl',
  regions: INTL_REGIONS,
  params: {
    RedirectURL: { type: 'string', required: true },
    CompareImageBase64: { type: 'string' },
    Extra: { type: 'string' },
    RuleId: { type: 'string' },
    Config: { type: { object: webConfigSpec } },
  },
  handle(ctx, params) {
    const redirectUrl = checkUrl('RedirectURL', params.RedirectURL as string).toString();
    const compareImage = opt<string>(params, 'CompareImageBase64');
    if (compareImage?.startsWith('data:')) throw invalidValue('CompareImageBase64', 'omit the data: URI prefix');
    checkImageSize('CompareImageBase64', compareImage, WEB_COMPARE_IMAGE_LIMIT);
    const extra = opt<string>(params, 'Extra') ?? '';
    if (extra.length > 1000) throw invalidValue('Extra', 'longer than 1000 characters');
    const config = opt<Record<string, unknown>>(params, 'Config') ?? {};
    const checkMode = oneOf('Config.CheckMode', config.CheckMode as number | undefined, [1, 2, 3, 4], 2);
    const securityLevel = oneOf('Config.SecurityLevel', config.SecurityLevel as number | undefined, [1, 2, 3, 4, 5], 3);
    const idCardType = oneOf<NormalCardKind>(
      'Config.IDCardType',
      config.IDCardType as NormalCardKind | undefined,
      WEB_ID_CARD_TYPES,
      'HKIDCard',
    );
    oneOf('Config.Language', config.Language as string | undefined, ['th', 'en', 'zh-cn', 'zh-tc', 'id'], 'en');
    oneOf('Config.AutoDowngrade', config.AutoDowngrade as number | undefined, [1, 2], 1);
    oneOf('Config.Version', config.Version as string | undefined, ['BASIC', 'PLUS'], 'BASIC');
    inRange('Config.LivenessRetryLimit', config.LivenessRetryLimit as number | undefined, 1, 99, 99);
    inRange('Config.LivenessTimeout', config.LivenessTimeout as number | undefined, 1, 600, 45);
    checkActionList('Config.ActionList', config.ActionList as string | undefined, securityLevel, [2, 4, 5]);
    const checks = warningChecks(
      config.DisableCheckOcrWarnings as boolean | undefined,
      parseWarningCodes(config.SelectedWarningCodes as string | undefined),
      WARNING_CHECKED_CARDS.includes(idCardType),
    );
    const session = issueSession(ctx, {
      flow: 'web',
      caps: {
        liveness: checkMode !== 4,
        compare: checkMode === 1 || checkMode === 2,
        document: checkMode === 1 || checkMode === 4,
      },
      options: { checkMode, idCardType, extra, warningChecks: checks },
      redirectUrl,
    });
    const url = verificationUrl(ctx, session.token);
    return { VerificationUrl: url, BizToken: session.token, VerificationURL: url };
  },
};

/**
 * The legacy web flow's success text: `Succeed` in its `ErrorMsg` and each detail's (reference §3.10, S1), where the
 * intl flow and the liveness and compare texts say `Success`.
 */
const LEGACY_SUCCESS_MSG = 'Succeed';

/** A web detail code: FaceID answers integers, `null` when absent. */
const webCode = (code: string | null): number | null => (code === null || code === '' ? null : Number(code));

/**
 * The attempts of a web session, the final one last; none when the process ended before a final attempt (a process
 * code) or the session stopped at a blocked OCR warning before liveness.
 */
function verificationDetails(
  action: 'GetWebVerificationResultIntl' | 'GetWebVerificationResult',
  outcome: Outcome,
  nowMs: number,
  successMsg = RESULT_DESCRIPTIONS['0'],
): Record<string, unknown>[] {
  if (outcome.document?.blocked) return [];
  const detail = (code: string, liveness: string | null, compare: string | null, similarity: number, at: number) => ({
    ErrorCode: Number(code),
    ErrorMsg: code === '0' ? successMsg : describeCode(action, code),
    LivenessErrorCode: webCode(liveness),
    LivenessErrorMsg: detailMessage(action, webCode(liveness) === null ? null : liveness),
    CompareErrorCode: webCode(compare),
    CompareErrorMsg: detailMessage(action, webCode(compare) === null ? null : compare),
    ReqTimestamp: at,
    Similarity: similarity,
    Seq: randomUUID(),
  });
  // Earlier attempts fail on lighting (1201) before comparison runs, 30 s apart.
  const details: Record<string, unknown>[] = Array.from({ length: outcome.attempts }, (_, attempt) =>
    detail('1201', '1201', null, 0, nowMs - (outcome.attempts - attempt) * 30_000),
  );
  if (outcome.finalAttempt) {
    details.push(detail(outcome.resultCode, outcome.liveness, outcome.compare, outcome.similarity, nowMs));
  }
  return details;
}

/** GetWebVerificationResultIntl: attempts, last attempt's media inline as Base64, OCR; ErrorCode 17 while unfinished. */
export const getWebVerificationResultIntl: ActionDef = {
  name: INTL_ACTION,
  regions: INTL_REGIONS,
  params: { BizToken: TOKEN_PARAM },
  handle(ctx, params) {
    const session = ctx.state.sessions.forResult(params.BizToken as string, 'web', ctx.caller, ctx.nowMs);
    const extra = session.options.extra;
    const outcome = session.outcome;
    if (!outcome) {
      return {
        ErrorCode: NOT_FINISHED_CODE,
        ErrorMsg: NOT_FINISHED_MSG,
        VerificationDetailList: null,
        VideoBase64: null,
        BestFrameBase64: null,
        OCRResult: null,
        Extra: extra,
      };
    }
    const { assets } = ctx.state;
    const { document } = outcome;
    let ocr: Record<string, unknown>[] | null = null;
    if (document) {
      const kind = session.options.idCardType as NormalCardKind;
      ocr = [
        {
          IsPass: document.isPass,
          CardImageBase64: assets.base64(assets.cardImage(session.variant)),
          CardInfo: null,
          NormalCardInfo: document.isPass === false ? null : normalCardInfo(kind, syntheticPerson(session.token)),
          RequestId: randomUUID(),
          CardCutImageBase64: assets.base64(assets.cardCut(session.variant)),
          CardBackCutImageBase64: null,
          WarnCardInfos: document.warnings,
        },
      ];
    }
    const details = session.caps.liveness ? verificationDetails(INTL_ACTION, outcome, ctx.nowMs) : null;
    // Media of the last attempt; null when no liveness attempt ran.
    const attempted = details !== null && details.length > 0;
    return {
      ErrorCode: Number(outcome.resultCode),
      ErrorMsg: describeCode(INTL_ACTION, outcome.resultCode),
      VerificationDetailList: details,
      VideoBase64: attempted ? assets.base64(assets.inlineVideo()) : null,
      BestFrameBase64: attempted ? assets.base64(assets.bestFrame(session.variant)) : null,
      OCRResult: ocr,
      Extra: outcome.extra ?? extra,
    };
  },
};

/** ApplyWebVerificationToken (legacy): issues a BizToken valid 7,200 s to start, and a VerificationUrl. */
export const applyWebVerificationToken: ActionDef = {
  name: 'ApplyWebVerificationToken',
  regions: JKT_SG_REGIONS,
  params: {
    RedirectUrl: { type: 'string', required: true },
    CompareImageUrl: { type: 'string', required: true },
    CompareImageMd5: { type: 'string', required: true },
  },
  handle(ctx, params) {
    const redirectUrl = checkUrl('RedirectUrl', params.RedirectUrl as string).toString();
    checkUrl('CompareImageUrl', params.CompareImageUrl as string);
    if (!/^[0-9a-fA-F]{32}$/.test(params.CompareImageMd5 as string))
      throw invalidValue('CompareImageMd5', 'expected 32 hex digits');
    const session = issueSession(ctx, {
      flow: 'web-legacy',
      caps: { liveness: true, compare: true, document: false },
      options: {},
      redirectUrl,
    });
    return { VerificationUrl: verificationUrl(ctx, session.token), BizToken: session.token };
  },
};

/** GetWebVerificationResult (legacy): attempts plus best frame (PNG) and video at fresh 10-minute URLs. */
export const getWebVerificationResult: ActionDef = {
  name: LEGACY_ACTION,
  regions: JKT_SG_REGIONS,
  params: { BizToken: TOKEN_PARAM },
  handle(ctx, params) {
    const session = ctx.state.sessions.forResult(params.BizToken as string, 'web-legacy', ctx.caller, ctx.nowMs);
    const outcome = session.outcome;
    if (!outcome) {
      return {
        ErrorCode: NOT_FINISHED_CODE,
        ErrorMsg: NOT_FINISHED_MSG,
        VideoBestFrameUrl: null,
        VideoBestFrameMd5: null,
        VerificationDetailList: null,
        VideoUrl: null,
        VideoMd5: null,
      };
    }
    const code = outcome.resultCode;
    const details = verificationDetails(LEGACY_ACTION, outcome, ctx.nowMs, LEGACY_SUCCESS_MSG);
    // Media of the last attempt; null when the process ended before any.
    const bestFrame = details.length > 0 ? publish(ctx, ctx.state.assets.bestFramePng(session.variant)) : null;
    const video = details.length > 0 ? publish(ctx, ctx.state.assets.video()) : null;
    return {
      ErrorCode: Number(code),
      ErrorMsg: code === '0' ? LEGACY_SUCCESS_MSG : describeCode(LEGACY_ACTION, code),
      VideoBestFrameUrl: bestFrame?.Url ?? null,
      VideoBestFrameMd5: bestFrame?.MD5 ?? null,
      VerificationDetailList: details,
      VideoUrl: video?.Url ?? null,
      VideoMd5: video?.MD5 ?? null,
    };
  },
};
