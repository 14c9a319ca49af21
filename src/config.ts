import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { FACEID_ACTION_NAMES, type FaceIdAction } from './faceid/actions';
import { DEFAULT_EMULATOR_PORT, SANDBOX_ADMIN_TOKEN, SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from './faceid/sandbox-endpoint';
import { defaultArchiveUrl, parseArchiveUrl } from './store/store-url';
import { DEFAULT_MEDIA_HOSTS, DEFAULT_MEDIA_MAX_BYTES, parseHostList, parseHostPattern } from './archive/media-policy';
import { parseKeyRing, SANDBOX_CODEC_KEYS, type KeyRing } from './codec/key-ring';
import { readPem, type EgressSettings } from './egress/dispatchers';
import { parseProxySettings } from './egress/proxy-settings';
import {
  DEFAULT_GATEWAY_PORT,
  DEMO_WEBHOOK_PORT,
  SANDBOX_API_KEY,
  SANDBOX_CLIENT_SECRET_KEY,
  SANDBOX_CODEC_AUTH_TOKEN,
  SANDBOX_OPERATOR_KEY,
  SANDBOX_WEBHOOK_SECRET,
} from './gateway/sandbox-defaults';
import { OperatorKeyError, parseOperatorKey, type OperatorKey } from './gateway/operator-identities';
import {
  EVIDENCE_KEY_ID_PATTERN,
  EvidenceKeyError,
  parsePublicKeys,
  SANDBOX_EVIDENCE_KEY_ID,
  SANDBOX_EVIDENCE_SIGNING_KEY,
  signingKeyFromSeed,
  type EvidenceSigningKey,
} from './evidence/bundle-signing';
import {
  DEFAULT_ROLES_CLAIM,
  DEFAULT_SANDBOX_OIDC_PORT,
  SANDBOX_CONSOLE_CLIENT_ID,
  SANDBOX_CONSOLE_CLIENT_SECRET,
} from './console/sandbox-accounts';

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
/** A comma-separated list of secrets; entries are checked for length only, and never echoed in errors. */
const secretList = (minLength: number) =>
  z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().min(minLength, `every entry needs at least ${minLength} characters`)))
    .optional();
/** A worker deployment name: Temporal joins it to the build id with a dot, so it holds none. */
const deploymentName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'letters, digits, "_" and "-", up to 100');
/** A build id, e.g. a release tag `1.4.2` or a commit hash. */
const buildId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" and "-", up to 100');
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an absolute http or https URL' });
const optionalUrl = optionalText.pipe(httpUrl.optional());

