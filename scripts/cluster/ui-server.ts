import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logToFile, type ChildSpec } from '../lib/supervisor';
import { waitForHttp } from '../lib/wait';
import type { ClusterTls } from './tls';
import { CLUSTER_TOOLS } from './tools';

/** What the Temporal UI server of the cluster needs. */
export interface UiServerSettings {
  rootDir: string;
  port: number;
  temporalAddress: string;
  namespace: string;
  /** The gateway's codec endpoint, so the UI shows decoded payloads (docs/operations.md). */
  codecEndpoint: string;
  /** The cluster's client certificate, when the frontend requires mutual TLS. */
  tls?: ClusterTls | undefined;
}

/** Writes the UI server's config and returns it as a supervised child, listening on loopback. */
export function uiServerChild(settings: UiServerSettings): ChildSpec {
  const configDir = join(settings.rootDir, 'config');
  mkdirSync(configDir, { recursive: true });
  const yaml = `# Written by \`npm run cluster\` on every start; edit scripts/cluster/ui-server.ts instead.
temporalGrpcAddress: ${settings.temporalAddress}
host: 127.0.0.1
port: ${settings.port}
enableUi: true
defaultNamespace: ${settings.namespace}
showTemporalSystemNamespace: false
notifyOnNewVersion: false
hideLogs: true
refreshInterval: 1m
cors:
  allowOrigins:
    - http://127.0.0.1:${settings.port}
    - http://localhost:${settings.port}
codec:
  endpoint: ${settings.codecEndpoint}
${
  settings.tls
    ? `tls:
  caFile: ${settings.tls.caCert}
  certFile: ${settings.tls.clientCert}
  keyFile: ${settings.tls.clientKey}
  serverName: ${settings.tls.serverName}
  enableHostVerification: true
`
    : ''
}`;
  writeFileSync(join(configDir, 'development.yaml'), yaml);
  writeFileSync(
    join(configDir, 'base.yaml'),
    '# Written by `npm run cluster`; the settings are in development.yaml.\n',
  );
  return {
    name: 'temporal-ui',
    command: CLUSTER_TOOLS.uiServer,
    args: ['--root', settings.rootDir, '--config', 'config', '--env', 'development', 'start'],
    output: logToFile(join(settings.rootDir, 'ui-server.log')),
    ready: () => waitForHttp(`http://127.0.0.1:${settings.port}/`),
  };
}
