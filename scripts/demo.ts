/**
 * `npm run demo`: against the stack `npm start` runs (sandbox mode), starts journeys of every flow through the HTTP
 * gateway, plays each end user through the FaceID emulator (its controls, or its web page as a browser would),
 * approves a review as an operator, receives and verifies the webhooks, then prints a table and each journey's link
 * in the Temporal UI, and leaves one more journey waiting for a reviewer (for the console). Exits 0 only when every
 * journey ended as expected and every webhook arrived verified.
 */
import { configOrExit } from '../src/config/env';
import { gatewaySettings } from '../src/config/gateway';
import { SandboxClient } from '../src/emulator/sandbox-client';
import { leaveJourneyInReview, runTour, type TourTarget } from './lib/journey-tour';
import { stackConfig } from './lib/stack';
import { startWebhookReceiver } from './lib/webhook-receiver';

const { gateway: cfg, worker, emulator } = configOrExit(() => stackConfig());
if (!cfg.sandbox) {
  process.stderr.write(
    'demo: it plays the end user through the FaceID emulator, so it runs in sandbox mode only ' +
      '(npm run rehearsal does the same in production mode)\n',
  );
  process.exit(1);
}
const gateway = gatewaySettings(cfg);

async function preflight(): Promise<URL> {
  const health = await fetch(`${gateway.publicUrl}/healthz`).then(
    (response) => response.status,
    () => 0,
  );
  if (health !== 200) throw new Error(`the gateway at ${gateway.publicUrl} is not up: start the stack with npm start`);
  if (!worker.webhook.url) {
    throw new Error('WEBHOOK_URL is "none": the demo needs the sandbox default receiver to show webhooks');
  }
  const url = new URL(worker.webhook.url);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) {
    throw new Error(`WEBHOOK_URL points to ${url.host}; the demo can only receive on 127.0.0.1`);
  }
  return url;
}

async function main(): Promise<number> {
  const webhookUrl = await preflight();
  const receiver = await startWebhookReceiver({
    host: '127.0.0.1',
    port: Number(webhookUrl.port || 80),
    path: webhookUrl.pathname,
    secrets: worker.webhook.secrets,
  }).catch((error: unknown) => {
    throw new Error(`cannot receive webhooks on ${webhookUrl.host} (another demo running?): ${String(error)}`);
  });
  try {
    const target: TourTarget = {
      label: 'demo',
      gatewayUrl: gateway.publicUrl,
      apiKey: gateway.apiKeys[0] as string,
      operatorKey: gateway.operatorKeys[0]?.key as string,
      webFinalUrl: gateway.webFinalUrl ?? gateway.publicUrl,
      emulator: new SandboxClient(`http://127.0.0.1:${emulator.emulator.port}`, emulator.emulator.adminToken),
    };
    const report = await runTour(target, receiver, (line) => process.stdout.write(`${line}\n`));
    const ui = `http://127.0.0.1:${cfg.temporal.uiPort}/namespaces/${cfg.temporal.namespace}/workflows`;
    process.stdout.write(
      `\n${report.table}\n\nIn the Temporal UI:\n` +
        report.rows
          .map((row) => `  ${row.journeyId.padEnd(40)} ${ui}/${encodeURIComponent(row.journeyId)}`)
          .join('\n') +
        '\n',
    );
    if (report.failures.length > 0) {
      process.stderr.write(`\nDemo FAILED: ${report.failures.join('; ')}.\n`);
      return 1;
    }
    process.stdout.write(
      `\nAll ${report.rows.length} journeys ended as expected; ${report.verifiedWebhooks} webhooks received and verified.\n`,
    );
    const waiting = await leaveJourneyInReview(target);
    process.stdout.write(
      `\nLeft waiting for a reviewer: ${waiting}. Work it in the console at ${gateway.publicUrl}/console ` +
        `(sign in as reviewer-1), or decide it over HTTP (docs/gateway.md, "Quick start: an operator").\n`,
    );
    return 0;
  } finally {
    await receiver.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
