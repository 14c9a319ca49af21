import { config } from '../config';
import { startEmulator } from './index';

/** Runs the emulator alone (`npm run emulator`) until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const settings = config();
  const emulator = await startEmulator({
    port: settings.emulator.port,
    keys: [{ secretId: settings.faceid.secretId, secretKey: settings.faceid.secretKey }],
    adminToken: settings.emulator.adminToken,
  });
  process.stdout.write(`FaceID sandbox emulator listening on ${emulator.url} (endpoint ${emulator.endpoint})\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`emulator: shutdown after ${signal} failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
