import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSConfig } from '@temporalio/client';
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
const VALID_DAYS = 397;
const RENEW_WITHIN_MS = 7 * 24 * 3600_000;

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
    files.every((file) => existsSync(file)) && [tls.caCert, tls.serverCert, tls.clientCert].every(notExpiring);
  if (!fresh) generate(tls);
  return tls;
}

function notExpiring(file: string): boolean {
  try {
    return Date.parse(new X509Certificate(readFileSync(file)).validTo) - Date.now() > RENEW_WITHIN_MS;
  } catch {
    return false;
  }
}

function generate(tls: ClusterTls): void {
  rmSync(tls.dir, { recursive: true, force: true });
  mkdirSync(tls.dir, { recursive: true, mode: 0o700 });
  const caKey = join(tls.dir, 'ca.key');
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req', '-x509', ...key, '-keyout', caKey, '-out', tls.caCert, '-days', String(VALID_DAYS),
    '-subj', '/CN=ekyc-journeys local cluster CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  const leaf = (name: string, cert: string, keyFile: string, subject: string, extensions: string): void => {
    const csr = join(tls.dir, `${name}.csr`);
    const extFile = join(tls.dir, `${name}.ext`);
    writeFileSync(extFile, extensions);
    openssl(['req', '-new', ...key, '-keyout', keyFile, '-out', csr, '-subj', subject]);
    openssl([
      'x509', '-req', '-in', csr, '-CA', tls.caCert, '-CAkey', caKey, '-CAcreateserial',
      '-out', cert, '-days', String(VALID_DAYS), '-extfile', extFile,
    ]); // prettier-ignore
    rmSync(csr);
    rmSync(extFile);
  };
  leaf(
    'server',
    tls.serverCert,
    tls.serverKey,
    `/CN=${SERVER_NAME}`,
    `subjectAltName=DNS:${SERVER_NAME},IP:127.0.0.1\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  leaf(
    'client',
    tls.clientCert,
    tls.clientKey,
    '/CN=ekyc-journeys',
    `subjectAltName=DNS:ekyc-journeys\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n`,
  );
  for (const file of [caKey, tls.serverKey, tls.clientKey]) chmodSync(file, 0o600);
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new ClusterSetupError(`openssl ${args[0]} failed${stderr ? `: ${stderr.split('\n')[0]}` : ''}`);
  }
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
