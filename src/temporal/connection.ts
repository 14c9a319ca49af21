import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError } from '../config-error';

/** The Temporal settings a connection is resolved from (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, ...). */
export interface TemporalSettings {
  /** Set when an external cluster is used; unset means the embedded dev server. */
  address: string | undefined;
  namespace: string;
  devServerPort: number;
  /** `TEMPORAL_GRPC_PROXY`: an http CONNECT proxy for Temporal's gRPC, with optional credentials. */
  grpcProxy: URL | undefined;
}

/** Where and how to reach Temporal: an external cluster or Cloud, or the embedded dev server. */
export interface TemporalTarget {
  connection: NativeConnectionOptions & { address: string };
  namespace: string;
  embedded: boolean;
}

/**
 * Resolves the Temporal target once per process. With `TEMPORAL_ADDRESS` or `TEMPORAL_PROFILE` set, Temporal's
 * standard environment configuration (the `temporal.toml` profile, `TEMPORAL_API_KEY`, `TEMPORAL_TLS_*`) supplies
 * the address, namespace, TLS and credentials, the variables taking precedence over the profile; with neither, the
 * embedded dev server on loopback.
 */
export function resolveTemporalTarget(
  temporal: TemporalSettings,
  env: NodeJS.ProcessEnv = process.env,
): TemporalTarget {
  const profile = env.TEMPORAL_PROFILE?.trim();
  const proxy = grpcProxyOption(temporal.grpcProxy);
  if (!temporal.address && !profile) {
    return {
      connection: { address: `127.0.0.1:${temporal.devServerPort}`, ...proxy },
      namespace: temporal.namespace,
      embedded: true,
    };
  }
  let standard;
  try {
    standard = loadClientConnectConfig({
      ...(profile ? { profile } : {}),
      overrideEnvVars: env as Record<string, string>,
    });
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${explainProfileFailure(error, env, profile)}`);
  }
  const address = temporal.address ?? standard.connectionOptions.address;
  if (!address) {
    throw new ConfigError(
      `Invalid configuration:\n  TEMPORAL_PROFILE: profile "${profile}" sets no address; set one there or TEMPORAL_ADDRESS`,
    );
  }
  return {
    connection: { ...standard.connectionOptions, address, ...proxy },
    // An explicit TEMPORAL_NAMESPACE wins; otherwise the profile's, then the default.
    namespace: env.TEMPORAL_NAMESPACE?.trim() ? temporal.namespace : (standard.namespace ?? temporal.namespace),
    embedded: false,
  };
}

/** `TEMPORAL_GRPC_PROXY` as the SDK's connection option (an http CONNECT tunnel, Basic credentials from the URL). */
function grpcProxyOption(proxy: URL | undefined): Pick<NativeConnectionOptions, 'proxy'> {
  if (!proxy) return {};
  const { username, password } = proxy;
  return {
    proxy: {
      type: 'http-connect',
      targetHost: proxy.host,
      ...(username
        ? { basicAuth: { username: decodeURIComponent(username), password: decodeURIComponent(password) } }
        : {}),
    },
  };
}

/**
 * The options of a grpc-js connection (the gateway's client) to the target: grpc-js would follow `grpc_proxy`,
 * `https_proxy` or `http_proxy` from the environment on its own, so its proxy is switched off unless
 * `TEMPORAL_GRPC_PROXY` names one, which is then the only proxy it uses.
 */
export function clientConnectionOptions(target: TemporalTarget): ConnectionOptions {
  const { proxy, ...rest } = target.connection;
  if (!proxy) return { ...rest, channelArgs: { 'grpc.enable_http_proxy': 0 } };
  const auth = proxy.basicAuth
    ? `${encodeURIComponent(proxy.basicAuth.username)}:${encodeURIComponent(proxy.basicAuth.password)}@`
    : '';
  // grpc-js takes its proxy only from the environment. An unset no_grpc_proxy falls back to no_proxy, which is the
  // egress proxy's list and must not exempt Temporal: `.invalid` (reserved, RFC 6761) matches no real host.
  process.env.grpc_proxy = `http://${auth}${proxy.targetHost}`;
  process.env.no_grpc_proxy = '.invalid';
  return rest;
}

/** Variables that name a file the standard configuration reads, in the order a message would mention them. */
const FILE_SETTINGS = [
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_CONFIG_FILE',
] as const;

/**
 * A failure to load the standard configuration as `SETTING: what is wrong`: the file setting whose file could not be
 * read, a profile file that is not TOML, or a profile it does not hold. Only the parser's first line is kept: the rest
 * quotes the file, which may hold an API key.
 */
function explainProfileFailure(error: unknown, env: NodeJS.ProcessEnv, profile: string | undefined): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim() ?? '';
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? /\b(E[A-Z]{3,})\b/.exec(message)?.[1];
  const configFile = env.TEMPORAL_CONFIG_FILE?.trim() || 'the default temporal.toml';
  const named = FILE_SETTINGS.find((name) => {
    const value = env[name]?.trim();
    return value !== undefined && value !== '' && message.includes(value);
  });
  if (named) return `${named}: ${message}`;
  if (/not found in config/i.test(message))
    return `TEMPORAL_PROFILE: profile "${profile ?? 'default'}" is not in ${configFile}`;
  if (/toml/i.test(message)) return `TEMPORAL_CONFIG_FILE: ${configFile} is not a valid profile file (${message})`;
  if (code) return `TEMPORAL_CONFIG_FILE: cannot read ${configFile} (${code})`;
  return `TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE: ${message}`;
}

