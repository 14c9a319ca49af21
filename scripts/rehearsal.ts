/**
 * `npm run rehearsal`: the whole stack in production mode on one machine, before going live. The FaceID emulator runs
 * under a key pair of its own (not the published sandbox keys) and serves TLS with a certificate from a CA made for
 * the rehearsal, which the worker trusts through OUTBOUND_CA_FILE; media comes over https from a trusted host; every
 * key is set explicitly; webhooks and the web flows' final page are served over https. It then runs every flow to its
 * outcome through the gateway and prints the result, and where each FaceID call, media download and webhook came
 * from (the worker, or an egress proxy when HTTPS_PROXY is set). `--once` stops after the run, exiting 0 only if
 * every journey ended as expected; `--report <file>` also writes the run as JSON.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { gatewaySettings } from '../src/config/gateway';
import { SandboxClient } from '../src/emulator/sandbox-client';
import { describeProxy } from '../src/egress/proxy-settings';
import { resolveTemporalTarget } from '../src/temporal/connection';
import { WORKER_READY_MESSAGE } from '../src/workers/readiness';
import { buildWorkflowBundle } from '../src/workers/workflow-bundle';
import { bannerText } from './lib/banner';
import { freePorts } from './lib/free-port';
import { runTour } from './lib/journey-tour';
import { devServerChild, runStack, serviceChild, stackConfig } from './lib/stack';
import { waitForHttp, waitForPort } from './lib/wait';
import { startWebhookReceiver } from './lib/webhook-receiver';
import { prepareRehearsal, REHEARSAL_ADDRESSES, rehearsalEnv } from './rehearsal/setup';

const args = process.argv.slice(2);
const once = args.includes('--once');
const reportFile = args.includes('--report') ? args[args.indexOf('--report') + 1] : undefined;
const print = (line: string) => process.stdout.write(`${line}\n`);

runStack(async (supervisor) => {
  const files = prepareRehearsal(process.env.DATA_DIR ?? '.data');
  mkdirSync(files.dataDir, { recursive: true });
  const [temporal, temporalUi, emulatorPort, gatewayPort, receiverPort] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const env = rehearsalEnv(files, {
    temporal,
    temporalUi,
    emulator: emulatorPort,
    gateway: gatewayPort,
    receiver: receiverPort,
  });
  // The same validation every child runs: a bad value stops the rehearsal here, naming the setting.
  const { gateway: cfg, worker, emulator: emulatorSettings } = stackConfig({ ...process.env, ...env });
  if (cfg.sandbox) throw new Error('the rehearsal must run outside sandbox mode');
  const gateway = gatewaySettings(cfg);
  const target = resolveTemporalTarget(cfg.temporal);
  const ca = readFileSync(files.ca.cert, 'utf8');
  // This process plays the backend, the end user's browser and the webhook receiver: it trusts the rehearsal CA too.
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, ca] } });

  const receiver = await startWebhookReceiver({
    host: REHEARSAL_ADDRESSES.receiver,
    port: receiverPort,
    path: '/webhooks',
    secrets: worker.webhook.secrets,
    tls: { cert: readFileSync(files.receiver.cert), key: readFileSync(files.receiver.key) },
    finalPagePath: '/finished',
  });
  if (target.embedded)
    await supervisor.start(
      devServerChild(cfg.temporal, cfg.store.dataDir, target.connection.address, gateway.publicUrl),
    );
  await supervisor.start({
    ...serviceChild('src/bin/emulator.ts', 'emulator', env),
    ready: () => waitForPort(REHEARSAL_ADDRESSES.emulator, emulatorPort),
  });
  // As a production image ships it: the workflow bundle built beforehand, which the worker runs as it is.
  const workflowBundle = join(files.dataDir, 'workflow-bundle.js');
  await buildWorkflowBundle(workflowBundle);
  await supervisor.start({
    ...serviceChild('src/bin/worker.ts', 'worker', { ...env, WORKFLOW_BUNDLE: workflowBundle }),
    readyMessage: WORKER_READY_MESSAGE,
  });
  await supervisor.start({
    ...serviceChild('src/bin/gateway.ts', 'gateway', env),
    ready: () => waitForHttp(`${gateway.publicUrl}/healthz`),
  });

  const emulatorUrl = `https://${REHEARSAL_ADDRESSES.emulator}:${emulatorPort}`;
  const emulator = new SandboxClient(emulatorUrl, emulatorSettings.emulator.adminToken, (url, init) =>
    fetch(url, { ...init, dispatcher }),
  );
  const proxy = worker.egress.proxy.https;
  print(
    bannerText([
      '',
      'ekyc-journeys production rehearsal (sandbox mode off)',
      target.embedded
        ? `  Temporal Web UI   http://127.0.0.1:${temporalUi}`
        : `  Temporal gRPC     ${target.connection.address}`,
      `  FaceID endpoint   ${worker.faceid.protocol}${worker.faceid.endpoint}  (the emulator under the rehearsal's own key pair)`,
      `  Gateway (HTTP)    ${gateway.publicUrl}`,
      `  Webhooks to       ${receiver.url}`,
      `  Trusted CA        ${files.ca.cert}`,
      `  Keys              ${files.dir}/secrets.json (owner-only)`,
      proxy
        ? `  Egress proxy      ${describeProxy(proxy)}`
        : '  Egress proxy      none (set HTTPS_PROXY to rehearse one)',
    ]),
  );

  const report = await runTour(
    {
      label: 'rehearsal',
      gatewayUrl: gateway.publicUrl,
      apiKey: gateway.apiKeys[0] as string,
      operatorKey: gateway.operatorKeys[0]?.key as string,
      webFinalUrl: gateway.webFinalUrl as string,
      emulator,
      dispatcher,
    },
    receiver,
    print,
  );
  const { peers } = await emulator.stats();
  const webhookPeers: Record<string, number> = {};
  for (const delivery of receiver.received) webhookPeers[delivery.peer] = (webhookPeers[delivery.peer] ?? 0) + 1;
  const tally = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([peer, count]) => `${peer} ×${count}`)
      .join(', ') || 'none';
  print(`\n${report.table}\n`);
  print('Connections came from');
  print(`  FaceID calls      ${tally(peers.api)}`);
  print(`  Media downloads   ${tally(peers.media)}`);
  print(`  Webhooks          ${tally(webhookPeers)}`);
  if (reportFile) {
    writeFileSync(
      reportFile,
      JSON.stringify(
        { rows: report.rows, failures: report.failures, peers: { ...peers, webhooks: webhookPeers } },
        null,
        2,
      ),
    );
  }
  const passed = report.failures.length === 0;
  print(
    passed
      ? `\nRehearsal passed: all ${report.rows.length} journeys ended as expected with sandbox mode off; ${report.verifiedWebhooks} webhooks verified.`
      : `\nRehearsal FAILED: ${report.failures.join('; ')}.`,
  );
  if (once) {
    await receiver.close();
    return passed ? 0 : 1;
  }
  print('The stack keeps running for a look around; press Ctrl-C to stop.');
  return undefined;
});
