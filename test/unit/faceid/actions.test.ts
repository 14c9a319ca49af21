import { createRequire } from 'node:module';
import {
  DEFAULT_QUOTA_PER_SECOND,
  FACEID_ACTION_NAMES,
  FACEID_ACTIONS,
  FACEID_REGIONS,
  isFaceIdAction,
  isRegionAllowed,
} from '../../../src/faceid/actions';

const COMMON_CLIENT_ONLY = [
  'ApplyCardVerification',
  'ApplyWebVerificationToken',
  'GetCardVerificationResult',
  'GetWebVerificationResult',
];

describe('FACEID_ACTIONS', () => {
  it('lists the twelve actions, each under its own name, at 20 requests/second', () => {
    expect(FACEID_ACTION_NAMES).toHaveLength(12);
    for (const name of FACEID_ACTION_NAMES) {
      expect(FACEID_ACTIONS[name].name).toBe(name);
      expect(FACEID_ACTIONS[name].quotaPerSecond).toBe(DEFAULT_QUOTA_PER_SECOND);
      expect(DEFAULT_QUOTA_PER_SECOND).toBe(20);
      expect(isFaceIdAction(name)).toBe(true);
    }
    expect(isFaceIdAction('LivenessCompare')).toBe(false);
    expect(isFaceIdAction('toString')).toBe(false);
  });

  it('marks as typed exactly the actions the installed SDK 3.0.1335 client has', () => {
    // The typed client ships without typings; load only the faceid module of the SDK.
    const { Client } = createRequire(__filename)('tencentcloud-sdk-nodejs-intl-en/tencentcloud/faceid/v20180301') as {
      Client: { prototype: Record<string, unknown> };
    };
    for (const name of FACEID_ACTION_NAMES) {
      expect([name, typeof Client.prototype[name] === 'function']).toEqual([name, FACEID_ACTIONS[name].sdkTyped]);
    }
    expect(FACEID_ACTION_NAMES.filter((name) => !FACEID_ACTIONS[name].sdkTyped).sort()).toEqual(COMMON_CLIENT_ONLY);
  });

  it.each<[string, string[]]>([
    ['GetFaceIdTokenIntl', ['ap-bangkok', 'ap-hongkong', 'ap-jakarta', 'ap-singapore', 'sa-saopaulo']],
    ['GetFaceIdResultIntl', ['ap-bangkok', 'ap-hongkong', 'ap-jakarta', 'ap-singapore', 'sa-saopaulo']],
    ['ApplySdkVerificationToken', ['ap-bangkok', 'ap-hongkong', 'ap-jakarta', 'ap-singapore', 'sa-saopaulo']],
    ['GetSdkVerificationResult', ['ap-bangkok', 'ap-hongkong', 'ap-jakarta', 'ap-singapore', 'sa-saopaulo']],
    ['ApplyLivenessToken', ['ap-hongkong', 'ap-jakarta', 'ap-singapore']],
    ['GetLivenessResult', ['ap-hongkong', 'ap-jakarta', 'ap-singapore']],
    ['ApplyWebVerificationBizTokenIntl', ['ap-bangkok', 'ap-hongkong', 'ap-jakarta', 'ap-singapore', 'sa-saopaulo']],
    ['GetWebVerificationResultIntl', ['ap-bangkok', 'ap-hongkong', 'ap-jakarta', 'ap-singapore', 'sa-saopaulo']],
    ['ApplyWebVerificationToken', ['ap-jakarta', 'ap-singapore']],
    ['GetWebVerificationResult', ['ap-jakarta', 'ap-singapore']],
    ['ApplyCardVerification', ['ap-hongkong', 'ap-jakarta', 'ap-singapore']],
    ['GetCardVerificationResult', ['ap-hongkong', 'ap-jakarta', 'ap-singapore']],
  ])('%s is allowed in %j only', (action, regions) => {
    if (!isFaceIdAction(action)) throw new Error(action);
    expect([...FACEID_ACTIONS[action].regions].sort()).toEqual(regions);
    for (const region of [...FACEID_REGIONS, 'ap-guangzhou', 'AP-SINGAPORE', '']) {
      expect(isRegionAllowed(action, region)).toBe(regions.includes(region));
    }
  });
});
