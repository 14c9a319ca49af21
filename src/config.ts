import { z } from 'zod';
import { FACEID_ACTION_NAMES, type FaceIdAction } from './faceid/actions';
import { DEFAULT_EMULATOR_PORT, SANDBOX_ADMIN_TOKEN, SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from './emulator/defaults';

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** Raw environment variables this service reads; every other variable is ignored. */
const envSchema = z.object({
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
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
  SANDBOX_ADMIN_TOKEN: z.string().trim().min(8).default(SANDBOX_ADMIN_TOKEN),
  TASK_QUEUE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .default('ekyc-journeys'),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(1000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  emulator: { port: number; adminToken: string };
  worker: { maxCachedWorkflows: number };
}

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
    emulator: { port: e.EMULATOR_PORT, adminToken: e.SANDBOX_ADMIN_TOKEN },
    worker: { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS },
  };
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