/** Raw environment variables this service reads; every other variable is ignored. */
const envSchema = z.object({
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  // An HTTP CONNECT proxy for the gRPC connections to Temporal; the egress proxy variables never apply to them.
  TEMPORAL_GRPC_PROXY: optionalText,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  FACEID_SECRET_ID: optionalText,
  FACEID_SECRET_KEY: optionalText,
  FACEID_REGION: z
    .enum(['ap-singapore', 'ap-jakarta', 'ap-hongkong', 'ap-bangkok', 'sa-saopaulo'])
    .default('ap-singapore'),
  FACEID_ENDPOINT: optionalText,
  FACEID_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(30),
  FACEID_RATE_LIMIT: z.coerce.number().positive().max(1000).default(20),
  FACEID_RATE_LIMITS: z
    .string()
    .trim()
    .regex(/^([A-Za-z]+=\d+(\.\d+)?)?(,[A-Za-z]+=\d+(\.\d+)?)*$/, 'expected Action=rate pairs separated by commas')
    .default(''),
  EMULATOR_PORT: port.default(DEFAULT_EMULATOR_PORT),
  EMULATOR_HOST: z.string().trim().min(1).default('127.0.0.1'),
  // The emulator serves https with this certificate and key (the production rehearsal); unset, plain http.
  EMULATOR_TLS_CERT_FILE: optionalText,
  EMULATOR_TLS_KEY_FILE: optionalText,
  // PEM certificates trusted for outbound TLS (FaceID, media, webhooks) beyond the system's roots.
  OUTBOUND_CA_FILE: optionalText,
  SANDBOX_ADMIN_TOKEN: z.string().trim().min(8).default(SANDBOX_ADMIN_TOKEN),
  TASK_QUEUE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .default('ekyc-journeys'),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(150),
  // A workflow bundle built by `npm run build:workflows`; unset, the worker builds one at start-up.
  WORKFLOW_BUNDLE: optionalText,
  // Worker versioning: a build id turns it on (docs/deployment.md); the deployment name groups the service's versions.
  WORKER_BUILD_ID: optionalText.pipe(buildId.optional()),
  WORKER_DEPLOYMENT_NAME: z.string().trim().pipe(deploymentName).default('ekyc-journeys'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // The worker's Prometheus endpoint (SDK and journey metrics); 0 turns it off.
  METRICS_PORT: port.default(9464),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  ARCHIVE_URL: optionalText,
  RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(30),
  // The reviewers' audit log outlives the evidence it is about: five years by default, as record-keeping rules ask.
  AUDIT_RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(1826),
  // The retention sweep's schedule: every this many minutes (1 minute to 1 day), this many journeys per batch.
  RETENTION_SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  RETENTION_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  MEDIA_ALLOWED_HOSTS: optionalText,
  // Hosts exempt from the private-address checks: an internal mirror of Tencent's media, or the rehearsal's emulator.
  MEDIA_TRUSTED_HOSTS: optionalText,
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 ** 3)
    .default(DEFAULT_MEDIA_MAX_BYTES),
  GATEWAY_PORT: port.default(DEFAULT_GATEWAY_PORT),
  GATEWAY_HOST: z.string().trim().min(1).default('127.0.0.1'),
  GATEWAY_PUBLIC_URL: optionalUrl,
  // Proxies (addresses or CIDRs) whose X-Forwarded-For the gateway believes, so it limits failed logins per client.
  GATEWAY_TRUSTED_PROXIES: secretList(1),
  GATEWAY_API_KEYS: secretList(16),
  // `id:key` pairs (or bare keys, under an identity derived from their hash); parsed by parseOperatorKeys.
  GATEWAY_OPERATOR_KEYS: secretList(1),
  CLIENT_SECRET_KEY: optionalText.pipe(z.string().min(32, 'needs at least 32 characters').optional()),
  // `none` turns deliveries off, also in sandbox mode where a default receiver is configured.
  WEBHOOK_URL: optionalText.pipe(z.union([z.literal('none'), httpUrl]).optional()),
  WEBHOOK_SECRETS: secretList(16),
  WEB_FINAL_URL: optionalUrl,
  // `id:base64,olderId:base64…`, first current; parsed by parseKeyRing, which never echoes key material.
  CODEC_KEYS: optionalText,
  CODEC_AUTH_TOKENS: secretList(16),
  CODEC_UI_ORIGIN: optionalText,
  // Evidence bundles: the Base64 of a 32-byte Ed25519 seed and its key id (docs/operations.md, "Evidence bundles").
  EVIDENCE_SIGNING_KEY: optionalText,
  EVIDENCE_SIGNING_KEY_ID: optionalText,
  // A migration setting: payloads that arrive unencrypted are read as sent instead of refused (docs/operations.md).
  CODEC_ACCEPT_UNENCRYPTED: z.enum(['true', 'false']).default('false'),
  // The reviewer console's identity provider (docs/console.md); in sandbox mode, the sandbox provider by default.
  CONSOLE_OIDC_ISSUER: optionalUrl,
  CONSOLE_OIDC_CLIENT_ID: optionalText,
  CONSOLE_OIDC_CLIENT_SECRET: optionalText,
  CONSOLE_OIDC_ROLES_CLAIM: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:/-]{1,200}$/, 'a claim name: letters, digits, "_", ".", ":", "/" and "-"')
    .default(DEFAULT_ROLES_CLAIM),
  // A console session ends after this long without a request, and this long after sign-in whatever happens.
  CONSOLE_SESSION_IDLE_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1800),
  CONSOLE_SESSION_MAX_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .max(7 * 86_400)
    .default(8 * 3600),
  SANDBOX_OIDC_PORT: port.default(DEFAULT_SANDBOX_OIDC_PORT),
});

