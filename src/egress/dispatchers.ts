import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { NO_PROXY_SETTINGS, proxyFor, type ProxySettings } from './proxy-settings';

/**
 * How the worker reaches the outside (FaceID, media hosts, webhook receivers): through which proxy, and which
 * certificate authorities it trusts beyond the system's.
 */
export interface EgressSettings {
  proxy: ProxySettings;
  /** PEM certificates trusted in addition to Node's bundled roots (`OUTBOUND_CA_FILE`); undefined: the defaults. */
  extraCa: string[] | undefined;
}

/** Plain direct connections with the system's trust: what a process without egress settings does. */
export const DIRECT_EGRESS: EgressSettings = { proxy: NO_PROXY_SETTINGS, extraCa: undefined };

/** Keep-alive, timeouts and such, shared by the direct and the proxied dispatcher of one client. */
export type PoolOptions = Omit<Agent.Options, 'connect' | 'factory'>;

/**
 * The CAs a TLS connection verifies against: undefined (Node's defaults, which include `NODE_EXTRA_CA_CERTS`) unless
 * extra ones are configured, then the bundled roots, `NODE_EXTRA_CA_CERTS` and the extra ones together (an explicit
 * `ca` replaces every default, so each must be named).
 */
export function trustedCas(extraCa: string[] | undefined): string[] | undefined {
  if (!extraCa) return undefined;
  const nodeExtra = process.env.NODE_EXTRA_CA_CERTS ? readPem(process.env.NODE_EXTRA_CA_CERTS) : [];
  return [...rootCertificates, ...nodeExtra, ...extraCa];
}

/** The certificates of a PEM file; throws when it holds none. */
export function readPem(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('the file holds no PEM certificate');
  return blocks;
}

/**
 * A dispatcher that reaches `target`'s origin the way the egress settings say: through the proxy (an http CONNECT
 * tunnel that names the host, so the proxy resolves it and can allowlist by name), or directly. Proxy credentials
 * come from the proxy URL and travel only in the CONNECT request's Proxy-Authorization header.
 */
export function dispatcherFor(egress: EgressSettings, target: URL, pool: PoolOptions = {}): Dispatcher {
  const proxy = proxyFor(egress.proxy, target);
  return proxy ? proxiedDispatcher(egress, proxy, pool) : directDispatcher(egress, pool);
}

/** Direct connections, trusting the configured CAs. */
function directDispatcher(egress: EgressSettings, pool: PoolOptions = {}): Agent {
  const ca = trustedCas(egress.extraCa);
  return new Agent({ ...pool, ...(ca ? { connect: { ca } } : {}) });
}

/** Connections through `proxy`, trusting the configured CAs for the target (and for an https proxy). */
export function proxiedDispatcher(egress: EgressSettings, proxy: URL, pool: PoolOptions = {}): ProxyAgent {
  const ca = trustedCas(egress.extraCa);
  return new ProxyAgent({
    ...pool,
    uri: proxy.href,
    ...(ca ? { requestTls: { ca }, proxyTls: { ca } } : {}),
  });
}
