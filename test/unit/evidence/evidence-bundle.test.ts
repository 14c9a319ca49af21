import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { MANIFEST_FILE, parseManifest, SIGNATURE_FILE } from '../../../src/evidence/bundle-format';
import {
  EvidenceSigningKey,
  SANDBOX_EVIDENCE_KEY_ID,
  SANDBOX_EVIDENCE_SIGNING_KEY,
  signingKeyFromSeed,
} from '../../../src/evidence/bundle-signing';
import { verifyBundle } from '../../../src/evidence/bundle-verifier';
import { BundleWriter } from '../../../src/evidence/bundle-writer';
import { chunksOf, packFiles, tarFiles, withOneByteChanged } from '../../support/evidence-tar';

const signingKey = signingKeyFromSeed('unit-evidence-1', randomBytes(32).toString('base64'));
const trusted = (keyId: string) => (keyId === signingKey.keyId ? signingKey.publicKey : undefined);
const video = randomBytes(300_000);
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** A bundle as the gateway writes one: documents, a media file streamed in chunks, the signed manifest. */
async function bundle(options: { recordedMd5?: string; key?: EvidenceSigningKey } = {}): Promise<Buffer> {
  const writer = new BundleWriter(options.key ?? signingKey, 'ekyc:unit-1', new Date('2026-12-01T10:00:00Z'));
  const chunks: Buffer[] = [];
  const reading = (async () => {
    for await (const chunk of writer.output) chunks.push(chunk as Buffer);
  })();
  await writer.addJson('journey.json', { journeyId: 'ekyc:unit-1' });
  await writer.addJson('result.json', { outcome: 'approved', reasons: ['all_checks_passed'] });
  await writer.addStream('media/video-1.mp4', video.length, chunksOf(video, 16_384), {
    archiveKey: 'journeys/ekyc:unit-1/video-1.mp4',
    recordedMd5: options.recordedMd5 ?? md5(video),
  });
  await writer.finish([
    { archiveKey: 'journeys/ekyc:unit-1/best-frame-0.jpg', kind: 'best-frame', reason: 'deleted_by_retention' },
  ]);
  await reading;
  return Buffer.concat(chunks);
}

const verify = (tar: Buffer, lookup = trusted) => verifyBundle(chunksOf(tar, 4096), lookup);

