import { request } from 'undici';
import { ConfigError } from '../config-error';
import { dispatcherFor, type EgressSettings } from './dispatchers';
import { describeProxy, proxyFor, type ProxySettings } from './proxy-settings';

/** Certificate failures: the endpoint answered, but with a certificate this process does not trust. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function codeOf(error: unknown): string | undefined {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined; current;) {
    if (typeof current.code === 'string' && current.code !== '') return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}

/**
 * What a failed start-up probe of the FaceID endpoint means: a setting to fix (an untrusted certificate, a proxy
 * that refuses the tunnel) as a {@link ConfigError} naming the setting, or undefined for a failure that may pass (the
 * endpoint or the network down for now), which the caller logs and lives with.
 */
export function explainEndpointFailure(error: unknown, endpoint: URL, proxy: ProxySettings): ConfigError | undefined {
  const code = codeOf(error);
  if (code && UNTRUSTED.has(code)) {
    return new ConfigError(
      `Invalid configuration:\n  OUTBOUND_CA_FILE: the TLS certificate of ${endpoint.host} is not trusted (${code}); ` +
        'set OUTBOUND_CA_FILE to the PEM file of the CA that issued it (an internal mirror, a TLS-inspecting proxy), ' +
        'or check FACEID_ENDPOINT',
    );
  }
  const via = proxyFor(proxy, endpoint);
  const status = /Proxy response \((\d{3})\)/.exec((error as Error | undefined)?.message ?? '')?.[1];
  if (via && status) {
    const variable = endpoint.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    const hint = status === '407' ? 'it wants credentials (http://user:password@host:port)' : 'it refused the tunnel';
    return new ConfigError(
      `Invalid configuration:\n  ${variable}: the proxy ${describeProxy(via)} answered ${status} to CONNECT ${endpoint.host}; ${hint}`,
    );
  }
  return undefined;
}

/**
 * Opens one connection to `endpoint` the way FaceID calls go (through the proxy if one applies, TLS verified against
 * the trusted CAs) and reads any answer. Resolves when that works; otherwise throws a {@link ConfigError} for a setting
 * to fix, or resolves with the failure's code when the endpoint is merely unreachable for now.
 */
export async function probeEndpoint(
  egress: EgressSettings,
  endpoint: URL,
  timeoutMs = 5_000,
): Promise<{ reachable: true } | { reachable: false; code: string }> {
  const dispatcher = dispatcherFor(egress, endpoint);
  try {
    const { body } = await request(new URL('/', endpoint), {
      dispatcher,
      method: 'GET',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await body.dump();
    return { reachable: true };
  } catch (error) {
    const problem = explainEndpointFailure(error, endpoint, egress.proxy);
    if (problem) throw problem;
    return { reachable: false, code: codeOf(error) ?? (error as Error).name };
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}
