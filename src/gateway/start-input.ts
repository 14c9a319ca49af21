import type { z } from 'zod';
import { isAllowedBrowserUrl } from '../config';
import { journeyWorkflowId } from '../workflows/definitions';
import type { GatewayContext } from './context';
import { ProblemError } from './problems';
import type { Base64Image, startJourneyBodySchema } from './schemas';

/** The journey input for the client, and where the browser goes after a web verification. */
export interface PreparedStart {
  input: Record<string, unknown>;
  webFinalUrl?: string;
}

/** Where each web flow keeps its FaceID options, and the name FaceID gives the redirect there. */
function webFields(flow: unknown) {
  if (flow === 'web') return { options: 'web', redirect: 'RedirectURL' } as const;
  if (flow === 'web-legacy') return { options: 'webLegacy', redirect: 'RedirectUrl' } as const;
  return undefined;
}

type StartBody = z.output<typeof startJourneyBodySchema>;

/** A Base64 image of a start body as the client takes it: its bytes. */
function decoded(image: Base64Image): { contentType: Base64Image['contentType']; bytes: Buffer } {
  return { contentType: image.contentType, bytes: Buffer.from(image.base64, 'base64') };
}

/** The body with its Base64 images decoded (the client checks their first bytes and stores them). */
function withImageBytes(body: StartBody): Record<string, unknown> {
  const { compareImage, document } = body;
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
 * Turns a validated start body into a journey input: images as bytes and, for the web flows, FaceID's redirect becomes the gateway's
 * return route for this journey (FaceID appends `&token=`), and the backend's `finalUrl` is returned separately so
 * the client can keep it in the workflow's memo.
 */
export function prepareStart(body: StartBody, ctx: GatewayContext): PreparedStart {
  const input = withImageBytes(body);
  const web = webFields(body.flow);
  if (!web) return { input };
  const { finalUrl: given, ...options } = (body[web.options] ?? {}) as { finalUrl?: string } & Record<string, unknown>;
  const finalUrl = given ?? ctx.settings.webFinalUrl;
  const path = `${web.options}.finalUrl`;
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
  const returnUrl = `${ctx.publicUrl()}/v1/web/return?journey=${encodeURIComponent(journeyWorkflowId(body.reference))}`;
  return { input: { ...input, [web.options]: { ...options, [web.redirect]: returnUrl } }, webFinalUrl: finalUrl };
}
