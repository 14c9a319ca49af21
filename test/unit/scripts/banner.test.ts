import { gatewayConfig, gatewaySettings } from '../../../src/config/gateway';
import { accessBannerLines } from '../../../scripts/lib/banner';

function banner(env: Record<string, string>): string {
  const cfg = gatewayConfig(env);
  return accessBannerLines(cfg, gatewaySettings(cfg), undefined).join('\n');
}

describe('the start banner', () => {
  it('shows the published sandbox keys, so a newcomer can try the API', () => {
    const text = banner({});
    expect(text).toContain('Sandbox API key   sandbox-backend-api-key  (operator key: sandbox-operator-key)');
    expect(text).toContain('token sandbox-codec-token');
  });

  it('never prints a key the user set, even in sandbox mode', () => {
    const own = {
      GATEWAY_API_KEYS: 'my-own-backend-key-0123456789',
      GATEWAY_OPERATOR_KEYS: 'my-own-operator-key-0123456789',
      CODEC_AUTH_TOKENS: 'my-own-codec-token-0123456789',
    };
    const text = banner(own);
    for (const secret of Object.values(own)) expect(text).not.toContain(secret);
  });
});
