import { resolve } from 'node:path';
import type { AppConfig, GatewaySettings } from '../../src/config';

/** A banner line per item that applies; `undefined` items are left out. */
export function bannerText(lines: Array<string | undefined>): string {
  return lines.filter((line) => line !== undefined).join('\n') + '\n';
}

/** Where FaceID calls go: the emulator in sandbox mode, Tencent otherwise. */
export function faceIdBannerLine(cfg: AppConfig): string {
  return cfg.sandbox
    ? `  FaceID emulator   http://127.0.0.1:${cfg.emulator.port} (sandbox mode: no Tencent credentials set)`
    : `  FaceID endpoint   ${cfg.faceid.protocol}${cfg.faceid.endpoint}`;
}

/** The closing lines `npm start` and `npm run cluster` share: keys, codec endpoint, webhooks, data folder. */
export function accessBannerLines(cfg: AppConfig, gateway: GatewaySettings): Array<string | undefined> {
  return [
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
}

/** Loopback address to probe a service bound to `host`. */
export function probeHost(host: string): string {
  return host === '0.0.0.0' ? '127.0.0.1' : host;
}
