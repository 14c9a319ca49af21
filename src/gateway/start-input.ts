import type { z } from 'zod';
import { isAllowedBrowserUrl } from './browser-urls';
import { journeyWorkflowId } from '../contracts/workflow-ids';
import type { GatewayContext } from './context';
import type { ImageBytes } from '../client/input-images';
import type { JourneyStart } from '../client/journey-input';
import { ProblemError } from './problems';
import type { Base64Image, startJourneyBodySchema } from './schemas';

/** The start for the client, and where the browser goes after a web verification. */
export interface PreparedStart {
  start: JourneyStart;
  webFinalUrl?: string;
}

type StartBody = z.output<typeof startJourneyBodySchema>;

/** A Base64 image of a start body as the client takes it: its bytes (the client checks their first bytes). */
function decoded(image: Base64Image): ImageBytes {
  return { contentType: image.contentType, bytes: Buffer.from(image.base64, 'base64') };
}

/** A start body's document with its Base64 sides decoded. */
function withBytes({ front, back, ...fields }: NonNullable<StartBody['document']>) {
  return { ...fields, front: decoded(front), ...(back ? { back: decoded(back) } : {}) };
}

/**
 * Where a web journey sends the browser: FaceID's redirect to the gateway's return route for this journey (FaceID
 * appends `&token=`), and from there the backend's `finalUrl` (or the gateway's default), which the client keeps in
 * the workflow's memo.
 */
function returnRoute(
  ctx: GatewayContext,
  reference: string,
  field: 'web' | 'webLegacy',
  named: string | undefined,
): { returnUrl: string; finalUrl: string } {
  const finalUrl = named ?? ctx.settings.webFinalUrl;
  const path = `${field}.finalUrl`;
  if (!finalUrl) {
    throw new ProblemError('validation_failed', undefined, [
      { path, message: 'required: this gateway has no default final URL (WEB_FINAL_URL)' },
    ]);
  }
  if (!isAllowedBrowserUrl(finalUrl, ctx.settings.sandbox)) {
    throw new ProblemError('validation_failed', undefined, [
      { path, message: 'must be https (or http on 127.0.0.1 / localhost in sandbox mode)' },
    ]);
  }
  const returnUrl = `${ctx.publicUrl()}/v1/web/return?journey=${encodeURIComponent(journeyWorkflowId(reference))}`;
  return { returnUrl, finalUrl };
}

/**
 * Turns a validated start body into the client's start, typed all the way: images as bytes, and the web flows'
 * redirect filled in.
 */
export function prepareStart(body: StartBody, ctx: GatewayContext): PreparedStart {
  const { document, ...rest } = body;
  const common = { ...rest, ...(document ? { document: withBytes(document) } : {}) };
  if (common.flow === 'liveness') return { start: common };
  if (common.flow === 'web-legacy') {
    const { finalUrl: named, ...options } = common.webLegacy;
    const { returnUrl, finalUrl } = returnRoute(ctx, common.reference, 'webLegacy', named);
    return { start: { ...common, webLegacy: { ...options, RedirectUrl: returnUrl } }, webFinalUrl: finalUrl };
  }
  const { compareImage, ...others } = common;
  const compared = { ...others, ...(compareImage ? { compareImage: decoded(compareImage) } : {}) };
  if (compared.flow !== 'web') return { start: compared };
  const { finalUrl: named, ...options } = compared.web ?? {};
  const { returnUrl, finalUrl } = returnRoute(ctx, compared.reference, 'web', named);
  return { start: { ...compared, web: { ...options, RedirectURL: returnUrl } }, webFinalUrl: finalUrl };
}
