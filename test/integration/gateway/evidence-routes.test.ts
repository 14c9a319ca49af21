import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { ObjectStore } from '../../../src/store/object-store';
import { EkycClient } from '../../../src/client/ekyc-client';
import { MANIFEST_FILE, parseManifest, SIGNATURE_FILE } from '../../../src/evidence/bundle-format';
import { publicKeyBase64 } from '../../../src/evidence/bundle-signing';
import { verifyBundle } from '../../../src/evidence/bundle-verifier';
import { JourneyEvidence } from '../../../src/evidence/journey-evidence';
import { createGateway } from '../../../src/gateway/server';
import { AuditLog, type AuditRecord } from '../../../src/review/audit-log';
import { canonicalJson } from '../../../src/contracts/policy-document';
import { chunksOf, tarFiles, withOneByteChanged, type TarFile } from '../../support/evidence-tar';
import { FAST_TIMERS, inputFor } from '../../support/journeys';
import {
  API_KEY,
  CLIENT_SECRET_KEY,
  EVIDENCE_KEY,
  expectProblem,
  jpegBase64,
  livenessBody,
  OPERATOR_ID,
  OPERATOR_KEY,
  resultOf,
  startGatewayFixture,
  waitForStage,
  type GatewayFixture,
} from './gateway-fixture';