/** The validated configuration every process of the service shares. */
export interface AppConfig {
  sandbox: boolean;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  temporal: {
    /** Set when an external cluster is used; unset means the embedded dev server. */
    address: string | undefined;
    namespace: string;
    /** Main task queue; the FaceID and media queues are derived from it. */
    taskQueue: string;
    devServerPort: number;
    uiPort: number;
    /** `TEMPORAL_GRPC_PROXY`: an http CONNECT proxy for Temporal's gRPC, with optional credentials. */
    grpcProxy: URL | undefined;
  };
  faceid: {
    secretId: string;
    secretKey: string;
    region: z.infer<typeof envSchema>['FACEID_REGION'];
    endpoint: string;
    protocol: 'https://' | 'http://';
    timeoutSeconds: number;
    defaultRateLimit: number;
    rateLimits: Partial<Record<FaceIdAction, number>>;
  };
  /** The bundled emulator: where it listens, its admin token, and its certificate when it serves https. */
  emulator: { host: string; port: number; adminToken: string; tls: { certFile: string; keyFile: string } | undefined };
  /** How outbound connections leave: the proxy variables and extra trusted CAs (`OUTBOUND_CA_FILE`). */
  egress: EgressSettings;
  worker: {
    maxCachedWorkflows: number;
    /** A prebuilt workflow bundle to run; without it the worker builds one at start-up. */
    workflowBundle?: string;
    deployment?: { name: string; buildId: string };
  };
  /** Where the worker serves `/metrics`; `port` 0 means no endpoint. */
  metrics: { host: string; port: number };
  /**
   * The media archive: where it lives (`ARCHIVE_URL`), how long media is kept after the outcome, and how often the
   * retention sweep runs and how many journeys it takes per batch.
   */
  archive: {
    url: string;
    retentionDays: number;
    /** How long the reviewers' audit log keeps a day's entries. */
    auditRetentionDays: number;
    sweep: { intervalMinutes: number; batchSize: number };
  };
  /**
   * The media download guard: allowlisted hosts, the sandbox emulator's `host:port` (sandbox only), hosts exempt from
   * the private-address checks (`MEDIA_TRUSTED_HOSTS`), size cap.
   */
  media: { allowedHosts: string[]; sandboxHosts: string[]; trustedHosts: string[]; maxBytes: number };
  gateway: {
    host: string;
    port: number;
    /** Base URL browsers and FaceID reach the gateway at; the web flows' RedirectURL is built from it. */
    publicUrl: string;
    /** Load balancers whose `X-Forwarded-For` names the client (`GATEWAY_TRUSTED_PROXIES`); empty: the TCP peer. */
    trustedProxies: string[];
    /** Empty outside the sandbox until configured; {@link gatewaySettings} refuses to start without them. */
    apiKeys: string[];
    /** Each operator key with the identity it acts as (`GATEWAY_OPERATOR_KEYS`). */
    operatorKeys: OperatorKey[];
    clientSecretKey: string | undefined;
    /** Where the browser lands after a web verification when the backend gave no `finalUrl`. */
    webFinalUrl: string | undefined;
    /** Whether start bodies got `publicUrl` from the environment (required outside the sandbox). */
    publicUrlConfigured: boolean;
    /** Settings left at the published sandbox values anyone can read (sandbox mode only); they keep it on loopback. */
    publishedSecrets: string[];
    /**
     * Signs evidence bundles (`EVIDENCE_SIGNING_KEY`, the published sandbox key in sandbox mode); without it the
     * evidence route answers `evidence_not_configured`, so the key can stay on the gateways operators use.
     */
    evidenceSigningKey: EvidenceSigningKey | undefined;
  };
  /** Where the worker delivers journey events; the first secret signs. */
  webhook: { url?: string; secrets: string[] };
  /**
   * The payload codec's key ring (`CODEC_KEYS`), and who may use the gateway's codec endpoint for the Temporal UI:
   * bearer tokens (`CODEC_AUTH_TOKENS`, empty outside the sandbox until configured) and browser origins.
   */
  codec: { keyRing: KeyRing; authTokens: string[]; uiOrigins: string[]; acceptUnencrypted: boolean };
  /** The reviewer console's sign-in, or undefined when no identity provider is configured (outside the sandbox). */
  console: ConsoleSettings | undefined;
}

