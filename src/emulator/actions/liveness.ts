import { describeCode } from '../outcome';
import { RESULT_DESCRIPTIONS } from '../scenarios';
import { type ActionDef, HK_JKT_SG_REGIONS, TOKEN_PARAM, issueSession, oneOf, opt, publish } from './common';

/** ApplyLivenessToken: issues an SdkToken for the liveness-only SDK. */
export const applyLivenessToken: ActionDef = {
  name: 'ApplyLivenessToken',
  regions: HK_JKT_SG_REGIONS,
  params: { SecureLevel: { type: 'string' } },
  handle(ctx, params) {
    const secureLevel = oneOf('SecureLevel', opt<string>(params, 'SecureLevel'), ['1', '2', '3', '4'], '4');
    const session = issueSession(ctx, {
      flow: 'liveness',
      caps: { liveness: true, compare: false, document: false },
      options: { secureLevel },
    });
    return { SdkToken: session.token };
  },
};

/** GetLivenessResult: result code plus best frame and video at fresh 10-minute URLs; `"-999"` while unfinished. */
export const getLivenessResult: ActionDef = {
  name: 'GetLivenessResult',
  regions: HK_JKT_SG_REGIONS,
  params: { SdkToken: TOKEN_PARAM },
  handle(ctx, params) {
    const session = ctx.state.sessions.forResult(params.SdkToken as string, 'liveness', ctx.caller, ctx.nowMs);
    if (!session.outcome) {
      return { Result: '-999', Description: RESULT_DESCRIPTIONS['-999'], BestFrame: null, Video: null };
    }
    const result = session.outcome.resultCode;
    return {
      Result: result,
      Description: describeCode('GetLivenessResult', result),
      BestFrame: publish(ctx, ctx.state.assets.bestFrame(session.variant)),
      Video: publish(ctx, ctx.state.assets.video()),
    };
  },
};
