import { isIP } from 'node:net';
import { z } from 'zod';
import {
  DEFAULT_GATEWAY_PORT,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_SECRET_KEY,
  SANDBOX_CODEC_AUTH_TOKEN,
  SANDBOX_OPERATOR_KEY,
} from '../gateway/sandbox-defaults';
import { OperatorKeyError, parseOperatorKey, type OperatorKey } from '../gateway/operator-identities';
import { codecEnv, codecSettings } from './codec';
import { consoleEnv, consoleSettings } from './console';
import {
  checkBrowserUrl,
  configError,
  invalid,
  logLevel,
  optionalText,
  optionalUrl,
  parsedAs,
  port,
  readEnv,
  secretList,
} from './env';
import { evidenceEnv, evidenceSigningKey } from './evidence';
import { faceidEnv, sandboxMode } from './faceid';
import { egressSettings, outboundEnv, webhookSettings } from './outbound';
import { policiesEnv, policySettings } from './policies';
import { storeEnv, storeSettings } from './store';
import { databaseEnv, databaseSettings } from './database';
import { temporalEnv, temporalSettings } from './temporal';

const retentionDays = z.coerce.number().positive().max(36_500);

/** The gateway process's variables: its own, the console's it serves, and the shared Temporal, store and codec ones. */
const gatewayEnv = z.object({
  LOG_LEVEL: logLevel,
  ...faceidEnv.pick({
    FACEID_SECRET_ID: true,
    FACEID_SECRET_KEY: true,
    FACEID_REGION: true,
    FACEID_TIMEOUT_SECONDS: true,
  }).shape,
  ...temporalEnv.shape,
  ...storeEnv.shape,
  ...databaseEnv.shape,
  ...codecEnv.shape,
  ...consoleEnv.shape,
  ...evidenceEnv.shape,
  ...policiesEnv.shape,
  ...outboundEnv.shape,
  // How long media is kept after the outcome (the journeys' default, which a start body may shorten).
  RETENTION_DAYS: retentionDays.default(30),
  // The reviewers' audit log outlives the evidence it is about: five years by default, as record-keeping rules ask.
  AUDIT_RETENTION_DAYS: retentionDays.default(1826),
  GATEWAY_PORT: port.default(DEFAULT_GATEWAY_PORT),
  GATEWAY_HOST: z.string().trim().min(1).default('127.0.0.1'),
  GATEWAY_PUBLIC_URL: optionalUrl,
  // Proxies (addresses or CIDRs) whose X-Forwarded-For the gateway believes, so it limits failed logins per client.
  GATEWAY_TRUSTED_PROXIES: secretList(1),
  GATEWAY_API_KEYS: secretList(16),
  // `id:key` pairs (or bare keys, under an identity derived from their hash); parsed by parseOperatorKeys.
  GATEWAY_OPERATOR_KEYS: secretList(1),
  CLIENT_SECRET_KEY: optionalText.pipe(z.string().min(32, 'needs at least 32 characters').optional()),
  WEB_FINAL_URL: optionalUrl,
  // Who may use the codec endpoint for the Temporal UI: bearer tokens and browser origins.
  CODEC_AUTH_TOKENS: secretList(16),
  CODEC_UI_ORIGIN: optionalText,
});

type GatewayEnv = z.infer<typeof gatewayEnv>;