/** The reviewer console's identity provider and session lifetimes. */
interface ConsoleSettings {
  /** The OpenID Connect issuer (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE alone). */
  clientSecret: string | undefined;
  /** The ID token claim holding the user's console roles (`reviewer`, `auditor`). */
  rolesClaim: string;
  idleSeconds: number;
  maxSeconds: number;
  /** Where the sandbox provider listens (sandbox mode only). */
  sandboxPort: number;
}

/** The gateway's settings once every secret it needs is present. */
export type GatewaySettings = Omit<
  AppConfig['gateway'],
  'clientSecretKey' | 'publicUrlConfigured' | 'publishedSecrets'
> & {
  clientSecretKey: string;
};

/** Thrown when the environment is invalid; the message names every offending variable and never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function parseRateLimits(spec: string): Partial<Record<FaceIdAction, number>> {
  const limits: Partial<Record<FaceIdAction, number>> = {};
  for (const pair of spec.split(',').filter(Boolean)) {
    const [action = '', rate = ''] = pair.split('=');
    if (!(FACEID_ACTION_NAMES as string[]).includes(action)) {
      throw new ConfigError(`Invalid configuration:\n  FACEID_RATE_LIMITS: unknown FaceID action "${action}"`);
    }
    limits[action as FaceIdAction] = Number(rate);
  }
  return limits;
}

/** Validates an environment (default `process.env`) into an {@link AppConfig}; use {@link config} in processes. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (Boolean(e.FACEID_SECRET_ID) !== Boolean(e.FACEID_SECRET_KEY)) {
    throw new ConfigError(
      'Invalid configuration:\n  FACEID_SECRET_ID / FACEID_SECRET_KEY: set both for Tencent Cloud, or neither for sandbox mode',
    );
  }
  // Sandbox mode whenever no credentials are given: the bundled emulator stands in for Tencent.
  const sandbox = !e.FACEID_SECRET_ID;
  const endpoint = e.FACEID_ENDPOINT ?? (sandbox ? `127.0.0.1:${e.EMULATOR_PORT}` : 'faceid.intl.tencentcloudapi.com');
  const plainHttp = sandbox && /^(127\.|localhost)/.test(endpoint);
  const gatewayPublicUrl = (e.GATEWAY_PUBLIC_URL ?? `http://127.0.0.1:${e.GATEWAY_PORT}`).replace(/\/+$/, '');
  const webhook = parseWebhook(e, sandbox);
  if (e.WEB_FINAL_URL && !isAllowedBrowserUrl(e.WEB_FINAL_URL, sandbox)) {
    throw new ConfigError(
      'Invalid configuration:\n  WEB_FINAL_URL: must be https (or http on loopback in sandbox mode)',
    );
  }
  return {
    sandbox,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TASK_QUEUE,
      devServerPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      grpcProxy: parseGrpcProxy(e.TEMPORAL_GRPC_PROXY),
    },
    faceid: {
      secretId: e.FACEID_SECRET_ID ?? SANDBOX_SECRET_ID,
      secretKey: e.FACEID_SECRET_KEY ?? SANDBOX_SECRET_KEY,
      region: e.FACEID_REGION,
      endpoint,
      protocol: plainHttp ? 'http://' : 'https://',
      timeoutSeconds: e.FACEID_TIMEOUT_SECONDS,
      defaultRateLimit: e.FACEID_RATE_LIMIT,
      rateLimits: parseRateLimits(e.FACEID_RATE_LIMITS),
    },
    emulator: {
      host: e.EMULATOR_HOST,
      port: e.EMULATOR_PORT,
      adminToken: e.SANDBOX_ADMIN_TOKEN,
      tls: parseEmulatorTls(e),
    },
    egress: parseEgress(e, env),
    worker: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      ...(e.WORKFLOW_BUNDLE ? { workflowBundle: resolve(e.WORKFLOW_BUNDLE) } : {}),
      ...(e.WORKER_BUILD_ID ? { deployment: { name: e.WORKER_DEPLOYMENT_NAME, buildId: e.WORKER_BUILD_ID } } : {}),
    },
    metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT },
    archive: parseArchive(e),
    media: parseMedia(e, sandbox, endpoint),
    gateway: {
      host: e.GATEWAY_HOST,
      port: e.GATEWAY_PORT,
      publicUrl: gatewayPublicUrl,
      trustedProxies: parseTrustedProxies(e.GATEWAY_TRUSTED_PROXIES ?? []),
      apiKeys: e.GATEWAY_API_KEYS ?? (sandbox ? [SANDBOX_API_KEY] : []),
      // The sandbox's published key acts as `sandbox-operator`, a name the docs' examples can show.
      operatorKeys: parseOperatorKeys(
        e.GATEWAY_OPERATOR_KEYS ?? (sandbox ? [`sandbox-operator:${SANDBOX_OPERATOR_KEY}`] : []),
      ),
      clientSecretKey: e.CLIENT_SECRET_KEY ?? (sandbox ? SANDBOX_CLIENT_SECRET_KEY : undefined),
      publishedSecrets: sandbox
        ? (
            [
              ['GATEWAY_API_KEYS', e.GATEWAY_API_KEYS],
              ['GATEWAY_OPERATOR_KEYS', e.GATEWAY_OPERATOR_KEYS],
              ['CLIENT_SECRET_KEY', e.CLIENT_SECRET_KEY],
              ['CODEC_KEYS', e.CODEC_KEYS],
              ['CODEC_AUTH_TOKENS', e.CODEC_AUTH_TOKENS],
            ] as const
          ).flatMap(([name, value]) => (value === undefined ? [name] : []))
        : [],
      webFinalUrl: e.WEB_FINAL_URL ?? (sandbox ? `${gatewayPublicUrl}/v1/web/finished` : undefined),
      publicUrlConfigured: e.GATEWAY_PUBLIC_URL !== undefined,
      evidenceSigningKey: parseEvidenceSigningKey(e, sandbox),
    },
    webhook,
    codec: parseCodec(e, sandbox),
    console: parseConsole(e, sandbox),
  };
}

/** Trusted proxies: IPv4 or IPv6 addresses, each with an optional `/prefix` (CIDR). */
function parseTrustedProxies(entries: string[]): string[] {
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const version = isIP(address);
    const maxPrefix = version === 4 ? 32 : 128;
    const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (version === 0 || !validPrefix || extra !== undefined) {
      throw new ConfigError('Invalid configuration:\n  GATEWAY_TRUSTED_PROXIES: expected IP addresses or CIDRs');
    }
  }
  return entries;
}

