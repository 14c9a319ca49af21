import { ConfigError } from '../../../src/config-error';
import { gatewayConfig } from '../../../src/config/gateway';

describe('POLICY_FOUR_EYES', () => {
  it('is off unless set to true', () => {
    expect(gatewayConfig({}).policies).toEqual({ fourEyes: false });
    expect(gatewayConfig({ POLICY_FOUR_EYES: 'false' }).policies).toEqual({ fourEyes: false });
    expect(gatewayConfig({ POLICY_FOUR_EYES: 'true' }).policies).toEqual({ fourEyes: true });
  });

  it('stops start-up naming the variable for anything but true or false', () => {
    expect(() => gatewayConfig({ POLICY_FOUR_EYES: 'yes' })).toThrow(ConfigError);
    expect(() => gatewayConfig({ POLICY_FOUR_EYES: 'yes' })).toThrow(/POLICY_FOUR_EYES/);
  });
});