describe('evidence bundle: writer and verifier', () => {
  let good: Buffer;
  beforeAll(async () => {
    good = await bundle();
  });

  it('writes every file, then the manifest with their SHA-256 and sizes, then its signature; the bundle verifies', async () => {
    const files = await tarFiles(good);
    expect(files.map((file) => file.name)).toEqual([
      'journey.json',
      'result.json',
      'media/video-1.mp4',
      MANIFEST_FILE,
      SIGNATURE_FILE,
    ]);
    const manifest = parseManifest(files[3]?.data as Buffer);
    expect(manifest).toMatchObject({
      format: 'ekyc-journeys-evidence',
      formatVersion: 1,
      journeyId: 'ekyc:unit-1',
      createdAt: '2026-12-01T10:00:00.000Z',
      signature: { algorithm: 'Ed25519', keyId: 'unit-evidence-1', file: SIGNATURE_FILE },
      absent: [{ reason: 'deleted_by_retention' }],
    });
    expect(manifest.files.find((file) => file.path === 'media/video-1.mp4')).toEqual({
      path: 'media/video-1.mp4',
      size: video.length,
      sha256: createHash('sha256').update(video).digest('hex'),
      archiveKey: 'journeys/ekyc:unit-1/video-1.mp4',
      recordedMd5: md5(video),
    });
    expect(await verify(good)).toMatchObject({ ok: true, problems: [], fileCount: 3 });
  });

  it.each(['journey.json', 'result.json', 'media/video-1.mp4'])(
    'one byte changed in %s fails verification, naming the file',
    async (name) => {
      const report = await verify(await withOneByteChanged(good, name));
      expect(report.ok).toBe(false);
      expect(report.problems).toContain(`${name}: SHA-256 differs from the manifest`);
      expect(report.problems.every((problem) => problem.startsWith(`${name}:`))).toBe(true);
    },
  );

  it('one byte changed in the manifest fails its signature, naming the manifest', async () => {
    const files = await tarFiles(good);
    const manifest = files.find((file) => file.name === MANIFEST_FILE)?.data as Buffer;
    // A hex digit of a digest: the manifest still reads, so what fails is the signature over its bytes.
    const at = manifest.indexOf('"sha256": "') + '"sha256": "'.length;
    const changed = Buffer.from(manifest);
    changed[at] = changed[at] === 0x30 ? 0x31 : 0x30;
    const tar = await packFiles(files.map((file) => (file.name === MANIFEST_FILE ? { ...file, data: changed } : file)));
    const report = await verify(tar);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe(
      `${MANIFEST_FILE}: the signature in ${SIGNATURE_FILE} does not match its bytes under key "unit-evidence-1" (the manifest or its signature was changed)`,
    );
  });

  it('any byte of the manifest or of its signature changed fails verification, naming one of them', async () => {
    for (const name of [MANIFEST_FILE, SIGNATURE_FILE]) {
      const report = await verify(await withOneByteChanged(good, name));
      expect({ name, ok: report.ok }).toEqual({ name, ok: false });
      expect(report.problems.some((problem) => problem.startsWith(`${MANIFEST_FILE}:`))).toBe(true);
    }
  });

  it('names files the manifest does not list and files it lists that are missing', async () => {
    const files = await tarFiles(good);
    const tampered = files
      .filter((file) => file.name !== 'result.json')
      .flatMap((file) =>
        file.name === MANIFEST_FILE ? [{ name: 'extra.txt', data: Buffer.from('x') }, file] : [file],
      );
    const report = await verify(await packFiles(tampered));
    expect(report.problems).toEqual([
      'result.json: named by the manifest, missing from the bundle',
      'extra.txt: in the bundle, not named by the manifest',
    ]);
  });

  it('reports a bundle cut short as incomplete instead of verifying what arrived', async () => {
    const report = await verify(good.subarray(0, Math.floor(good.length / 2)));
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/^the bundle is not a complete tar file/);
  });

  it('refuses a signature by a key the verifier does not hold, or by another key under the same id', async () => {
    expect((await verify(good, () => undefined)).problems).toEqual([
      `${SIGNATURE_FILE}: no public key for key id "unit-evidence-1" (give it with --public-key or EVIDENCE_PUBLIC_KEYS)`,
    ]);
    const impostor = new EvidenceSigningKey('unit-evidence-1', generateKeyPairSync('ed25519').privateKey);
    const forged = await bundle({ key: impostor });
    expect((await verify(forged)).problems).toEqual([
      `${MANIFEST_FILE}: the signature in ${SIGNATURE_FILE} does not match its bytes under key "unit-evidence-1" (the manifest or its signature was changed)`,
    ]);
  });

  it('reports media whose bytes differ from the MD5 the journey recorded', async () => {
    const report = await verify(await bundle({ recordedMd5: '0'.repeat(32) }));
    expect(report.problems).toEqual([
      'media/video-1.mp4: MD5 differs from the one the journey recorded when it archived the object',
    ]);
  });

  it('notes a bundle signed with the published sandbox key', async () => {
    const sandbox = signingKeyFromSeed(SANDBOX_EVIDENCE_KEY_ID, SANDBOX_EVIDENCE_SIGNING_KEY);
    const report = await verify(await bundle({ key: sandbox }), () => sandbox.publicKey);
    expect(report.ok).toBe(true);
    expect(report.notes).toEqual([
      `signed with the published sandbox key "${SANDBOX_EVIDENCE_KEY_ID}": it proves nothing outside the sandbox`,
    ]);
  });

  it('refuses paths that could escape a folder, and a source shorter than the size it stated', async () => {
    const writer = new BundleWriter(signingKey, 'ekyc:unit-1', new Date());
    // The bundle fails as a whole once a file does: its reader sees the error.
    const failed = new Promise((resolve) => writer.output.on('error', resolve).resume());
    for (const path of ['../evil', '/abs', 'a/../b', 'media/./x', MANIFEST_FILE, 'a b']) {
      await expect(writer.addJson(path, {})).rejects.toThrow('cannot name a file in a bundle');
    }
    await expect(writer.addStream('short.bin', 10, [Buffer.alloc(4)])).rejects.toThrow('Size mismatch');
    await expect(failed).resolves.toBeInstanceOf(Error);
  });
});
