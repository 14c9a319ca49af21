import { z } from 'zod';
import { SANDBOX_ADMIN_TOKEN } from '../faceid/sandbox-endpoint';
import { invalid, logLevel, optionalText, readEnv } from './env';
import { faceidEnv, faceidSettings, sandboxMode } from './faceid';

/** The emulator process's variables: its own, and the FaceID account it stands for. */
const emulatorEnv = z.object({
  LOG_LEVEL: logLevel,
  ...faceidEnv.shape,
  EMULATOR_HOST: z.string().trim().min(1).default('127.0.0.1'),
  // The emulator serves https with this certificate and key (the production rehearsal); unset, plain http.
  EMULATOR_TLS_CERT_FILE: optionalText,
  EMULATOR_TLS_KEY_FILE: optionalText,
  SANDBOX_ADMIN_TOKEN: z.string().trim().min(8).default(SANDBOX_ADMIN_TOKEN),
});

const emulatorSchema = emulatorEnv.transform((e) => {
  const sandbox = sandboxMode(e);
  return {
    sandbox,
    logLevel: e.LOG_LEVEL,
    /** The account the workers are configured for: its key pair and the quota the emulator enforces. */
    faceid: faceidSettings(e, sandbox),
    /** Where the emulator listens, its admin token, and its certificate when it serves https. */
    emulator: { host: e.EMULATOR_HOST, port: e.EMULATOR_PORT, adminToken: e.SANDBOX_ADMIN_TOKEN, tls: emulatorTls(e) },
  };
});

/** The emulator process's validated configuration. */
export type EmulatorConfig = z.infer<typeof emulatorSchema>;

/** Validates an environment (default `process.env`) into the emulator's {@link EmulatorConfig}. */
export function emulatorConfig(env: NodeJS.ProcessEnv = process.env): EmulatorConfig {
  return readEnv(emulatorSchema, env);
}

function emulatorTls(e: z.infer<typeof emulatorEnv>): { certFile: string; keyFile: string } | undefined {
  if (Boolean(e.EMULATOR_TLS_CERT_FILE) !== Boolean(e.EMULATOR_TLS_KEY_FILE)) {
    throw invalid('EMULATOR_TLS_CERT_FILE / EMULATOR_TLS_KEY_FILE', 'set both for https, or neither');
  }
  return e.EMULATOR_TLS_CERT_FILE && e.EMULATOR_TLS_KEY_FILE
    ? { certFile: e.EMULATOR_TLS_CERT_FILE, keyFile: e.EMULATOR_TLS_KEY_FILE }
    : undefined;
}
