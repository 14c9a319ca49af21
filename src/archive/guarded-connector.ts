import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { isForbiddenAddress } from './address-policy';
import { MediaDownloadError, MediaUnsafeUrlError } from './media-errors';
import { comparableHost, isAllowedHost, isSandboxHost, isTrustedHost, type MediaUrlPolicy } from './media-policy';

/** Resolves a host name to every address it has (the default is the system resolver, like `dns.lookup`). */
export type HostLookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** How the connector resolves, checks and opens connections. */
export interface GuardedConnectorOptions {
  policy: MediaUrlPolicy;
  connectTimeoutMs: number;
  /** Name resolution; tests substitute one that answers a loopback address. */
  lookup?: HostLookup;
  /** Opens the socket once an address passed the checks (default: undici's own connector). */
  openSocket?: buildConnector.connector;
}

const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MediaDownloadError(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * An undici connector that decides where a connection may go at the moment it is opened: it resolves the host
 * itself, refuses when any resolved address is internal, and connects to exactly the address it checked (the TLS
 * server name and Host header keep the original name). A DNS answer that changes between the check and the connect
 * (rebinding) therefore cannot redirect the socket. Only the sandbox emulator's `host:port` and the hosts named in
 * `MEDIA_TRUSTED_HOSTS` skip the address check.
 */
export function guardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const lookup = options.lookup ?? systemLookup;
  const openSocket = options.openSocket ?? buildConnector({ timeout: options.connectTimeoutMs });

  async function vet(target: buildConnector.Options): Promise<string> {
    const host = comparableHost(target.hostname);
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    if (isSandboxHost(options.policy, host, port)) return host;
    // The URL was checked before the request; these repeat the checks for every connection the pool opens.
    if (target.protocol !== 'https:') throw new MediaUnsafeUrlError(`plain http to ${host} is not allowed`);
    if (!isAllowedHost(options.policy, host, port)) {
      throw new MediaUnsafeUrlError(`host ${host} is not on the media allowlist`);
    }
    // A trusted host is resolved by the socket's own connect, wherever it points.
    if (isTrustedHost(options.policy, host, port)) return host;
    if (isIP(host) !== 0) {
      if (isForbiddenAddress(host)) throw new MediaUnsafeUrlError(`address ${host} is internal`);
      return host;
    }
    let addresses: Array<{ address: string; family: number }>;
    try {
      addresses = await withTimeout(lookup(host), options.connectTimeoutMs, `resolving ${host}`);
    } catch (error) {
      if (error instanceof MediaDownloadError) throw error;
      throw new MediaDownloadError(`resolving ${host} failed (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (addresses.length === 0) throw new MediaDownloadError(`${host} has no address`);
    // One internal answer refuses the host: a name that mixes public and internal addresses is not a media host.
    const internal = addresses.find((entry) => isForbiddenAddress(entry.address));
    if (internal) throw new MediaUnsafeUrlError(`${host} resolves to the internal address ${internal.address}`);
    return (addresses[0] as { address: string }).address;
  }

  return (target, callback) => {
    vet(target).then(
      (address) => {
        const name = comparableHost(target.hostname);
        const servername = isIP(name) === 0 ? name : undefined;
        try {
          openSocket({ ...target, hostname: address, ...(servername ? { servername } : {}) }, callback);
        } catch (error) {
          callback(error as Error, null);
        }
      },
      (error: Error) => callback(error, null),
    );
  };
}