/** The operator keys with their identities; a malformed entry stops start-up naming the variable, never the entry. */
function parseOperatorKeys(entries: string[]): OperatorKey[] {
  try {
    return entries.map(parseOperatorKey);
  } catch (error) {
    if (!(error instanceof OperatorKeyError)) throw error;
    throw new ConfigError(`Invalid configuration:\n  GATEWAY_OPERATOR_KEYS: ${error.message}`);
  }
}

function parseConsole(e: z.infer<typeof envSchema>, sandbox: boolean): ConsoleSettings | undefined {
  const issuer = (e.CONSOLE_OIDC_ISSUER ?? (sandbox ? `http://127.0.0.1:${e.SANDBOX_OIDC_PORT}` : undefined))?.replace(
    /\/+$/,
    '',
  );
  if (!issuer) {
    if (e.CONSOLE_OIDC_CLIENT_ID) {
      throw new ConfigError('Invalid configuration:\n  CONSOLE_OIDC_ISSUER: required with CONSOLE_OIDC_CLIENT_ID');
    }
    return undefined;
  }
  if (!isAllowedBrowserUrl(issuer, sandbox)) {
    throw new ConfigError(
      'Invalid configuration:\n  CONSOLE_OIDC_ISSUER: must be https (or http on loopback in sandbox mode)',
    );
  }
  const ownIssuer = e.CONSOLE_OIDC_ISSUER !== undefined;
  const clientId = e.CONSOLE_OIDC_CLIENT_ID ?? (ownIssuer ? undefined : SANDBOX_CONSOLE_CLIENT_ID);
  if (!clientId) {
    throw new ConfigError('Invalid configuration:\n  CONSOLE_OIDC_CLIENT_ID: required with CONSOLE_OIDC_ISSUER');
  }
  if (e.CONSOLE_SESSION_IDLE_SECONDS > e.CONSOLE_SESSION_MAX_SECONDS) {
    throw new ConfigError(
      'Invalid configuration:\n  CONSOLE_SESSION_IDLE_SECONDS: must not exceed CONSOLE_SESSION_MAX_SECONDS',
    );
  }
  return {
    issuer,
    clientId,
    clientSecret: e.CONSOLE_OIDC_CLIENT_SECRET ?? (ownIssuer ? undefined : SANDBOX_CONSOLE_CLIENT_SECRET),
    rolesClaim: e.CONSOLE_OIDC_ROLES_CLAIM,
    idleSeconds: e.CONSOLE_SESSION_IDLE_SECONDS,
    maxSeconds: e.CONSOLE_SESSION_MAX_SECONDS,
    sandboxPort: e.SANDBOX_OIDC_PORT,
  };
}

