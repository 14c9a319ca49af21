import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { createAuthority, isCertificateFresh, issueCertificate } from '../lib/certificates';
import { ClusterSetupError } from './tools';

/**
 * The local cluster's certificates: a CA made for it, the frontend's server certificate (`localhost`, `127.0.0.1`)
 * and one client certificate the workers, gateways, UI server and CLI present (mutual TLS). Made once with `openssl`
 * into `DATA_DIR/cluster/tls`, keys owner-only, and made again when missing or within a week of expiring.
 */
export interface ClusterTls {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** The name the server certificate is for, which clients verify. */
  serverName: string;
}

const SERVER_NAME = 'localhost';

/** Where the cluster's certificates live under `dir` (made or not). */
export function clusterTlsFiles(dir: string): ClusterTls {
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    serverName: SERVER_NAME,
  };
}

/** The certificates under `dir`, generated if missing or about to expire. */
export function ensureClusterTls(dir: string): ClusterTls {
  const tls = clusterTlsFiles(dir);
  const files = [tls.caCert, tls.serverCert, tls.serverKey, tls.clientCert, tls.clientKey];
  const fresh =
    files.every((file) => existsSync(file)) && [tls.caCert, tls.serverCert, tls.clientCert].every(isCertificateFresh);
  if (!fresh) {
    try {
      generate(tls);
    } catch (error) {
      throw new ClusterSetupError((error as Error).message);
    }
  }
  return tls;
}

function generate(tls: ClusterTls): void {
  rmSync(tls.dir, { recursive: true, force: true });
  mkdirSync(tls.dir, { recursive: true, mode: 0o700 });
  const ca = createAuthority(tls.dir, 'ca', 'ekyc-journeys local cluster CA');
  issueCertificate(ca, tls.dir, 'server', {
    commonName: SERVER_NAME,
    altNames: `DNS:${SERVER_NAME},IP:127.0.0.1`,
    usage: 'serverAuth',
  });
  issueCertificate(ca, tls.dir, 'client', {
    commonName: 'ekyc-journeys',
    altNames: 'DNS:ekyc-journeys',
    usage: 'clientAuth',
  });
}

/** Temporal's standard client variables, as the workers and gateways read them (`@temporalio/envconfig`). */
export function tlsClientEnv(tls: ClusterTls): NodeJS.ProcessEnv {
  return {
    TEMPORAL_TLS: 'true',
    TEMPORAL_TLS_CLIENT_CERT_PATH: tls.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: tls.clientKey,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls.caCert,
    TEMPORAL_TLS_SERVER_NAME: tls.serverName,
  };
}

/** The same, as flags of the Temporal CLI. */
export function tlsCliArgs(tls: ClusterTls): string[] {
  return [
    '--tls-cert-path', tls.clientCert, '--tls-key-path', tls.clientKey,
    '--tls-ca-path', tls.caCert, '--tls-server-name', tls.serverName,
  ]; // prettier-ignore
}

/** The same, as the TypeScript SDK's connection option (for the scripts' own health checks). */
export function tlsConnectionOption(tls: ClusterTls): TLSConfig {
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: readFileSync(tls.caCert),
    clientCertPair: { crt: readFileSync(tls.clientCert), key: readFileSync(tls.clientKey) },
  };
}