/** The gateway's schema; the environment itself is at hand for the proxy variables it checks. */
const gatewaySchema = (env: NodeJS.ProcessEnv) =>
  gatewayEnv.transform((e) => {
    const sandbox = sandboxMode(e);
    // Checked, not used: a wrong webhook or egress value in the shared environment stops the gateway too.
    webhookSettings(e, sandbox);
    const publicUrl = (e.GATEWAY_PUBLIC_URL ?? `http://127.0.0.1:${e.GATEWAY_PORT}`).replace(/\/+$/, '');
    if (e.WEB_FINAL_URL) checkBrowserUrl('WEB_FINAL_URL', e.WEB_FINAL_URL, sandbox);
    const temporal = temporalSettings(e);
    egressSettings(e, env);
    const store = storeSettings(e);
    if (e.AUDIT_RETENTION_DAYS < e.RETENTION_DAYS) {
      throw invalid('AUDIT_RETENTION_DAYS', 'must not be shorter than RETENTION_DAYS');
    }
    return {
      sandbox,
      logLevel: e.LOG_LEVEL,
      temporal,
      store,
      /** Decision policies: whether publishing and retiring need a second identity (`POLICY_FOUR_EYES`). */
      policies: policySettings(e),
      /** The policy and decision database (`DATABASE_URL`), or undefined without one. */
      database: databaseSettings(e),
      retention: {
        /** How long media is kept after the outcome. */
        days: e.RETENTION_DAYS,
        /** How long the reviewers' audit log keeps a day's entries. */
        auditDays: e.AUDIT_RETENTION_DAYS,
      },
      faceid: { region: e.FACEID_REGION, timeoutSeconds: e.FACEID_TIMEOUT_SECONDS },
      gateway: {
        host: e.GATEWAY_HOST,
        port: e.GATEWAY_PORT,
        /** Base URL browsers and FaceID reach the gateway at; the web flows' RedirectURL is built from it. */
        publicUrl,
        /** Load balancers whose `X-Forwarded-For` names the client (`GATEWAY_TRUSTED_PROXIES`); empty: the TCP peer. */
        trustedProxies: parseTrustedProxies(e.GATEWAY_TRUSTED_PROXIES ?? []),
        /** Empty outside the sandbox until configured; {@link gatewaySettings} refuses to start without them. */
        apiKeys: e.GATEWAY_API_KEYS ?? (sandbox ? [SANDBOX_API_KEY] : []),
        // The sandbox's published key acts as `sandbox-operator`, a name the docs' examples can show.
        operatorKeys: parseOperatorKeys(
          e.GATEWAY_OPERATOR_KEYS ?? (sandbox ? [`sandbox-operator:${SANDBOX_OPERATOR_KEY}`] : []),
        ),
        clientSecretKey: e.CLIENT_SECRET_KEY ?? (sandbox ? SANDBOX_CLIENT_SECRET_KEY : undefined),
        /** Settings left at the published sandbox values anyone can read (sandbox mode only); they keep it on loopback. */
        publishedSecrets: sandbox ? publishedSecrets(e) : [],
        /** Where the browser lands after a web verification when the backend gave no `finalUrl`. */
        webFinalUrl: e.WEB_FINAL_URL ?? (sandbox ? `${publicUrl}/v1/web/finished` : undefined),
        /** Whether start bodies got `publicUrl` from the environment (required outside the sandbox). */
        publicUrlConfigured: e.GATEWAY_PUBLIC_URL !== undefined,
        /**
         * Signs evidence bundles (`EVIDENCE_SIGNING_KEY`, the published sandbox key in sandbox mode); without it the
         * evidence route answers `evidence_not_configured`, so the key can stay on the gateways operators use.
         */
        evidenceSigningKey: evidenceSigningKey(e, sandbox),
      },
      /**
       * The payload codec's key ring, and who may use the gateway's codec endpoint for the Temporal UI: bearer tokens
       * (`CODEC_AUTH_TOKENS`, empty outside the sandbox until configured) and browser origins.
       */
      codec: {
        ...codecSettings(e, sandbox),
        authTokens: e.CODEC_AUTH_TOKENS ?? (sandbox ? [SANDBOX_CODEC_AUTH_TOKEN] : []),
        uiOrigins: parseUiOrigins(e.CODEC_UI_ORIGIN, e.TEMPORAL_UI_PORT),
      },
      /** The reviewer console's sign-in, or undefined when no identity provider is configured (outside the sandbox). */
      console: consoleSettings(e, sandbox),
    };
  });