/** Whether a URL may receive a browser or a webhook: https, or plain http on loopback in sandbox mode. */
export function isAllowedBrowserUrl(url: string, sandbox: boolean): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return true;
  return sandbox && parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}

function parseWebhook(e: z.infer<typeof envSchema>, sandbox: boolean): AppConfig['webhook'] {
  const secrets = e.WEBHOOK_SECRETS ?? (sandbox ? [SANDBOX_WEBHOOK_SECRET] : []);
  if (e.WEBHOOK_URL === 'none') return { secrets };
  // In the sandbox, events go to the receiver `npm run demo` opens; nothing listening there only means retries.
  const url = e.WEBHOOK_URL ?? (sandbox ? `http://127.0.0.1:${DEMO_WEBHOOK_PORT}/webhooks` : undefined);
  if (!url) return { secrets };
  if (!isAllowedBrowserUrl(url, sandbox)) {
    throw new ConfigError('Invalid configuration:\n  WEBHOOK_URL: must be https (or http on loopback in sandbox mode)');
  }
  if (secrets.length === 0) {
    throw new ConfigError('Invalid configuration:\n  WEBHOOK_SECRETS: required when WEBHOOK_URL is set');
  }
  return { url, secrets };
}

/**
 * The gateway's settings, refusing to go on outside the sandbox while a secret it needs is missing; only the gateway
 * calls this, so workers do not have to carry the gateway's keys.
 */
