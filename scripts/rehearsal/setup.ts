import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createAuthority, type CertificateFiles, isCertificateFresh, issueCertificate } from '../lib/certificates';

/**
 * The loopback addresses the rehearsal gives each party, so NO_PROXY, the media rules and an egress proxy can tell
 * them apart: the gateway and Temporal stay on 127.0.0.1.
 */
export const REHEARSAL_ADDRESSES = { emulator: '127.0.0.2', receiver: '127.0.0.3' } as const;

/** The production secrets the rehearsal sets explicitly, each generated as an operator would (docs/deployment.md). */
interface RehearsalSecrets {
  FACEID_SECRET_ID: string;
  FACEID_SECRET_KEY: string;
  SANDBOX_ADMIN_TOKEN: string;
  GATEWAY_API_KEYS: string;
  GATEWAY_OPERATOR_KEYS: string;
  CLIENT_SECRET_KEY: string;
  CODEC_KEYS: string;
  CODEC_AUTH_TOKENS: string;
  WEBHOOK_SECRETS: string;
}

/** The rehearsal's own files under `DATA_DIR/rehearsal`: a CA, the emulator's and the receiver's certificates, secrets. */
export interface RehearsalFiles {
  dir: string;
  /** Where the stack keeps its state (Temporal's database, the archive), apart from `npm start`'s. */
  dataDir: string;
  ca: CertificateFiles;
  emulator: CertificateFiles;
  receiver: CertificateFiles;
  secrets: RehearsalSecrets;
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

function generateSecrets(): RehearsalSecrets {
  return {
    // Tencent's SecretId shape: AKID and 32 letters and digits.
    FACEID_SECRET_ID: `AKID${randomBytes(24).toString('hex').slice(0, 32)}`,
    FACEID_SECRET_KEY: randomBytes(24).toString('hex').slice(0, 32),
    SANDBOX_ADMIN_TOKEN: token(24),
    GATEWAY_API_KEYS: token(32),
    GATEWAY_OPERATOR_KEYS: token(32),
    CLIENT_SECRET_KEY: token(32),
    CODEC_KEYS: `rehearsal1:${randomBytes(32).toString('base64')}`,
    CODEC_AUTH_TOKENS: token(32),
    WEBHOOK_SECRETS: token(32),
  };
}

/**
 * Makes (or reuses) the rehearsal's CA, certificates and secrets. Secrets are made once and kept (owner-only), so
 * histories written in one run still decode in the next; certificates are made again when missing or expiring.
 */
export function prepareRehearsal(dataDir: string): RehearsalFiles {
  const dir = join(resolve(dataDir), 'rehearsal');
  const tlsDir = join(dir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secretsFile = join(dir, 'secrets.json');
  if (!existsSync(secretsFile)) writeFileSync(secretsFile, JSON.stringify(generateSecrets(), null, 2), { mode: 0o600 });
  const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as RehearsalSecrets;
  const files = (name: string) => ({ cert: join(tlsDir, `${name}.pem`), key: join(tlsDir, `${name}.key`) });
  const certificates = { ca: files('ca'), emulator: files('emulator'), receiver: files('receiver') };
  const fresh = Object.values(certificates).every((pair) => existsSync(pair.key) && isCertificateFresh(pair.cert));
  if (!fresh) {
    rmSync(tlsDir, { recursive: true, force: true });
    mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
    const ca = createAuthority(tlsDir, 'ca', 'ekyc-journeys rehearsal CA');
    for (const [name, address] of Object.entries(REHEARSAL_ADDRESSES)) {
      issueCertificate(ca, tlsDir, name, { commonName: address, altNames: `IP:${address}`, usage: 'serverAuth' });
    }
  }
  return { dir, dataDir: join(dir, 'data'), ...certificates, secrets };
}

/** The ports the rehearsal's processes listen on. */
export interface RehearsalPorts {
  temporal: number;
  temporalUi: number;
  emulator: number;
  gateway: number;
  receiver: number;
}

/**
 * The environment every process of the rehearsal runs with: production mode (the key pair is set), FaceID over TLS
 * to the emulator under that key pair, media over https from a trusted host, every key explicit, webhooks and the web
 * flows' final page over https. Proxy variables the rehearsal itself was given pass through unchanged.
 */
export function rehearsalEnv(files: RehearsalFiles, ports: RehearsalPorts): NodeJS.ProcessEnv {
  const { emulator, receiver } = REHEARSAL_ADDRESSES;
  return {
    ...files.secrets,
    DATA_DIR: files.dataDir,
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    FACEID_ENDPOINT: `${emulator}:${ports.emulator}`,
    EMULATOR_HOST: emulator,
    EMULATOR_PORT: String(ports.emulator),
    EMULATOR_TLS_CERT_FILE: files.emulator.cert,
    EMULATOR_TLS_KEY_FILE: files.emulator.key,
    OUTBOUND_CA_FILE: files.ca.cert,
    // The emulator serves media from its own (private) address: the one exemption from the media address rules.
    MEDIA_TRUSTED_HOSTS: `${emulator}:${ports.emulator}`,
    GATEWAY_PORT: String(ports.gateway),
    GATEWAY_PUBLIC_URL: `http://127.0.0.1:${ports.gateway}`,
    WEBHOOK_URL: `https://${receiver}:${ports.receiver}/webhooks`,
    WEB_FINAL_URL: `https://${receiver}:${ports.receiver}/finished`,
    // `npm start` may be running: its metrics port stays its own.
    METRICS_PORT: '0',
  };
}
