import type { z } from 'zod';
import { isAllowedBrowserUrl } from './browser-urls';
import { journeyWorkflowId } from '../contracts/workflow-ids';
import type { GatewayContext } from './context';
import { ProblemError } from './problems';
import type { Base64Image, startJourneyBodySchema } from './schemas';

/** The journey input for the client, and where the browser goes after a web verification. */
export interface PreparedStart {
  input: Record<string, unknown>;
  webFinalUrl?: string;
}

type StartBody = z.output<typeof startJourneyBodySchema>;

/** A Base64 image of a start body as the client takes it: its bytes. */
function decoded(image: Base64Image): { contentType: Base64Image['contentType']; bytes: Buffer } {
  return { contentType: image.contentType, bytes: Buffer.from(image.base64, 'base64') };
}

/** The body with its Base64 images decoded (the client checks their first bytes and stores them). */
function withImageBytes(body: StartBody): Record<string, unknown> {
  const compareImage = 'compareImage' in body ? body.compareImage : undefined;
  const { document } = body;
  return {
    ...body,
    ...(compareImage ? { compareImage: decoded(compareImage) } : {}),
    ...(document
      ? {
          document: {
            ...document,
            front: decoded(document.front),
            ...(document.back ? { back: decoded(document.back) } : {}),
          },
        }
      : {}),
  };
}

/**
 * A web flow's options with FaceID's redirect set to the gateway's return route for this journey (FaceID appends
 * `&token=`), and the backend's `finalUrl`, which the client keeps in the workflow's memo.
 */
function withReturnRoute<
  Options extends { finalUrl?: string | undefined },
  Redirect extends 'RedirectURL' | 'RedirectUrl',
>(
  ctx: GatewayContext,
  reference: string,
  field: 'web' | 'webLegacy',
  redirect: Redirect,
  given: Options | undefined,
): { options: Omit<Options, 'finalUrl'> & Record<Redirect, string>; finalUrl: string } {
  const { finalUrl: named, ...options } = given ?? ({} as Options);
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
  return { options: { ...options, ...({ [redirect]: returnUrl } as Record<Redirect, string>) }, finalUrl };
}

/** Turns a validated start body into a journey input: images as bytes, and the web flows' redirect filled in. */
export function prepareStart(body: StartBody, ctx: GatewayContext): PreparedStart {
  const input = withImageBytes(body);
  if (body.flow === 'web') {
    const { options, finalUrl } = withReturnRoute(ctx, body.reference, 'web', 'RedirectURL', body.web);
    return { input: { ...input, web: options }, webFinalUrl: finalUrl };
  }
  if (body.flow === 'web-legacy') {
    const { options, finalUrl } = withReturnRoute(ctx, body.reference, 'webLegacy', 'RedirectUrl', body.webLegacy);
    return { input: { ...input, webLegacy: options }, webFinalUrl: finalUrl };
  }
  return { input };
}