let gw: GatewayFixture;
let dir: string;
beforeAll(async () => {
  gw = await startGatewayFixture();
  dir = await mkdtemp(join(tmpdir(), 'evidence-'));
});
afterAll(async () => {
  await gw?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const asOperator = (json?: unknown) => ({ bearer: OPERATOR_KEY, ...(json === undefined ? {} : { json }) });
const trusted = (keyId: string) => (keyId === EVIDENCE_KEY.keyId ? EVIDENCE_KEY.publicKey : undefined);

/** The evidence route's answer as bytes (the fixture's caller reads answers as text). */
async function download(journeyId: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${gw.url}${gw.path(journeyId, '/evidence')}`, {
    headers: { authorization: `Bearer ${OPERATOR_KEY}` },
  });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

const json = (files: TarFile[], name: string): Record<string, unknown> =>
  JSON.parse((files.find((file) => file.name === name)?.data as Buffer).toString('utf8')) as Record<string, unknown>;

/** An eKYC journey through the gateway: a document warning sends it to review, where op-a claims and approves it. */
async function reviewedJourney(): Promise<{ journeyId: string; token: string; clientSecret: string }> {
  const reference = gw.harness.reference('gw-evidence');
  const input = await inputFor(gw.harness, 'ekyc', reference);
  const started = await gw.call('POST', '/v1/journeys', {
    bearer: API_KEY,
    json: {
      ...input,
      compareImage: jpegBase64(reference),
      policy: { similarityThreshold: 75 },
      timers: { ...FAST_TIMERS, startWindowMs: 60_000 },
    },
  });
  const { journeyId, token, clientSecret } = started.body;
  await gw.harness.sandbox.complete(token, 'document_warning');
  await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: clientSecret });
  await waitForStage(gw, journeyId, 'in_review');
  expect((await gw.call('POST', gw.path(journeyId, '/review/claim'), asOperator({ reviewer: 'op-a' }))).status).toBe(
    200,
  );
  const decision = { decision: 'approved', reviewer: 'op-a', reason: 'hologram visible', reasonCode: 'glare_only' };
  expect((await gw.call('POST', gw.path(journeyId, '/review'), asOperator(decision))).status).toBe(200);
  return { journeyId, token, clientSecret };
}

describe('GET /v1/journeys/{id}/evidence', () => {
  let journey: { journeyId: string; token: string; clientSecret: string };
  let bundle: Buffer;
  let files: TarFile[];

  beforeAll(async () => {
    journey = await reviewedJourney();
    await resultOf(gw, journey.journeyId);
    const answer = await download(journey.journeyId);
    expect({ status: answer.status, type: answer.headers.get('content-type') }).toEqual({
      status: 200,
      type: 'application/x-tar',
    });
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="evidence-${journey.journeyId.replace(':', '_')}.tar"`,
    );
    bundle = answer.bytes;
    files = await tarFiles(bundle);
  }, 120_000);

  it("answers a finished journey's bundle, which verifies under the gateway's key", async () => {
    const report = await verifyBundle(chunksOf(bundle, 64 * 1024), trusted);
    expect({ ok: report.ok, problems: report.problems }).toEqual({ ok: true, problems: [] });
    expect(report.manifest).toMatchObject({
      journeyId: journey.journeyId,
      signature: { algorithm: 'Ed25519', keyId: 'test-evidence-1' },
      absent: [],
    });
    expect(files.slice(-2).map((file) => file.name)).toEqual([MANIFEST_FILE, SIGNATURE_FILE]);
  });

  it('holds the archived media and OCR JSON by their archive keys, the result, policy, timeline and audit entries', async () => {
    const result = (await resultOf(gw, journey.journeyId)).body;
    expect({ journeyId: journey.journeyId, ...json(files, 'result.json') }).toEqual(result);
    expect(result.media.map((item) => item.kind)).toContain('ocr-json');

    const manifest = parseManifest(files.find((file) => file.name === MANIFEST_FILE)?.data as Buffer);
    const media = manifest.files.filter((file) => file.path.startsWith('media/'));
    expect(media.map((file) => file.archiveKey).sort()).toEqual(result.media.map((item) => item.key).sort());
    for (const item of result.media) {
      const file = files.find((candidate) => candidate.name === media.find((m) => m.archiveKey === item.key)?.path);
      expect({
        key: item.key,
        md5: createHash('md5')
          .update(file?.data ?? '')
          .digest('hex'),
      }).toEqual({
        key: item.key,
        md5: item.md5,
      });
    }
    // The compare photo the backend sent, stored under the reference's inputs before the journey started.
    const inputs = manifest.files.filter((file) => file.path.startsWith('inputs/'));
    expect(inputs).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/^inputs\/compare-[0-9a-f]{32}\.jpg$/) as unknown }),
    ]);
    expect(inputs[0]?.archiveKey).toMatch(
      new RegExp(`^inputs/${json(files, 'journey.json').reference as string}/compare-`),
    );
    expect(manifest.files.map((file) => file.path).filter((path) => !/^(media|inputs)\//.test(path))).toEqual([
      'journey.json',
      'result.json',
      'policy.json',
      'timeline.json',
      'audit.json',
      'archive-manifest.json',
    ]);

    expect(json(files, 'journey.json')).toMatchObject({
      journeyId: journey.journeyId,
      status: 'COMPLETED',
      flow: 'ekyc',
      workflowType: 'ekycJourney',
    });
    const policy = json(files, 'policy.json') as {
      effective: object;
      document: object;
      sha256: string;
      overrides: object;
      overridden: boolean;
    };
    expect(policy.overrides).toEqual({ similarityThreshold: 75 });
    expect(policy.overridden).toBe(true);
    expect(policy.effective).toMatchObject({ similarityThreshold: 75 });
    expect(policy.sha256).toBe(createHash('sha256').update(canonicalJson(policy.document)).digest('hex'));

    const timeline = (json(files, 'timeline.json') as { events: Record<string, unknown>[] }).events;
    expect(timeline[0]).toMatchObject({ id: 1, type: 'WorkflowExecutionStarted', workflowType: 'ekycJourney' });
    expect(timeline).toContainEqual(
      expect.objectContaining({
        update: 'review',
        review: { reviewer: 'op-a', decision: 'approved', reasonCode: 'glare_only' },
      }),
    );
    expect(timeline).toContainEqual(expect.objectContaining({ signal: 'userFinished' }));
    const requestIds = timeline.flatMap((event) => (event.requestIds as string[] | undefined) ?? []);
    expect(requestIds.sort()).toEqual([...(result.requestIds as string[])].sort());

    const audit = (json(files, 'audit.json') as { entries: AuditRecord[] }).entries;
    expect(audit.map((entry) => `${entry.actor} ${entry.action}`)).toEqual([
      'op-a review_claimed',
      'op-a review_decided',
    ]);
    expect(audit.every((entry) => entry.journeyId === journey.journeyId)).toBe(true);
  });

  it("never holds the journey's FaceID token or its client secret", () => {
    const text = files.filter((file) => !file.name.startsWith('media/')).map((file) => file.data.toString('utf8'));
    expect(text.join('\n')).not.toContain(journey.token);
    expect(text.join('\n')).not.toContain(journey.clientSecret);
  });

  it('records the export in the audit log before it answers', async () => {
    const entries = await new AuditLog(gw.harness.archive).entriesOfJourney(
      journey.journeyId,
      new Date(Date.now() - 3600_000),
      new Date(),
    );
    expect(entries.filter((entry) => entry.action === 'evidence_exported')).toEqual([
      expect.objectContaining({ actor: OPERATOR_ID, detail: { keyId: 'test-evidence-1' } }),
    ]);
  });

  it('fails verification, naming the file, when one byte of any file changes', async () => {
    for (const { name } of files) {
      const report = await verifyBundle(chunksOf(await withOneByteChanged(bundle, name)), trusted);
      // A changed signature is reported against the manifest it no longer matches.
      const named = name === SIGNATURE_FILE ? MANIFEST_FILE : name;
      expect({ name, ok: report.ok, names: report.problems.some((p) => p.startsWith(`${named}:`)) }).toEqual({
        name,
        ok: false,
        names: true,
      });
    }
  });

  it('ends the stream with an error when a media object fails mid-way, never with a bundle that looks complete', async () => {
    const real = gw.harness.archive;
    const video = files.find((file) => file.name.endsWith('.mp4'))?.name as string;
    const bytes = files.find((file) => file.name === video)?.data as Buffer;
    // The store as it may fail after the answer started: the video's bytes stop half way with a read error.
    const failing: ObjectStore = Object.assign(Object.create(real) as ObjectStore, {
      get: (key: string) => {
        if (!video.endsWith(key.split('/').at(-1) as string)) return real.get(key);
        return Promise.resolve(
          Readable.from(
            (function* () {
              yield bytes.subarray(0, bytes.length >> 1);
              throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' });
            })(),
          ),
        );
      },
    });
    const evidence = new JourneyEvidence({
      client: gw.harness.client,
      archive: failing,
      audit: new AuditLog(real),
      signingKey: EVIDENCE_KEY,
    });
    const errors: Error[] = [];
    const output = evidence.stream(await evidence.prepare(journey.journeyId), {
      onError: (error) => errors.push(error),
      onMd5Mismatch: () => undefined,
    });
    const received: Buffer[] = [];
    await expect(
      (async () => {
        for await (const chunk of output) received.push(chunk as Buffer);
      })(),
    ).rejects.toThrow(`the evidence bundle was cut short at ${video} (EIO)`);
    expect(errors.map((error) => error.message)).toEqual([`the evidence bundle was cut short at ${video} (EIO)`]);
    const report = await verifyBundle(chunksOf(Buffer.concat(received)), trusted);
    expect(report.ok).toBe(false);
  });

  it('is checked by `npm run verify-evidence` as a child process: exit 0 when intact, 1 naming a changed file', async () => {
    const good = join(dir, 'good.tar');
    const media = files.find((file) => file.name.startsWith('media/'))?.name as string;
    const changed = join(dir, 'changed.tar');
    const publicKey = join(dir, 'evidence.pub.pem');
    await writeFile(good, bundle);
    await writeFile(changed, await withOneByteChanged(bundle, media));
    await writeFile(publicKey, EVIDENCE_KEY.publicKey.export({ format: 'pem', type: 'spki' }));
    const script = join(__dirname, '..', '..', '..', 'scripts', 'verify-evidence.ts');
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], {
        env: { PATH: process.env.PATH, ...env },
      }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code?: number; stdout?: string }) => ({ code: error.code, stdout: error.stdout ?? '' }),
      );

    const ok = await run([good], {
      EVIDENCE_PUBLIC_KEYS: `test-evidence-1:${publicKeyBase64(EVIDENCE_KEY.publicKey)}`,
    });
    expect(ok).toEqual({ code: 0, stdout: expect.stringContaining('VERIFIED: the signature holds') as unknown });
    const bad = await run([changed, '--public-key', publicKey]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`FAIL      ${media}: SHA-256 differs from the manifest`);
    expect(bad.stdout).toContain('NOT VERIFIED');
  }, 60_000);
});

