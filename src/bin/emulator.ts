import { readFileSync } from 'node:fs';
import { configOrExit } from '../config/env';
import { emulatorConfig } from '../config/emulator';
import { createLogger } from '../logging';
import { startEmulator } from '../emulator/index';

/** Runs the emulator alone (`npm run emulator`) until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const settings = configOrExit(() => emulatorConfig());
  const log = createLogger({ component: 'emulator', level: settings.logLevel });
  const { tls } = settings.emulator;
  const emulator = await startEmulator({
    host: settings.emulator.host,
    port: settings.emulator.port,
    ...(tls ? { tls: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } } : {}),
    keys: [{ secretId: settings.faceid.secretId, secretKey: settings.faceid.secretKey }],
    adminToken: settings.emulator.adminToken,
    // The sandbox stands for the account the workers are configured for: it refuses what Tencent would refuse.
    rateLimitPerSecond: settings.faceid.defaultRateLimit,
    rateLimits: settings.faceid.rateLimits,
    logger: log,
  });
  log.info(
    {
      address: emulator.url,
      endpoint: emulator.endpoint,
      quotaPerSecond: settings.faceid.defaultRateLimit,
      // Outside the sandbox it checks the signatures of the key pair the workers are configured with.
      sandboxKeys: settings.sandbox,
    },
    'FaceID sandbox emulator listening',
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error, signal }, 'emulator shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  createLogger({ component: 'emulator', level: 'error' }).error({ err: error }, 'emulator failed to start');
  process.exit(1);
});
