import { applyCardVerification, getCardVerificationResult } from './card';
import type { ActionDef } from './common';
import { applySdkVerificationToken, getSdkVerificationResult } from './ekyc';
import { applyLivenessToken, getLivenessResult } from './liveness';
import { getFaceIdResultIntl, getFaceIdTokenIntl } from './selfie';
import {
  applyWebVerificationBizTokenIntl,
  applyWebVerificationToken,
  getWebVerificationResult,
  getWebVerificationResultIntl,
} from './web';

/** The twelve FaceID actions the emulator speaks, by name. */
export const ACTIONS: ReadonlyMap<string, ActionDef> = new Map(
  [
    getFaceIdTokenIntl,
    getFaceIdResultIntl,
    applySdkVerificationToken,
    getSdkVerificationResult,
    applyLivenessToken,
    getLivenessResult,
    applyWebVerificationBizTokenIntl,
    getWebVerificationResultIntl,
    applyWebVerificationToken,
    getWebVerificationResult,
    applyCardVerification,
    getCardVerificationResult,
  ].map((action) => [action.name, action]),
);

export type { ActionDef } from './common';