/** The gateway process's validated configuration. */
export type GatewayConfig = z.infer<ReturnType<typeof gatewaySchema>>;

/** Validates an environment (default `process.env`) into the gateway's {@link GatewayConfig}. */
export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return readEnv(gatewaySchema(env), env);
}

/** The gateway's settings once every secret it needs is present. */
export type GatewaySettings = Omit<
  GatewayConfig['gateway'],
  'clientSecretKey' | 'publicUrlConfigured' | 'publishedSecrets'
> & {
  clientSecretKey: string;
};

/** The sandbox's published values a setting was left at, by variable name. */
function publishedSecrets(e: GatewayEnv): string[] {
  return (
    [
      ['GATEWAY_API_KEYS', e.GATEWAY_API_KEYS],
      ['GATEWAY_OPERATOR_KEYS', e.GATEWAY_OPERATOR_KEYS],
      ['CLIENT_SECRET_KEY', e.CLIENT_SECRET_KEY],
      ['CODEC_KEYS', e.CODEC_KEYS],
      ['CODEC_AUTH_TOKENS', e.CODEC_AUTH_TOKENS],
    ] as const
  ).flatMap(([name, value]) => (value === undefined ? [name] : []));
}

/** Trusted proxies: IPv4 or IPv6 addresses, each with an optional `/prefix` (CIDR). */
function parseTrustedProxies(entries: string[]): string[] {
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const version = isIP(address);
    const maxPrefix = version === 4 ? 32 : 128;
    const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (version === 0 || !validPrefix || extra !== undefined) {
      throw invalid('GATEWAY_TRUSTED_PROXIES', 'expected IP addresses or CIDRs');
    }
  }
  return entries;
}

/** The operator keys with their identities; a malformed entry stops start-up naming the variable, never the entry. */
function parseOperatorKeys(entries: string[]): OperatorKey[] {
  return parsedAs('GATEWAY_OPERATOR_KEYS', () => entries.map(parseOperatorKey), OperatorKeyError);
}

/** `CODEC_UI_ORIGIN`; by default the Temporal UI of `npm start`, under either loopback name. */
function parseUiOrigins(spec: string | undefined, uiPort: number): string[] {
  const origins = spec
    ?.split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean) ?? [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`];
  if (!origins.every(isOrigin)) {
    throw invalid('CODEC_UI_ORIGIN', 'expected http(s) origins (scheme, host and port only) separated by commas');
  }
  return origins;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

/** Whether a bind address reaches this machine only. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The gateway's settings, refusing to go on outside the sandbox while a secret it needs is missing. */
export function gatewaySettings(cfg: GatewayConfig): GatewaySettings {
  const { clientSecretKey, publicUrlConfigured, publishedSecrets: published, ...settings } = cfg.gateway;
  const missing = [
    settings.apiKeys.length === 0 ? 'GATEWAY_API_KEYS' : undefined,
    settings.operatorKeys.length === 0 ? 'GATEWAY_OPERATOR_KEYS' : undefined,
    clientSecretKey ? undefined : 'CLIENT_SECRET_KEY',
    cfg.sandbox || publicUrlConfigured ? undefined : 'GATEWAY_PUBLIC_URL',
    cfg.codec.authTokens.length === 0 ? 'CODEC_AUTH_TOKENS' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0 || !clientSecretKey) {
    throw configError(missing.map((name) => `${name}: required outside sandbox mode`));
  }
  // The sandbox's keys are published: served beyond this machine, they would let anyone start, read and decide journeys.
  if (published.length > 0 && !isLoopbackHost(settings.host)) {
    throw invalid(
      'GATEWAY_HOST',
      `sandbox mode serves the published sandbox keys, so it binds only to loopback (127.0.0.1); to listen on ` +
        `${settings.host}, set your own ${published.join(', ')}`,
    );
  }
  return { ...settings, clientSecretKey };
}
