import { createHash } from 'node:crypto';
import { cardKindFor, legacyCardInfo, syntheticPerson } from '../card-info';
import { CARD_NATIONALITIES, CARD_TYPES } from '../../faceid';
import { ApiError } from '../envelope';
import {
  type ActionDef,
  HK_JKT_SG_REGIONS,
  IMAGE_BASE64_LIMIT,
  TOKEN_PARAM,
  checkImageSize,
  checkUrl,
  oneOf,
  opt,
} from './common';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The eight bytes every PNG starts with. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decodes a Base64 document image, refusing anything that is not a PNG or JPEG (the documented formats). */
function decodeImage(name: string, base64: string): Buffer {
  const bytes = BASE64.test(base64) ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
  const jpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const png = bytes.length > 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE);
  if (!jpeg && !png) {
    throw new ApiError(
      'InvalidParameter.EngineImageDecodeFailed',
      `The image in \`${name}\` could not be decoded (PNG or JPEG expected).`,
    );
  }
  return bytes;
}

/** ApplyCardVerification: starts an asynchronous document check and returns its token and polling hints. */
export const applyCardVerification: ActionDef = {
  name: 'ApplyCardVerification',
  regions: HK_JKT_SG_REGIONS,
  params: {
    Nationality: { type: 'string', required: true },
    CardType: { type: 'string', required: true },
    ImageBase64Front: { type: 'string' },
    ImageBase64Back: { type: 'string' },
    ImageUrlFront: { type: 'string' },
    ImageUrlBack: { type: 'string' },
  },
  handle(ctx, params) {
    const nationality = oneOf('Nationality', params.Nationality as string, CARD_NATIONALITIES, 'AUTO');
    const cardType = oneOf('CardType', params.CardType as string, CARD_TYPES, 'AUTO');
    const front = opt<string>(params, 'ImageBase64Front');
    const back = opt<string>(params, 'ImageBase64Back');
    const frontUrl = opt<string>(params, 'ImageUrlFront');
    const backUrl = opt<string>(params, 'ImageUrlBack');
    if (!front && !frontUrl) {
      throw new ApiError(
        'MissingParameter',
        'The request is missing a required parameter `ImageBase64Front` or `ImageUrlFront`.',
      );
    }
    checkImageSize('ImageBase64Front', front, IMAGE_BASE64_LIMIT);
    checkImageSize('ImageBase64Back', back, IMAGE_BASE64_LIMIT);
    if (frontUrl) checkUrl('ImageUrlFront', frontUrl);
    if (backUrl) checkUrl('ImageUrlBack', backUrl);
    if (back && !backUrl) decodeImage('ImageBase64Back', back);
    // The URL wins when both are given (documented); URL inputs are never fetched and count as unregistered cards.
    const imageMd5 =
      front && !frontUrl ? createHash('md5').update(decodeImage('ImageBase64Front', front)).digest('hex') : undefined;
    const verification = ctx.state.cards.create(
      { region: ctx.caller.region, secretId: ctx.caller.secretId, imageMd5, nationality, cardType },
      ctx.nowMs,
    );
    return {
      CardVerificationToken: verification.token,
      AsyncCardVerificationMaxPollingTimes: ctx.state.cardPolling.maxTimes,
      AsyncCardVerificationPollingWaitTime: ctx.state.cardPolling.waitSeconds,
    };
  },
};

const WARN_INFO = { PASSED: [], WARNING: ['-9103'], REJECTED: ['-9102', '-9104'] } as const;

/** GetCardVerificationResult: `PROCESSING` for the registered number of polls, then PASSED / WARNING / REJECTED. */
export const getCardVerificationResult: ActionDef = {
  name: 'GetCardVerificationResult',
  regions: HK_JKT_SG_REGIONS,
  params: { CardVerificationToken: TOKEN_PARAM },
  handle(ctx, params) {
    const { verification, status } = ctx.state.cards.poll(
      params.CardVerificationToken as string,
      ctx.caller,
      ctx.nowMs,
    );
    const card = cardKindFor(verification.nationality, verification.cardType);
    // While processing, FaceID answers the request's document but nothing it read from it.
    const processing = status === 'PROCESSING';
    return {
      Status: status,
      WarnInfo: processing ? null : [...WARN_INFO[status]],
      Nationality: card.nationality,
      CardType: card.cardType,
      CardSubType: processing ? null : card.subType,
      CardInfo:
        processing || status === 'REJECTED' ? null : legacyCardInfo(card.kind, syntheticPerson(verification.token)),
      IDVerificationToken: verification.idVerificationToken,
    };
  },
};