export function gatewaySettings(cfg: AppConfig): GatewaySettings {
  const missing = [
    cfg.gateway.apiKeys.length === 0 ? 'GATEWAY_API_KEYS' : undefined,
    cfg.gateway.operatorKeys.length === 0 ? 'GATEWAY_OPERATOR_KEYS' : undefined,
    cfg.gateway.clientSecretKey ? undefined : 'CLIENT_SECRET_KEY',
    cfg.sandbox || cfg.gateway.publicUrlConfigured ? undefined : 'GATEWAY_PUBLIC_URL',
    cfg.codec.authTokens.length === 0 ? 'CODEC_AUTH_TOKENS' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  ${missing.map((name) => `${name}: required outside sandbox mode`).join('\n  ')}`,
    );
  }
  const {
    host,
    port,
    publicUrl,
    trustedProxies,
    apiKeys,
    operatorKeys,
    webFinalUrl,
    publishedSecrets,
    evidenceSigningKey,
  } = cfg.gateway;
  // The sandbox's keys are published: served beyond this machine, they would let anyone start, read and decide journeys.
  if (publishedSecrets.length > 0 && !isLoopbackHost(host)) {
    throw new ConfigError(
      `Invalid configuration:\n  GATEWAY_HOST: sandbox mode serves the published sandbox keys, so it binds only to loopback ` +
        `(127.0.0.1); to listen on ${host}, set your own ${publishedSecrets.join(', ')}`,
    );
  }
  return {
    host,
    port,
    publicUrl,
    trustedProxies,
    apiKeys,
    operatorKeys,
    webFinalUrl,
    evidenceSigningKey,
    clientSecretKey: cfg.gateway.clientSecretKey as string,
  };
}

/** The evidence signing key: both variables or neither; neither means the sandbox key in sandbox mode, none outside. */
function parseEvidenceSigningKey(e: z.infer<typeof envSchema>, sandbox: boolean): EvidenceSigningKey | undefined {
  const seed = e.EVIDENCE_SIGNING_KEY;
  const keyId = e.EVIDENCE_SIGNING_KEY_ID;
  if (Boolean(seed) !== Boolean(keyId)) {
    throw new ConfigError(
      'Invalid configuration:\n  EVIDENCE_SIGNING_KEY / EVIDENCE_SIGNING_KEY_ID: set both to sign evidence bundles, or neither',
    );
  }
  if (!seed || !keyId)
    return sandbox ? signingKeyFromSeed(SANDBOX_EVIDENCE_KEY_ID, SANDBOX_EVIDENCE_SIGNING_KEY) : undefined;
  if (!EVIDENCE_KEY_ID_PATTERN.test(keyId)) {
    throw new ConfigError('Invalid configuration:\n  EVIDENCE_SIGNING_KEY_ID: 1-64 letters, digits, ".", "_" and "-"');
  }
  // Anyone can sign with the published key, so its signature would prove nothing about a real journey.
  if (!sandbox && Buffer.from(seed, 'base64').equals(Buffer.from(SANDBOX_EVIDENCE_SIGNING_KEY, 'base64'))) {
    throw new ConfigError(
      'Invalid configuration:\n  EVIDENCE_SIGNING_KEY: the published sandbox key signs nothing outside sandbox mode',
    );
  }
  try {
    return signingKeyFromSeed(keyId, seed);
  } catch (error) {
    if (!(error instanceof EvidenceKeyError)) throw error;
    throw new ConfigError(`Invalid configuration:\n  EVIDENCE_SIGNING_KEY: ${error.message}`);
  }
}

/** The public keys `npm run verify-evidence` trusts, by key id. */
export interface EvidenceVerifierKeys {
  keys: Map<string, KeyObject>;
  /** True when none were configured and sandbox mode lent the published sandbox key. */
  sandboxKeyOnly: boolean;
}

/**
 * The verifier's keys from `EVIDENCE_PUBLIC_KEYS` (`<key id>:<PEM or Base64>` entries separated by commas); when it is
 * unset, in sandbox mode (no `FACEID_SECRET_ID`, as for every process) the published sandbox key, otherwise none. Reads
 * nothing else, so the verifier runs offline on any machine.
 */
export function evidenceVerifierKeys(env: NodeJS.ProcessEnv = process.env): EvidenceVerifierKeys {
  const spec = env.EVIDENCE_PUBLIC_KEYS?.trim();
  if (spec) {
    try {
      return { keys: parsePublicKeys(spec), sandboxKeyOnly: false };
    } catch (error) {
      if (!(error instanceof EvidenceKeyError)) throw error;
      throw new ConfigError(`Invalid configuration:\n  EVIDENCE_PUBLIC_KEYS: ${error.message}`);
    }
  }
  if (env.FACEID_SECRET_ID?.trim()) return { keys: new Map(), sandboxKeyOnly: false };
  const sandboxKey = signingKeyFromSeed(SANDBOX_EVIDENCE_KEY_ID, SANDBOX_EVIDENCE_SIGNING_KEY).publicKey;
  return { keys: new Map([[SANDBOX_EVIDENCE_KEY_ID, sandboxKey]]), sandboxKeyOnly: true };
}

/** Whether a bind address reaches this machine only. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function parseArchive(e: z.infer<typeof envSchema>): AppConfig['archive'] {
  const url = e.ARCHIVE_URL ?? defaultArchiveUrl(e.DATA_DIR);
  try {
    parseArchiveUrl(url);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ARCHIVE_URL: ${(error as Error).message}`);
  }
  if (e.AUDIT_RETENTION_DAYS < e.RETENTION_DAYS) {
    throw new ConfigError('Invalid configuration:\n  AUDIT_RETENTION_DAYS: must not be shorter than RETENTION_DAYS');
  }
  return {
    url,
    retentionDays: e.RETENTION_DAYS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    sweep: { intervalMinutes: e.RETENTION_SWEEP_INTERVAL_MINUTES, batchSize: e.RETENTION_SWEEP_BATCH_SIZE },
  };
}

