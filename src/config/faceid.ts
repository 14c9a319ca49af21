import { z } from 'zod';
import { FACEID_ACTION_NAMES, type FaceIdAction } from '../faceid/actions';
import { DEFAULT_EMULATOR_PORT, SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../faceid/sandbox-endpoint';
import { invalid, optionalText, port } from './env';

/** The FaceID variables: the account's key pair (none means sandbox mode), where calls go, how fast they may go. */
export const faceidEnv = z.object({
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
  // The sandbox endpoint is the emulator's port on loopback.
  EMULATOR_PORT: port.default(DEFAULT_EMULATOR_PORT),
});

type FaceIdEnv = z.infer<typeof faceidEnv>;

/** Sandbox mode whenever no credentials are given: the bundled emulator stands in for Tencent. Half a pair is refused. */
export function sandboxMode(e: Pick<FaceIdEnv, 'FACEID_SECRET_ID' | 'FACEID_SECRET_KEY'>): boolean {
  if (Boolean(e.FACEID_SECRET_ID) !== Boolean(e.FACEID_SECRET_KEY)) {
    throw invalid('FACEID_SECRET_ID / FACEID_SECRET_KEY', 'set both for Tencent Cloud, or neither for sandbox mode');
  }
  return !e.FACEID_SECRET_ID;
}

/** The FaceID account and endpoint: Tencent Cloud over https, or in sandbox mode the emulator on loopback. */
export function faceidSettings(e: FaceIdEnv, sandbox: boolean) {
  const endpoint = e.FACEID_ENDPOINT ?? (sandbox ? `127.0.0.1:${e.EMULATOR_PORT}` : 'faceid.intl.tencentcloudapi.com');
  const plainHttp = sandbox && /^(127\.|localhost)/.test(endpoint);
  return {
    secretId: e.FACEID_SECRET_ID ?? SANDBOX_SECRET_ID,
    secretKey: e.FACEID_SECRET_KEY ?? SANDBOX_SECRET_KEY,
    region: e.FACEID_REGION,
    endpoint,
    protocol: plainHttp ? ('http://' as const) : ('https://' as const),
    timeoutSeconds: e.FACEID_TIMEOUT_SECONDS,
    defaultRateLimit: e.FACEID_RATE_LIMIT,
    rateLimits: parseRateLimits(e.FACEID_RATE_LIMITS),
  };
}

function parseRateLimits(spec: string): Partial<Record<FaceIdAction, number>> {
  const limits: Partial<Record<FaceIdAction, number>> = {};
  for (const pair of spec.split(',').filter(Boolean)) {
    const [action = '', rate = ''] = pair.split('=');
    if (!(FACEID_ACTION_NAMES as string[]).includes(action)) {
      throw invalid('FACEID_RATE_LIMITS', `unknown FaceID action "${action}"`);
    }
    limits[action as FaceIdAction] = Number(rate);
  }
  return limits;
}
