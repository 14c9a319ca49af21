import { MediaUnsafeUrlError } from '../../../src/archive/media-errors';
import {
  checkMediaUrl,
  DEFAULT_MEDIA_HOSTS,
  hostMatches,
  parseHostList,
  type MediaUrlPolicy,
} from '../../../src/archive/media-policy';

const production: MediaUrlPolicy = { allowedHosts: DEFAULT_MEDIA_HOSTS, sandboxHosts: [] };
const sandbox: MediaUrlPolicy = { allowedHosts: DEFAULT_MEDIA_HOSTS, sandboxHosts: ['127.0.0.1:9100'] };
const cos = 'https://ekyc-1250000000.cos.ap-singapore.myqcloud.com/video.mp4?sign=abc';

function refusal(url: string, policy: MediaUrlPolicy): string {
  try {
    checkMediaUrl(url, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(MediaUnsafeUrlError);
    return (error as Error).message;
  }
  throw new Error('the URL was accepted');
}

describe('checkMediaUrl', () => {
  it('accepts https media on a Tencent COS host', () => {
    expect(checkMediaUrl(cos, production).hostname).toBe('ekyc-1250000000.cos.ap-singapore.myqcloud.com');
  });

  it('refuses plain http outside the sandbox, even to an allowlisted host', () => {
    expect(refusal(cos.replace('https:', 'http:'), production)).toMatch(/plain http/);
  });

  it('allows plain http only to the sandbox host and port', () => {
    expect(checkMediaUrl('http://127.0.0.1:9100/media/x', sandbox).port).toBe('9100');
    expect(refusal('http://127.0.0.1:9101/media/x', sandbox)).toMatch(/plain http/);
    expect(refusal('https://127.0.0.1:9101/media/x', sandbox)).toMatch(/allowlist/);
  });

  it('refuses hosts off the allowlist and look-alikes of listed suffixes', () => {
    expect(refusal('https://evil.example/video.mp4', production)).toMatch(/allowlist/);
    expect(refusal('https://myqcloud.com.evil.example/video.mp4', production)).toMatch(/allowlist/);
    expect(refusal('https://evilmyqcloud.com/video.mp4', production)).toMatch(/allowlist/);
    expect(refusal('https://myqcloud.com/video.mp4', production)).toMatch(/allowlist/);
  });

  it('exempts only the hosts named in MEDIA_TRUSTED_HOSTS from the address check, still https only', () => {
    const trusting: MediaUrlPolicy = {
      allowedHosts: DEFAULT_MEDIA_HOSTS,
      sandboxHosts: [],
      trustedHosts: ['10.0.0.1:8443'],
    };
    expect(checkMediaUrl('https://10.0.0.1:8443/x', trusting).host).toBe('10.0.0.1:8443');
    expect(refusal('https://10.0.0.1/x', trusting)).toMatch(/allowlist/);
    expect(refusal('https://10.0.0.2:8443/x', trusting)).toMatch(/allowlist/);
    expect(refusal('http://10.0.0.1:8443/x', trusting)).toMatch(/plain http/);
  });

  it('refuses literal internal addresses even when an operator allowlisted them', () => {
    const permissive: MediaUrlPolicy = { allowedHosts: ['127.0.0.1', '[::1]', '10.0.0.1'], sandboxHosts: [] };
    expect(refusal('https://127.0.0.1/x', permissive)).toMatch(/internal/);
    expect(refusal('https://[::1]/x', permissive)).toMatch(/internal/);
    expect(refusal('https://10.0.0.1/x', permissive)).toMatch(/internal/);
  });

  it('sees through encoded IPv4 literals (the URL parser normalises them first)', () => {
    const permissive: MediaUrlPolicy = { allowedHosts: ['127.0.0.1'], sandboxHosts: [] };
    expect(refusal('https://2130706433/x', permissive)).toMatch(/internal/);
    expect(refusal('https://0x7f.1/x', permissive)).toMatch(/internal/);
    expect(refusal('https://2130706433/x', production)).toMatch(/allowlist/);
  });

  it('refuses credentials, other schemes and unparsable URLs, and never echoes path or query', () => {
    expect(refusal('https://user:pw@ekyc.cos.ap-singapore.myqcloud.com/x', production)).toMatch(/credentials/);
    expect(refusal('file:///etc/passwd', production)).toMatch(/scheme/);
    expect(refusal('gopher://ekyc.cos.ap-singapore.myqcloud.com/', production)).toMatch(/scheme/);
    expect(refusal('not a url', production)).toMatch(/parse/);
    expect(refusal('http://ekyc.cos.ap-singapore.myqcloud.com/secret-path?sign=s3cr3t', production)).not.toMatch(
      /secret-path|s3cr3t/,
    );
  });
});

describe('host patterns', () => {
  it('matches a wildcard at any depth below the suffix, and a port only when given', () => {
    expect(hostMatches('*.myqcloud.com', 'a.b.myqcloud.com', '443')).toBe(true);
    expect(hostMatches('*.myqcloud.com', 'myqcloud.com', '443')).toBe(false);
    expect(hostMatches('media.example:8443', 'media.example', '8443')).toBe(true);
    expect(hostMatches('media.example:8443', 'media.example', '443')).toBe(false);
  });

  it('parses a comma list and refuses entries that are not host patterns', () => {
    expect(parseHostList(' *.MyQcloud.com , media.example:8443 ')).toEqual(['*.myqcloud.com', 'media.example:8443']);
    expect(() => parseHostList('https://media.example')).toThrow(/not a host/);
    expect(() => parseHostList('*')).toThrow(/not a host/);
    expect(() => parseHostList('a.*.example')).toThrow(/not a host/);
  });
});
