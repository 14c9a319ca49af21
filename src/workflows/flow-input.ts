import type { Expectations } from './decision';
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

/** Whether the flow's options ask FaceID to compare faces (so a missing compare result is a finding). */
export function compareExpected(input: JourneyInput): boolean {
  switch (input.flow) {
    case 'selfie':
      return input.selfie?.CheckMode === 'compare';
    case 'ekyc':
      return (input.ekyc?.CheckMode ?? 1) !== 3;
    case 'liveness':
      return false;
    case 'web': {
      const mode = input.web?.Config?.CheckMode;
      return mode === undefined || mode === 1 || mode === 2;
    }
    case 'web-legacy':
      return true;
  }
}

/** Whether the flow runs its own OCR step (eKYC CheckMode 1, the web flow's CheckMode 1). */
function documentExpected(input: JourneyInput): boolean {
  if (input.flow === 'ekyc') return (input.ekyc?.CheckMode ?? 1) === 1;
  if (input.flow === 'web') return input.web?.Config?.CheckMode === 1;
  return false;
}

/** The flows whose token action takes FaceID's pass-through `Extra` (the liveness and legacy web actions have none). */
export function takesExtra(input: JourneyInput): boolean {
  return input.flow === 'selfie' || input.flow === 'ekyc' || input.flow === 'web';
}

/** What the decision must see answered: the steps the journey's options ran, and its tag where the flow sends one. */
export function expectedChecks(input: JourneyInput, tag: string): Expectations {
  return {
    compare: compareExpected(input),
    document: documentExpected(input),
    ...(takesExtra(input) ? { extra: tag } : {}),
  };
}
