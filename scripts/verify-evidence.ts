/**
 * `npm run verify-evidence -- <bundle.tar> [--public-key <file>]`: checks an evidence bundle offline. The manifest's
 * Ed25519 signature must verify under the public key of its key id (`--public-key`, else `EVIDENCE_PUBLIC_KEYS`, else in
 * sandbox mode the published sandbox key), and every file must match the manifest's SHA-256 and size. Prints each
 * mismatch, unlisted or missing file; exits 0 when the bundle verifies, 1 when it does not, 2 when it cannot be read.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../src/config-error';
import { evidenceVerifierKeys } from '../src/config/evidence';
import { EvidenceKeyError, publicKeyFrom } from '../src/evidence/bundle-signing';
import { verifyBundle, type PublicKeyLookup } from '../src/evidence/bundle-verifier';

const USAGE = 'usage: npm run verify-evidence -- <bundle.tar> [--public-key <PEM or Base64 public key file>]';

function fail(message: string): never {
  process.stderr.write(`verify-evidence: ${message}\n`);
  process.exit(2);
}

/** Where the signature's public key comes from, and a line saying so. */
function keySource(publicKeyFile: string | undefined): { lookup: PublicKeyLookup; says: string } {
  if (publicKeyFile) {
    let text: string;
    try {
      text = readFileSync(publicKeyFile, 'utf8');
    } catch (error) {
      fail(`cannot read ${publicKeyFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      const key = publicKeyFrom(text);
      // The operator chose this file for this bundle: it stands for whichever key id the manifest names.
      return { lookup: () => key, says: `the public key in ${publicKeyFile}` };
    } catch (error) {
      if (error instanceof EvidenceKeyError) fail(`--public-key ${publicKeyFile}: ${error.message}`);
      throw error;
    }
  }
  const { keys, sandboxKeyOnly } = evidenceVerifierKeys();
  if (keys.size === 0) fail(`no public key: give --public-key or set EVIDENCE_PUBLIC_KEYS\n${USAGE}`);
  return {
    lookup: (keyId) => keys.get(keyId),
    says: sandboxKeyOnly
      ? 'the published sandbox key (sandbox mode, no EVIDENCE_PUBLIC_KEYS)'
      : `EVIDENCE_PUBLIC_KEYS (${[...keys.keys()].join(', ')})`,
  };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'public-key': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) fail(USAGE);
  const { lookup, says } = keySource(values['public-key']);

  const report = await verifyBundle(createReadStream(file), lookup).catch((error: unknown) =>
    fail(`cannot read ${file} as a tar file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`),
  );
  const manifest = report.manifest;
  const lines = [
    `bundle    ${file}`,
    manifest ? `journey   ${manifest.journeyId}, bundle made ${manifest.createdAt}` : undefined,
    manifest ? `signed    by key "${manifest.signature.keyId}" (Ed25519); public keys from ${says}` : undefined,
    manifest
      ? `files     ${manifest.files.length} named by the manifest, ${report.fileCount} in the bundle`
      : undefined,
    ...(manifest?.absent ?? []).map(
      (item) =>
        `absent    ${item.archiveKey}: ${item.reason.replace(/_/g, ' ')}${item.deletedAt ? ` (${item.deletedAt})` : ''}`,
    ),
    ...report.notes.map((note) => `note      ${note}`),
    ...report.problems.map((problem) => `FAIL      ${problem}`),
    report.ok
      ? 'VERIFIED: the signature holds and every file matches the manifest'
      : `NOT VERIFIED: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`,
  ];
  process.stdout.write(`${lines.filter((line) => line !== undefined).join('\n')}\n`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) fail(error.message);
    fail((error as Error).message);
  },
);
