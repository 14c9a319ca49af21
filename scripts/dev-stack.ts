/**
 * `npm start`: the whole service on one machine. Starts the embedded Temporal dev server (unless TEMPORAL_ADDRESS
 * points elsewhere), the FaceID emulator in sandbox mode, the worker and the HTTP gateway; prints where everything
 * is; Ctrl-C or SIGTERM stops every child and exits 0.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { config, gatewaySettings } from '../src/config';
import { devServerArgs, TEMPORAL_CLI_PATH } from '../src/temporal/dev-server';
import { resolveTemporalTarget } from '../src/temporal/connection';
import { Supervisor, type ChildSpec } from './lib/supervisor';
import { waitForHttp, waitForPort, waitForTemporal } from './lib/wait';

const cfg = config();
const target = resolveTemporalTarget(cfg);
const tsNode = (entry: string, name: string): ChildSpec => ({
  name,
  command: process.execPath,
  args: ['--import', 'tsx', resolve(__dirname, '..', entry)],
});

let exitCode = 0;
const supervisor = new Supervisor((name, code) => {
  process.stderr.write(`\n${name} stopped unexpectedly (exit ${code}); stopping the stack.\n`);
  exitCode = 1;
  void shutdown();
});

let stopping = false;
async function shutdown(): Promise<void> {
  // Ctrl-C reaches this process both from the terminal and from npm, which forwards it: stop once, ignore repeats.
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping ekyc-journeys…\n');
  await supervisor.stop();
  process.exit(exitCode);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  mkdirSync(resolve(cfg.dataDir), { recursive: true });
  // Checked before anything starts: outside the sandbox the gateway refuses to run without its keys.
  const gateway = gatewaySettings(cfg);

  if (target.embedded) {
    await supervisor.start({
      name: 'temporal',
      command: TEMPORAL_CLI_PATH,
      // The UI decodes payloads through the gateway's codec endpoint (docs/operations.md, "Reading journeys in the UI").
      args: devServerArgs(cfg, { codecEndpoint: `${gateway.publicUrl}/codec` }),
      ready: () => waitForTemporal(target.connection.address),
    });
  }
  if (cfg.sandbox) {
    await supervisor.start({
      ...tsNode('src/emulator/main.ts', 'emulator'),
      ready: () => waitForPort('127.0.0.1', cfg.emulator.port),
    });
  }
  // The worker logs JSON lines; this one says every task queue is polled.
  await supervisor.start({ ...tsNode('src/workers/main.ts', 'worker'), readyLine: /"msg":"worker ready"/ });
  const gatewayProbe = `http://${gateway.host === '0.0.0.0' ? '127.0.0.1' : gateway.host}:${gateway.port}/healthz`;
  await supervisor.start({ ...tsNode('src/gateway/main.ts', 'gateway'), ready: () => waitForHttp(gatewayProbe) });

  const lines = [
    '',
    'ekyc-journeys is running',
    `  Temporal gRPC     ${target.connection.address} (namespace ${target.namespace})`,
    target.embedded ? `  Temporal Web UI   http://127.0.0.1:${cfg.temporal.uiPort}` : undefined,
    cfg.sandbox
      ? `  FaceID emulator   http://127.0.0.1:${cfg.emulator.port} (sandbox mode: no Tencent credentials set)`
      : `  FaceID endpoint   ${cfg.faceid.protocol}${cfg.faceid.endpoint}`,
    `  Gateway (HTTP)    ${gateway.publicUrl}  (OpenAPI: ${gateway.publicUrl}/docs)`,
    cfg.metrics.port > 0
      ? `  Worker metrics    http://${cfg.metrics.host === '0.0.0.0' ? '127.0.0.1' : cfg.metrics.host}:${cfg.metrics.port}/metrics`
      : undefined,
    cfg.sandbox ? `  Sandbox API key   ${gateway.apiKeys[0]}  (operator key: ${gateway.operatorKeys[0]})` : undefined,
    `  Codec endpoint    ${gateway.publicUrl}/codec  (sign in: ${gateway.publicUrl}/codec/login${
      cfg.sandbox ? `, token ${cfg.codec.authTokens[0]}` : ''
    })`,
    '                    for the UI to decode journeys, with "Include cross-origin credentials" on (docs/operations.md)',
    cfg.webhook.url ? `  Webhooks to       ${cfg.webhook.url}` : undefined,
    `  Data directory    ${resolve(cfg.dataDir)}`,
    cfg.sandbox ? 'Try it: npm run demo (in another terminal)' : undefined,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.filter((line) => line !== undefined).join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
  void shutdown();
});