function parseMedia(e: z.infer<typeof envSchema>, sandbox: boolean, endpoint: string): AppConfig['media'] {
  const parsed = (variable: string, parse: () => string[]): string[] => {
    try {
      return parse();
    } catch (error) {
      throw new ConfigError(`Invalid configuration:\n  ${variable}: ${(error as Error).message}`);
    }
  };
  return {
    allowedHosts: e.MEDIA_ALLOWED_HOSTS
      ? parsed('MEDIA_ALLOWED_HOSTS', () => parseHostList(e.MEDIA_ALLOWED_HOSTS as string))
      : [...DEFAULT_MEDIA_HOSTS],
    // The emulator serves its media from the FaceID endpoint itself, over plain http on loopback.
    sandboxHosts: sandbox ? parsed('FACEID_ENDPOINT', () => [parseHostPattern(endpoint)]) : [],
    trustedHosts: e.MEDIA_TRUSTED_HOSTS
      ? parsed('MEDIA_TRUSTED_HOSTS', () => {
          const hosts = parseHostList(e.MEDIA_TRUSTED_HOSTS as string);
          if (hosts.some((host) => host.startsWith('*.'))) throw new Error('names hosts one by one, no *.suffix');
          return hosts;
        })
      : [],
    maxBytes: e.MEDIA_MAX_BYTES,
  };
}

function parseGrpcProxy(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || !url.port || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError('Invalid configuration:\n  TEMPORAL_GRPC_PROXY: expected http://[user:password@]host:port');
  }
  return url;
}

function parseEmulatorTls(e: z.infer<typeof envSchema>): AppConfig['emulator']['tls'] {
  if (Boolean(e.EMULATOR_TLS_CERT_FILE) !== Boolean(e.EMULATOR_TLS_KEY_FILE)) {
    throw new ConfigError(
      'Invalid configuration:\n  EMULATOR_TLS_CERT_FILE / EMULATOR_TLS_KEY_FILE: set both for https, or neither',
    );
  }
  return e.EMULATOR_TLS_CERT_FILE && e.EMULATOR_TLS_KEY_FILE
    ? { certFile: e.EMULATOR_TLS_CERT_FILE, keyFile: e.EMULATOR_TLS_KEY_FILE }
    : undefined;
}

function parseEgress(e: z.infer<typeof envSchema>, env: NodeJS.ProcessEnv): EgressSettings {
  let extraCa: string[] | undefined;
  if (e.OUTBOUND_CA_FILE) {
    try {
      extraCa = readPem(e.OUTBOUND_CA_FILE);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ConfigError(`Invalid configuration:\n  OUTBOUND_CA_FILE: cannot use ${e.OUTBOUND_CA_FILE} (${reason})`);
    }
  }
  try {
    return { proxy: parseProxySettings(env), extraCa };
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${(error as Error).message}`);
  }
}

function parseCodec(e: z.infer<typeof envSchema>, sandbox: boolean): AppConfig['codec'] {
  const spec = e.CODEC_KEYS ?? (sandbox ? SANDBOX_CODEC_KEYS : undefined);
  if (!spec) throw new ConfigError('Invalid configuration:\n  CODEC_KEYS: required outside sandbox mode');
  let keyRing: KeyRing;
  try {
    keyRing = parseKeyRing(spec);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  CODEC_KEYS: ${(error as Error).message}`);
  }
  // The Temporal UI of `npm start` is the default caller, under either loopback name.
  const origins = e.CODEC_UI_ORIGIN?.split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean) ?? [`http://127.0.0.1:${e.TEMPORAL_UI_PORT}`, `http://localhost:${e.TEMPORAL_UI_PORT}`];
  for (const origin of origins) {
    if (!isOrigin(origin)) {
      throw new ConfigError(
        'Invalid configuration:\n  CODEC_UI_ORIGIN: expected http(s) origins (scheme, host and port only) separated by commas',
      );
    }
  }
  return {
    keyRing,
    authTokens: e.CODEC_AUTH_TOKENS ?? (sandbox ? [SANDBOX_CODEC_AUTH_TOKEN] : []),
    uiOrigins: origins,
    acceptUnencrypted: e.CODEC_ACCEPT_UNENCRYPTED === 'true',
  };
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

let loaded: AppConfig | undefined;

/** The process-wide configuration, parsed once; on a bad value it prints the problem and exits with status 78. */
export function config(): AppConfig {
  if (loaded) return loaded;
  try {
    loaded = parseConfig();
    return loaded;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
