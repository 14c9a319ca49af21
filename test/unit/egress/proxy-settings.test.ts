import { describeProxy, parseProxySettings, proxyFor, ProxySettingsError } from '../../../src/egress/proxy-settings';

const target = (url: string) => new URL(url);

describe('parseProxySettings', () => {
  test('reads both cases, lower case first, as curl does', () => {
    const settings = parseProxySettings({ HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128' });
    expect(settings.https?.host).toBe('lower:3128');
    expect(parseProxySettings({ HTTPS_PROXY: 'http://upper:3128' }).https?.host).toBe('upper:3128');
    expect(parseProxySettings({ http_proxy: 'proxy.internal:8080' }).http?.href).toBe('http://proxy.internal:8080/');
  });

  test('no variables: no proxy', () => {
    const settings = parseProxySettings({});
    expect(proxyFor(settings, target('https://faceid.intl.tencentcloudapi.com/'))).toBeUndefined();
  });

  test('https targets use HTTPS_PROXY, http targets HTTP_PROXY', () => {
    const settings = parseProxySettings({ HTTPS_PROXY: 'http://secure:1', HTTP_PROXY: 'http://plain:2' });
    expect(proxyFor(settings, target('https://a.example.com/'))?.host).toBe('secure:1');
    expect(proxyFor(settings, target('http://a.example.com/'))?.host).toBe('plain:2');
    expect(proxyFor(parseProxySettings({ HTTPS_PROXY: 'http://secure:1' }), target('http://a.example.com/'))).toBe(
      undefined,
    );
  });

  test.each([
    ['example.com', 'https://example.com/', true],
    ['example.com', 'https://media.example.com/', true],
    ['.example.com', 'https://media.example.com/', true],
    ['*.example.com', 'https://example.com/', true],
    ['example.com', 'https://notexample.com/', false],
    ['example.com:8443', 'https://example.com:8443/', true],
    ['example.com:8443', 'https://example.com/', false],
    ['10.0.0.0/8', 'https://10.1.2.3/', true],
    ['10.0.0.0/8', 'https://11.1.2.3/', false],
    ['127.0.0.1', 'https://127.0.0.1:9443/', true],
    ['127.0.0.1', 'https://127.0.0.2:9443/', false],
    ['::1', 'https://[::1]:9443/', true],
    ['[::1]:9443', 'https://[::1]:9443/', true],
    ['*', 'https://anything.example/', true],
    ['localhost, 127.0.0.1 .internal', 'https://db.internal/', true],
  ])('NO_PROXY=%s for %s: direct %s', (noProxy, url, direct) => {
    const settings = parseProxySettings({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy });
    expect(proxyFor(settings, target(url)) === undefined).toBe(direct);
  });

  test.each([
    ['HTTPS_PROXY', 'socks5://proxy:1080', 'HTTPS_PROXY: the proxy scheme must be http or https'],
    ['https_proxy', 'http://proxy:3128/path', 'https_proxy: a proxy URL has no path or query'],
    ['HTTP_PROXY', 'http://[not-an-address', 'HTTP_PROXY: not a proxy URL'],
    ['NO_PROXY', 'example.com:port', 'NO_PROXY: bad port'],
    ['no_proxy', '10.0.0.0/40', 'no_proxy: bad prefix length'],
    ['NO_PROXY', 'bad_name!', 'NO_PROXY: "bad_name!" is not a host name'],
  ])('%s=%s is refused, naming the variable', (variable, value, message) => {
    expect(() => parseProxySettings({ [variable]: value })).toThrow(ProxySettingsError);
    expect(() => parseProxySettings({ [variable]: value })).toThrow(message);
  });

  test('errors and descriptions never carry the credentials', () => {
    const secret = 'pa55-w0rd';
    const settings = parseProxySettings({ HTTPS_PROXY: `http://user:${secret}@proxy.internal:3128` });
    expect(describeProxy(settings.https as URL)).toBe('http://proxy.internal:3128');
    let message = '';
    try {
      parseProxySettings({ HTTPS_PROXY: `http://user:${secret}@proxy.internal:3128/x` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('HTTPS_PROXY');
    expect(message).not.toContain(secret);
  });
});
