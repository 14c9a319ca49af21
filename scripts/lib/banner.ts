import { resolve } from 'node:path';
import type { EmulatorConfig } from '../../src/config/emulator';
import type { GatewayConfig, GatewaySettings } from '../../src/config/gateway';
import { SANDBOX_ACCOUNTS } from '../../src/console/sandbox-accounts';

/** A banner line per item that applies; `undefined` items are left out. */
export function bannerText(lines: Array<string | undefined>): string {
  return lines.filter((line) => line !== undefined).join('\n') + '\n';
}

/** Where FaceID calls go: the emulator in sandbox mode, Tencent otherwise. */
export function faceIdBannerLine(cfg: EmulatorConfig): string {
  return cfg.sandbox
    ? `  FaceID emulator   http://127.0.0.1:${cfg.emulator.port} (sandbox mode: no Tencent credentials set)`
    : `  FaceID endpoint   ${cfg.faceid.protocol}${cfg.faceid.endpoint}`;
}

/**
 * The closing lines `npm start` and `npm run cluster` share: keys, codec endpoint, webhooks (the worker's
 * `WEBHOOK_URL`), data folder. Only the published sandbox values are shown; a key the user set is never printed.
 */
export function accessBannerLines(
  cfg: GatewayConfig,
  gateway: GatewaySettings,
  webhookUrl: string | undefined,
): Array<string | undefined> {
  const published = (name: string) => cfg.gateway.publishedSecrets.includes(name);
  const apiKey = published('GATEWAY_API_KEYS') ? gateway.apiKeys[0] : undefined;
  const operatorKey = published('GATEWAY_OPERATOR_KEYS') ? gateway.operatorKeys[0]?.key : undefined;
  const operatorNote = operatorKey ? `  (operator key: ${operatorKey})` : '';
  return [
    apiKey || operatorKey ? `  Sandbox API key   ${apiKey ?? '(your own)'}${operatorNote}` : undefined,
    `  Codec endpoint    ${gateway.publicUrl}/codec  (sign in: ${gateway.publicUrl}/codec/login${
      published('CODEC_AUTH_TOKENS') ? `, token ${cfg.codec.authTokens[0]}` : ''
    })`,
    '                    for the UI to decode journeys, with "Include cross-origin credentials" on (docs/operations.md)',
    webhookUrl ? `  Webhooks to       ${webhookUrl}` : undefined,
    `  Data directory    ${resolve(cfg.store.dataDir)}`,
    cfg.sandbox ? 'Try it: npm run demo (in another terminal)' : undefined,
    'Press Ctrl-C to stop.',
    '',
  ];
}

/** Where the reviewer console is, and in sandbox mode the accounts its sign-in page takes. */
export function consoleBannerLines(cfg: GatewayConfig, gateway: GatewaySettings): Array<string | undefined> {
  if (!cfg.console) return [];
  const sandboxIssuer = `http://127.0.0.1:${cfg.console.sandboxPort}`;
  const accounts = SANDBOX_ACCOUNTS.map((account) => `${account.id} (${account.roles.join(', ')})`).join(', ');
  return [
    `  Reviewer console  ${gateway.publicUrl}/console  (sign-in: ${cfg.console.issuer})`,
    cfg.sandbox && cfg.console.issuer === sandboxIssuer
      ? `                    sandbox accounts, any password: ${accounts}`
      : undefined,
  ];
}

/** Loopback address to probe a service bound to `host`. */
export function probeHost(host: string): string {
  return host === '0.0.0.0' ? '127.0.0.1' : host;
}
