import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate and its private key, as PEM files. */
export interface CertificateFiles {
  cert: string;
  key: string;
}

const VALID_DAYS = 397;
const RENEW_WITHIN_MS = 7 * 24 * 3600_000;
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A local certificate authority's files in `dir` (`<name>.pem`, `<name>.key`, key owner-only), made with openssl. */
export function createAuthority(dir: string, name: string, commonName: string): CertificateFiles {
  const files = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  openssl([
    'req', '-x509', ...EC_KEY, '-keyout', files.key, '-out', files.cert, '-days', String(VALID_DAYS),
    '-subj', `/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  chmodSync(files.key, 0o600);
  return files;
}

/**
 * A certificate issued by `authority` into `dir` (`<name>.pem`, `<name>.key`): for a server (`serverAuth`, its names
 * and addresses as `altNames`, e.g. `DNS:localhost,IP:127.0.0.1`) or a client (`clientAuth`).
 */
export function issueCertificate(
  authority: CertificateFiles,
  dir: string,
  name: string,
  options: { commonName: string; altNames: string; usage: 'serverAuth' | 'clientAuth' },
): CertificateFiles {
  const files = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(
    extFile,
    `subjectAltName=${options.altNames}\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${options.usage}\n`,
  );
  openssl(['req', '-new', ...EC_KEY, '-keyout', files.key, '-out', csr, '-subj', `/CN=${options.commonName}`]);
  openssl([
    'x509', '-req', '-in', csr, '-CA', authority.cert, '-CAkey', authority.key, '-CAcreateserial',
    '-out', files.cert, '-days', String(VALID_DAYS), '-extfile', extFile,
  ]); // prettier-ignore
  rmSync(csr);
  rmSync(extFile);
  chmodSync(files.key, 0o600);
  return files;
}

/** Whether a certificate file exists, parses, and is valid for more than another week. */
export function isCertificateFresh(file: string): boolean {
  try {
    return Date.parse(new X509Certificate(readFileSync(file)).validTo) - Date.now() > RENEW_WITHIN_MS;
  } catch {
    return false;
  }
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed${stderr ? `: ${stderr.split('\n')[0]}` : ''}`);
  }
}
