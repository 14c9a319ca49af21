import { z } from 'zod';

// The evidence bundle: a tar file whose `manifest.json` names every other file with its SHA-256 and size, and whose
// `manifest.sig` is the Ed25519 signature of the manifest's exact bytes. The manifest comes last in the tar, so a
// bundle is written in one pass over its media (hashed on the way) and read back the same way.

/** The manifest's format; a verifier refuses any other. */
const BUNDLE_FORMAT = 'ekyc-journeys-evidence';
/** Bumped on any change a verifier of the previous version would misread. */
const BUNDLE_FORMAT_VERSION = 1;
/** Names of the two files that describe the bundle; every other file is listed in the manifest. */
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';

/** A bundle path: folders and names of letters, digits, `.`, `_` and `-`, never `..` and never absolute. */
const BUNDLE_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const bundleFileSchema = z.strictObject({
  path: z.string().regex(BUNDLE_PATH),
  size: z.number().int().min(0),
  sha256: sha256Hex,
  /** For media: the archive key it was read from, and the MD5 the journey recorded when it archived it. */
  archiveKey: z.string().optional(),
  recordedMd5: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});

const bundleAbsenceSchema = z.strictObject({
  archiveKey: z.string(),
  kind: z.string().optional(),
  reason: z.enum(['deleted_by_retention', 'not_in_archive']),
  deletedAt: z.string().optional(),
});

const bundleManifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
  journeyId: z.string(),
  createdAt: z.iso.datetime(),
  signature: z.strictObject({
    algorithm: z.literal('Ed25519'),
    keyId: z.string(),
    file: z.literal(SIGNATURE_FILE),
    covers: z.string(),
  }),
  files: z.array(bundleFileSchema),
  absent: z.array(bundleAbsenceSchema),
});

/** One file of the bundle as the manifest lists it. */
export type BundleFile = z.infer<typeof bundleFileSchema>;
/** Media the journey recorded that the bundle could not hold, and why. */
export type BundleAbsence = z.infer<typeof bundleAbsenceSchema>;
/** `manifest.json`. */
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

/** The manifest or a path in the bundle is not of this format; the message names what, never file contents. */
export class BundleFormatError extends Error {
  override readonly name = 'BundleFormatError';
}

/** Whether `path` may name a file in a bundle (no traversal, no absolute paths, plain characters). */
export function isBundlePath(path: string): boolean {
  return BUNDLE_PATH.test(path);
}

/** The manifest of a bundle about to be signed. */
export function bundleManifest(init: {
  journeyId: string;
  createdAt: Date;
  keyId: string;
  files: BundleFile[];
  absent: BundleAbsence[];
}): BundleManifest {
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    journeyId: init.journeyId,
    createdAt: init.createdAt.toISOString(),
    signature: {
      algorithm: 'Ed25519',
      keyId: init.keyId,
      file: SIGNATURE_FILE,
      covers: `the exact bytes of ${MANIFEST_FILE}`,
    },
    files: init.files,
    absent: init.absent,
  };
}

/** The bytes that are signed and written as `manifest.json`. */
export function manifestBytes(manifest: BundleManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/** Reads `manifest.json`; throws {@link BundleFormatError} naming the first field that does not fit. */
export function parseManifest(bytes: Buffer): BundleManifest {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BundleFormatError('not JSON');
  }
  const parsed = bundleManifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleFormatError(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