describe('GET /v1/journeys/{id}/evidence: refusals and journeys without media', () => {
  it('refuses a running journey (409), an unknown one (404), a backend key (403) and no key (401)', async () => {
    const started = await gw.call('POST', '/v1/journeys', {
      bearer: API_KEY,
      json: livenessBody(gw.harness.reference('gw-evidence-running')),
    });
    const path = gw.path(started.body.journeyId, '/evidence');
    expectProblem(await gw.call('GET', path, asOperator()), 409, 'journey_running');
    expectProblem(
      await gw.call('GET', gw.path('ekyc:never-started-evidence', '/evidence'), asOperator()),
      404,
      'journey_not_found',
    );
    expectProblem(await gw.call('GET', path, { bearer: API_KEY }), 403, 'forbidden');
    expectProblem(await gw.call('GET', path), 401, 'unauthenticated');
  });

  it("bundles a cancelled journey's result and timeline, with no media", async () => {
    const started = await gw.call('POST', '/v1/journeys', {
      bearer: API_KEY,
      json: livenessBody(gw.harness.reference('gw-evidence-cancelled')),
    });
    const { journeyId } = started.body;
    await gw.call('POST', gw.path(journeyId, '/cancel'), { bearer: API_KEY });
    expect((await resultOf(gw, journeyId)).body.outcome).toBe('cancelled');
    const answer = await download(journeyId);
    expect(answer.status).toBe(200);
    const report = await verifyBundle(chunksOf(answer.bytes), trusted);
    expect(report.ok).toBe(true);
    expect(report.manifest?.files.map((file) => file.path)).toEqual([
      'journey.json',
      'result.json',
      'policy.json',
      'timeline.json',
      'audit.json',
    ]);
  });

  it("an erased journey's bundle holds only what erasure kept: its record and the audit entries", async () => {
    const started = await gw.call('POST', '/v1/journeys', {
      bearer: API_KEY,
      json: livenessBody(gw.harness.reference('gw-evidence-erased')),
    });
    const { journeyId, token, clientSecret } = started.body;
    await gw.harness.sandbox.complete(token, 'pass');
    await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: clientSecret });
    await resultOf(gw, journeyId);
    const erasure = { requestedBy: 'op-a', reason: 'data_subject_request' };
    expect((await gw.call('POST', gw.path(journeyId, '/erase'), asOperator(erasure))).status).toBe(200);

    const answer = await download(journeyId);
    expect(answer.status).toBe(200);
    const report = await verifyBundle(chunksOf(answer.bytes), trusted);
    expect(report.ok).toBe(true);
    expect(report.manifest?.files.map((file) => file.path)).toEqual(['erasure.json', 'audit.json']);
    const files = await tarFiles(answer.bytes);
    expect(json(files, 'erasure.json')).toMatchObject({ journeyId, state: 'erased', outcome: 'approved' });
    expect(JSON.stringify(json(files, 'audit.json'))).toContain('"action":"journey_erased"');
  });

  it('answers 501 on a gateway without a signing key', async () => {
    const ekyc = new EkycClient(gw.harness.client, gw.harness.taskQueue, { archive: gw.harness.archive });
    const unsigned = createGateway({
      client: gw.harness.client,
      ekyc,
      archive: gw.harness.archive,
      settings: {
        apiKeys: [API_KEY],
        operatorKeys: [{ id: OPERATOR_ID, key: OPERATOR_KEY }],
        clientSecretKey: CLIENT_SECRET_KEY,
        sandbox: true,
      },
    });
    try {
      const answer = await unsigned.inject({
        method: 'GET',
        url: gw.path('ekyc:any-journey', '/evidence'),
        headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      });
      expect({ status: answer.statusCode, code: answer.json<{ code: string }>().code }).toEqual({
        status: 501,
        code: 'evidence_not_configured',
      });
    } finally {
      await unsigned.close();
    }
  });
});
