import { describeCode } from '../outcome';
import { RESULT_DESCRIPTIONS } from '../scenarios';
import {
  type ActionDef,
  IMAGE_BASE64_LIMIT,
  INTL_REGIONS,
  SDK_VERSIONS,
  TOKEN_PARAM,
  checkActionList,
  checkImageSize,
  inRange,
  issueSession,
  livenessTags,
  missingFor,
  oneOf,
  opt,
  reportsDeviceRisk,
  reportsLivenessTags,
} from './common';

/** GetFaceIdTokenIntl: issues an SdkToken for the selfie (liveness / liveness+compare) SDK. */
export const getFaceIdTokenIntl: ActionDef = {
  name: 'GetFaceIdTokenIntl',
  regions: INTL_REGIONS,
  params: {
    CheckMode: { type: 'string' },
    SecureLevel: { type: 'string' },
    Image: { type: 'string' },
    Extra: { type: 'string' },
    ActionList: { type: 'string' },
    SdkVersion: { type: 'string' },
    RetryLimit: { type: 'integer' },
  },
  handle(ctx, params) {
    const checkMode = oneOf('CheckMode', opt<string>(params, 'CheckMode'), ['liveness', 'compare'], 'liveness');
    const secureLevel = oneOf('SecureLevel', opt<string>(params, 'SecureLevel'), ['1', '2', '3', '4'], '4');
    const image = opt<string>(params, 'Image');
    if (checkMode === 'compare' && !image) throw missingFor('Image', 'CheckMode is compare');
    checkImageSize('Image', image, IMAGE_BASE64_LIMIT);
    checkActionList('ActionList', opt<string>(params, 'ActionList'), secureLevel, ['2', '4']);
    const sdkVersion = oneOf('SdkVersion', opt<string>(params, 'SdkVersion'), SDK_VERSIONS, 'BASIC');
    inRange('RetryLimit', opt<number>(params, 'RetryLimit'), 1, 5, 5);
    const session = issueSession(ctx, {
      flow: 'selfie',
      caps: { liveness: true, compare: checkMode === 'compare', document: false },
      options: { checkMode, secureLevel, sdkVersion, extra: opt<string>(params, 'Extra') ?? '' },
    });
    return { SdkToken: session.token };
  },
};

/** GetFaceIdResultIntl: the selfie result with media inline as Base64; `Result: "-999"` while unfinished. */
export const getFaceIdResultIntl: ActionDef = {
  name: 'GetFaceIdResultIntl',
  regions: INTL_REGIONS,
  params: { SdkToken: TOKEN_PARAM },
  handle(ctx, params) {
    const session = ctx.state.sessions.forResult(params.SdkToken as string, 'selfie', ctx.caller, ctx.nowMs);
    const { sdkVersion, secureLevel, extra } = session.options;
    const outcome = session.outcome;
    if (!outcome) {
      return {
        Result: '-999',
        Description: RESULT_DESCRIPTIONS['-999'],
        BestFrame: null,
        Video: null,
        ActionVideo: null,
        Similarity: null,
        Extra: extra,
        DeviceInfoLevel: '',
        LivenessInfoTag: null,
      };
    }
    const { assets } = ctx.state;
    const result = outcome.resultCode;
    const withActions = secureLevel === '2' || secureLevel === '4';
    return {
      Result: result,
      Description: describeCode('GetFaceIdResultIntl', result),
      BestFrame: assets.base64(assets.bestFrame(session.variant)),
      Video: assets.base64(assets.inlineVideo()),
      ActionVideo: withActions ? assets.base64(assets.inlineActionVideo()) : '',
      Similarity: outcome.similarity,
      Extra: outcome.extra ?? extra,
      DeviceInfoLevel: outcome.deviceRiskLevel ?? (reportsDeviceRisk(sdkVersion) ? '1' : ''),
      LivenessInfoTag: reportsLivenessTags(sdkVersion) ? livenessTags(outcome.liveness) : null,
    };
  },
};
