import { ConfigError } from '../../../src/config-error';
import { parseProxySettings } from '../../../src/egress/proxy-settings';
import { explainEndpointFailure } from '../../../src/egress/startup-check';

const endpoint = new URL('https://faceid.intl.tencentcloudapi.com');
const direct = parseProxySettings({});
const proxied = parseProxySettings({ HTTPS_PROXY: 'http://user:secret-pw@proxy.internal:3128' });

describe('explainEndpointFailure', () => {
  it('names OUTBOUND_CA_FILE for a certificate the worker does not trust, wherever the code sits', () => {
    for (const error of [
      Object.assign(new Error('unable to verify'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      Object.assign(new Error('fetch failed'), { cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } }),
    ]) {
      const problem = explainEndpointFailure(error, endpoint, direct);
      expect(problem).toBeInstanceOf(ConfigError);
      expect(problem?.message).toContain('OUTBOUND_CA_FILE');
      expect(problem?.message).toContain('faceid.intl.tencentcloudapi.com');
    }
  });

  it('names HTTPS_PROXY when the proxy refuses the tunnel, without its credentials', () => {
    const problem = explainEndpointFailure(
      new Error('Proxy response (407) !== 200 when HTTP Tunneling'),
      endpoint,
      proxied,
    );
    expect(problem?.message).toContain('HTTPS_PROXY');
    expect(problem?.message).toContain('407');
    expect(problem?.message).toContain('http://proxy.internal:3128');
    expect(problem?.message).not.toContain('secret-pw');
  });

  it('lets a merely unreachable endpoint pass', () => {
    expect(
      explainEndpointFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), endpoint, direct),
    ).toBe(undefined);
    expect(explainEndpointFailure(new Error('Proxy response (407)'), endpoint, direct)).toBeUndefined();
  });
});
