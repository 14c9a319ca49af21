import type { JourneyInput, StoredImageRef, TokenIssueInput } from './types';

/**
 * The token activity's input from the journey's: the flow, its own FaceID options and, where FaceID compares with it,
 * the compare image (the same fields as histories recorded before the input was a union).
 */
export function tokenOptions(input: JourneyInput): Omit<TokenIssueInput, 'journeyId' | 'region'> {
  switch (input.flow) {
    case 'selfie':
      return { flow: input.flow, selfie: input.selfie, compareImage: input.compareImage };
    case 'ekyc':
      return { flow: input.flow, ekyc: input.ekyc, compareImage: input.compareImage };
    case 'liveness':
      return { flow: input.flow, liveness: input.liveness };
    case 'web':
      return { flow: input.flow, web: input.web, compareImage: input.compareImage };
    case 'web-legacy':
      return { flow: input.flow, webLegacy: input.webLegacy };
  }
}

/** The image the caller gave to compare faces with, in the flows that take one. */
export function compareImageOf(input: JourneyInput): StoredImageRef | undefined {
  switch (input.flow) {
    case 'selfie':
    case 'ekyc':
    case 'web':
      return input.compareImage;
    case 'liveness':
    case 'web-legacy':
      return undefined;
  }
}
