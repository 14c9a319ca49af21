import { BlockList, isIP } from 'node:net';

/**
 * The egress proxy the environment names, read the way `curl` and Node tools read it: `https_proxy` / `HTTPS_PROXY`
 * for https targets, `http_proxy` / `HTTP_PROXY` for plain http ones (lower case wins when both are set), and
 * `no_proxy` / `NO_PROXY` for targets reached directly.
 */
export interface ProxySettings {
  https: URL | undefined;
  http: URL | undefined;
  /** Targets reached without the proxy. */
  bypass: readonly BypassRule[];
}

/** One `NO_PROXY` entry: every host, a name and its subdomains, an address, or an address range; optionally a port. */
type BypassRule =
  | { kind: 'all' }
  | { kind: 'name'; name: string; port: string | undefined }
  | { kind: 'range'; list: BlockList; port: string | undefined };

/** A proxy variable that does not parse; the message names the variable and never echoes its value. */
export class ProxySettingsError extends Error {
  override readonly name = 'ProxySettingsError';
}

/** No proxy at all. */
export const NO_PROXY_SETTINGS: ProxySettings = { https: undefined, http: undefined, bypass: [] };

function pick(env: NodeJS.ProcessEnv, lower: string): { name: string; value: string } | undefined {
  for (const name of [lower, lower.toUpperCase()]) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

function parseProxyUrl(variable: { name: string; value: string }): URL {
  let url: URL;
  try {
    // `host:port` without a scheme means an http proxy, as curl reads it.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(variable.value) ? variable.value : `http://${variable.value}`);
  } catch {
    throw new ProxySettingsError(`${variable.name}: not a proxy URL (expected http://[user:password@]host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxySettingsError(`${variable.name}: the proxy scheme must be http or https`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new ProxySettingsError(`${variable.name}: a proxy URL has no path or query`);
  }
  return url;
}

function splitPort(entry: string): { host: string; port: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1] as string, port: bracketed[2] };
  // A bare IPv6 address (with or without a prefix length) has colons but no port.
  if (entry.split(':').length > 2) return { host: entry, port: undefined };
  const [host = '', port] = entry.split(':');
  return { host, port };
}

function parseBypassEntry(entry: string, variable: string): BypassRule {
  if (entry === '*') return { kind: 'all' };
  const { host, port } = splitPort(entry.toLowerCase());
  if (port !== undefined && !/^\d{1,5}$/.test(port))
    throw new ProxySettingsError(`${variable}: bad port in "${entry}"`);
  const [address = '', prefix] = host.split('/');
  const family = isIP(address);
  if (family !== 0) {
    const list = new BlockList();
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      throw new ProxySettingsError(`${variable}: bad prefix length in "${entry}"`);
    }
    list.addSubnet(address, bits, type);
    return { kind: 'range', list, port };
  }
  // `.example.com`, `*.example.com` and `example.com` all mean the domain and every name below it, as in curl.
  const name = host.replace(/^\*?\./, '').replace(/\.$/, '');
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name)) {
    throw new ProxySettingsError(`${variable}: "${entry}" is not a host name, address, range or *`);
  }
  return { kind: 'name', name, port };
}

/** Reads the proxy variables from an environment; throws {@link ProxySettingsError} naming a variable that is bad. */
export function parseProxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const https = pick(env, 'https_proxy');
  const http = pick(env, 'http_proxy');
  const noProxy = pick(env, 'no_proxy');
  return {
    https: https ? parseProxyUrl(https) : undefined,
    http: http ? parseProxyUrl(http) : undefined,
    bypass: noProxy
      ? noProxy.value
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((entry) => parseBypassEntry(entry, noProxy.name))
      : [],
  };
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** Whether a target host (no brackets) and port is exempt from the proxy by a `NO_PROXY` rule. */
function isBypassed(settings: ProxySettings, hostname: string, port: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const family = isIP(host);
  return settings.bypass.some((rule) => {
    if (rule.kind === 'all') return true;
    if (rule.port !== undefined && rule.port !== port) return false;
    if (rule.kind === 'range') return family !== 0 && rule.list.check(host, family === 4 ? 'ipv4' : 'ipv6');
    return host === rule.name || host.endsWith(`.${rule.name}`);
  });
}

/** The proxy a request to `target` goes through, or undefined when it connects directly. */
export function proxyFor(settings: ProxySettings, target: URL): URL | undefined {
  const proxy = target.protocol === 'https:' ? settings.https : target.protocol === 'http:' ? settings.http : undefined;
  if (!proxy) return undefined;
  return isBypassed(settings, target.hostname, target.port || defaultPort(target.protocol)) ? undefined : proxy;
}

/** A proxy URL fit for logs and errors: scheme, host and port, never the credentials. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