/**
 * Turns a failed connection into a message that names the setting to fix: the SDK reports a refused client certificate
 * or a TLS server met in plaintext only as a closed connection, and an untrusted server as `UnknownIssuer`.
 */
export function explainConnectionFailure(error: unknown, target: TemporalTarget): ConfigError {
  const message = error instanceof Error ? error.message : String(error);
  const { address, tls } = target.connection;
  const clientCertificate = typeof tls === 'object' && tls !== null && tls.clientCertPair !== undefined;
  const problem = (setting: string, text: string) =>
    new ConfigError(`Invalid configuration:\n  ${setting}: ${text}`, { cause: error });
  if (/NotValidForName|CertificateInvalidName/i.test(message)) {
    return problem(
      'TEMPORAL_TLS_SERVER_NAME',
      `the certificate of the Temporal server at ${address} is not issued for the name used; set the name it is for`,
    );
  }
  if (/InvalidCertificate|UnknownIssuer|certificate verify failed/i.test(message)) {
    return problem(
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      `the certificate of the Temporal server at ${address} is not trusted; set the CA that signed it`,
    );
  }
  if (/InvalidContentType|CorruptMessage|wrong version number/i.test(message)) {
    return problem('TEMPORAL_TLS', `the Temporal server at ${address} does not speak TLS; turn TLS off for it`);
  }
  // The server's TLS alert, where it reached us: it does not trust the client certificate, or wants one.
  if (
    /fatal alert: (UnknownCA|BadCertificate|CertificateUnknown|UnsupportedCertificate|CertificateExpired)/.test(message)
  ) {
    return problem(
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      `the Temporal server at ${address} refused the client certificate; it must be signed by a CA the server trusts`,
    );
  }
  if (/fatal alert: CertificateRequired/.test(message)) {
    return problem(
      'TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH',
      `the Temporal server at ${address} requires a client certificate`,
    );
  }
  if (/connection closed|broken pipe|connection reset|Canceled/i.test(message)) {
    if (!tls) {
      return problem(
        'TEMPORAL_TLS',
        `the Temporal server at ${address} closed the connection; it may require TLS (TEMPORAL_TLS=true, and ` +
          'TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH for mutual TLS)',
      );
    }
    if (!clientCertificate) {
      return problem(
        'TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH',
        `the Temporal server at ${address} closed the connection in the TLS handshake; it requires a client certificate`,
      );
    }
    return problem(
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      `the Temporal server at ${address} refused the client certificate; it must be signed by a CA the server trusts`,
    );
  }
  // A plain connection to a TLS server usually ends with the server closing it (above), but a busy server may not
  // answer before the client gives up: then both settings are the suspects.
  if (!tls && /Timeout expired|TimedOut|timed out/i.test(message)) {
    return problem(
      `${target.embedded ? 'TEMPORAL_DEV_PORT' : 'TEMPORAL_ADDRESS'} / TEMPORAL_TLS`,
      `the Temporal server at ${address} did not answer in time: it is unreachable, or it requires TLS and left the ` +
        'plain connection unanswered (TEMPORAL_TLS=true, and TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH ' +
        'for mutual TLS)',
    );
  }
  if (/refused|ECONNREFUSED|dns error|failed to lookup/i.test(message)) {
    return problem(target.embedded ? 'TEMPORAL_DEV_PORT' : 'TEMPORAL_ADDRESS', `nothing answers at ${address}`);
  }
  // Anything else: the transport's own words, shortened (they name no secret: addresses and TLS alerts).
  return problem(
    target.embedded ? 'TEMPORAL_DEV_PORT' : 'TEMPORAL_ADDRESS',
    `cannot reach Temporal at ${address} (${message.slice(0, 300)})`,
  );
}
