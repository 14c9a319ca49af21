import { FLOW_PLANS } from '../../../src/contracts/flow-plan';
import { FACEID_ACTIONS, MEDIA_URL_LIFETIME_SECONDS } from '../../../src/faceid/actions';

describe('FLOW_PLANS', () => {
  it('carries the start and result windows of every flow', () => {
    const windows = Object.fromEntries(
      Object.entries(FLOW_PLANS).map(([flow, plan]) => [flow, [plan.startWindowSeconds, plan.resultWindowSeconds]]),
    );
    expect(windows).toEqual({
      selfie: [600, 72 * 3600],
      ekyc: [600, 3 * 86400],
      liveness: [600, 2 * 3600],
      web: [600, 259200],
      'web-legacy': [7200, 3 * 86400],
    });
    expect(MEDIA_URL_LIFETIME_SECONDS).toBe(600);
  });

  it('pairs each flow with its issue and result actions, allowed in the same regions', () => {
    for (const plan of Object.values(FLOW_PLANS)) {
      expect(FACEID_ACTIONS[plan.issue].regions).toEqual(FACEID_ACTIONS[plan.result].regions);
    }
    expect(FLOW_PLANS.selfie).toMatchObject({ issue: 'GetFaceIdTokenIntl', result: 'GetFaceIdResultIntl' });
    expect(FLOW_PLANS['web-legacy']).toMatchObject({
      issue: 'ApplyWebVerificationToken',
      result: 'GetWebVerificationResult',
    });
  });
});
