import { isIP } from 'node:net';
import { isForbiddenAddress, unbracket } from './address-policy';
import { MediaUnsafeUrlError } from './media-errors';

/** Hosts FaceID serves media from (COS buckets and the FaceID API domains); the allowlist when none is configured. */
export const DEFAULT_MEDIA_HOSTS: readonly string[] = [
  '*.myqcloud.com',
  '*.tencentcloudapi.com',
  '*.faceid.qq.com',
  '*.tencentcos.cn',
  '*.tencentcos.com',
];

/** Largest media file accepted unless configured otherwise (`MEDIA_MAX_BYTES`). */
export const DEFAULT_MEDIA_MAX_BYTES = 64 * 1024 * 1024;

/** Where media may be downloaded from. */
export interface MediaUrlPolicy {
  /** Host patterns: `host`, `host:port`, `*.suffix` (any depth below the suffix, not the suffix itself). */
  allowedHosts: readonly string[];
  /**
   * `host:port` of the sandbox emulator: the only targets reachable over plain http and the only ones exempt from
   * the private-address check. Empty outside the sandbox.
   */
  sandboxHosts: readonly string[];
  /**
   * `host` / `host:port` patterns exempt from the private-address checks (still https only), for an internal mirror
   * of Tencent's media hosts or a rehearsal against the emulator (`MEDIA_TRUSTED_HOSTS`); they count as allowlisted.
   * Empty unless configured.
   */
  trustedHosts?: readonly string[];
}

const NAME_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;
const IPV6_PATTERN = /^\[[0-9a-f:.]+\](:\d{1,5})?$/;

/** Normalises one allowlist entry (lower case) or throws when it is not `host`, `host:port` or `*.suffix`. */
export function parseHostPattern(entry: string): string {
  const pattern = entry.trim().toLowerCase();
  if (!NAME_PATTERN.test(pattern) && !IPV6_PATTERN.test(pattern)) {
    throw new Error(`"${entry}" is not a host, host:port or *.suffix pattern`);
  }
  return pattern;
}

/** Splits a comma-separated allowlist (as in `MEDIA_ALLOWED_HOSTS`) into normalised patterns. */
export function parseHostList(list: string): string[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map(parseHostPattern);
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

function splitPattern(pattern: string): { host: string; port: string | undefined } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(pattern);
  return { host: unbracket(match?.[1] ?? pattern), port: match?.[2] };
}

/** Whether `hostname` (no brackets, no trailing dot) on `port` matches one allowlist pattern. */
export function hostMatches(pattern: string, hostname: string, port: string): boolean {
  const { host, port: wantedPort } = splitPattern(pattern);
  if (wantedPort !== undefined && wantedPort !== port) return false;
  if (host.startsWith('*.')) return hostname.endsWith(host.slice(1)) && hostname.length > host.length - 1;
  return hostname === host;
}

/** The host of a URL or connection as policies compare it: lower case, unbracketed, without a trailing dot. */
export function comparableHost(hostname: string): string {
  return unbracket(hostname.toLowerCase()).replace(/\.$/, '');
}

/** Whether `hostname:port` is the sandbox emulator (exempt from the https rule and the private-address check). */
export function isSandboxHost(policy: MediaUrlPolicy, hostname: string, port: string): boolean {
  const host = comparableHost(hostname);
  return policy.sandboxHosts.some((entry) => {
    const pattern = splitPattern(parseHostPattern(entry));
    return pattern.host === host && (pattern.port ?? '80') === port;
  });
}

/** Whether `hostname:port` is exempt from the private-address checks by `MEDIA_TRUSTED_HOSTS`. */
export function isTrustedHost(policy: MediaUrlPolicy, hostname: string, port: string): boolean {
  const host = comparableHost(hostname);
  return (policy.trustedHosts ?? []).some((pattern) => hostMatches(parseHostPattern(pattern), host, port));
}

/** Whether a host is on the allowlist (sandbox and trusted hosts count as listed). */
export function isAllowedHost(policy: MediaUrlPolicy, hostname: string, port: string): boolean {
  const host = comparableHost(hostname);
  return (
    isSandboxHost(policy, host, port) ||
    isTrustedHost(policy, host, port) ||
    policy.allowedHosts.some((pattern) => hostMatches(parseHostPattern(pattern), host, port))
  );
}

/**
 * Checks a media URL before anything is sent: https only (plain http only to the sandbox emulator), no credentials
 * in the URL, an allowlisted host, and no literal private address (unless the host is trusted). Returns the parsed URL, whose host the WHATWG
 * parser has already normalised (`http://2130706433/` becomes `127.0.0.1`, so encoded IPs cannot slip past). Error
 * messages never contain the URL's path or query: FaceID's URLs are bearer links to someone's face.
 */
export function checkMediaUrl(raw: string | URL, policy: MediaUrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MediaUnsafeUrlError('media URL does not parse');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MediaUnsafeUrlError(`media URL scheme ${url.protocol} is not allowed`);
  }
  const host = comparableHost(url.hostname);
  const port = url.port || defaultPort(url.protocol);
  const sandbox = isSandboxHost(policy, host, port);
  if (url.protocol === 'http:' && !sandbox) {
    throw new MediaUnsafeUrlError(`plain http to ${host} is not allowed (https only outside the sandbox)`);
  }
  if (url.username || url.password) throw new MediaUnsafeUrlError('media URL carries credentials');
  if (!isAllowedHost(policy, host, port)) throw new MediaUnsafeUrlError(`host ${host} is not on the media allowlist`);
  if (!sandbox && !isTrustedHost(policy, host, port) && isIP(host) !== 0 && isForbiddenAddress(host)) {
    throw new MediaUnsafeUrlError(`address ${host} is internal`);
  }
  return url;
}
