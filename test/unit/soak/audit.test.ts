import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { mediaKey } from '../../../src/archive/keys';
import { updateManifest } from '../../../src/archive/manifest';
import { SyntheticAssets } from '../../../src/emulator/media';
import type { JourneyEvent } from '../../../src/workflows/types';
import type { ReceivedWebhook } from '../../../scripts/lib/webhook-receiver';
import { auditPhase, emulatorMediaMd5s } from '../../../scripts/soak/audit';
import type { SoakStack } from '../../../scripts/soak/soak-stack';

let dir: string;
let store: FilesystemStore;
let known: ReadonlySet<string>;
// Building the emulator's images takes a few seconds on a busy machine: once, with room to spare.
beforeAll(() => {
  known = emulatorMediaMd5s();
}, 60_000);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ekyc-soak-audit-'));
  store = new FilesystemStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stack whose Temporal knows the given workflow statuses (anything else: not found). */
function stackWith(statuses: Record<string, string>): SoakStack {
  const describe = (id: string) => {
    const status = statuses[id];
    if (!status) return Promise.reject(new WorkflowNotFoundError('not found', id, undefined));
    return Promise.resolve({ status: { name: status } });
  };
  return {
    client: { workflow: { getHandle: (id: string) => ({ describe: () => describe(id) }) } },
  } as unknown as SoakStack;
}

function delivery(journeyId: string, id: string, outcome: string, reasons: string[] = []): ReceivedWebhook {
  const event = { id, type: 'journey.completed', journeyId, outcome, reasons } as unknown as JourneyEvent;
  return { event, attempt: 1, receivedAtMs: 0, peer: '127.0.0.1' };
}

/** Archives the emulator's video for a journey, as the worker does, optionally with different bytes. */
async function archiveVideo(journeyId: string, bytes?: Buffer): Promise<void> {
  const video = new SyntheticAssets().video();
  const body = bytes ?? video.bytes;
  const md5 = createHash('md5').update(body).digest('hex');
  const key = mediaKey(journeyId, 'video', md5, video.contentType);
  await store.put(key, body, { md5, size: body.length, contentType: video.contentType });
  await updateManifest(store, journeyId, (manifest) => {
    manifest.entries.push({
      key,
      kind: 'video',
      md5,
      size: body.length,
      contentType: video.contentType,
      archivedAt: '',
    });
    return true;
  });
}

test('counts each kind of loss, duplicate deliveries and re-issued tokens', async () => {
  await archiveVideo('ekyc:ok');
  await archiveVideo('ekyc:twice');
  const foreign = Buffer.from(new SyntheticAssets().video().bytes);
  foreign[10] = (foreign[10] as number) ^ 1;
  await archiveVideo('ekyc:not-served', foreign);
  const row = await auditPhase({
    stack: stackWith({ 'ekyc:stuck': 'RUNNING', 'ekyc:silent': 'COMPLETED', 'ekyc:failed': 'FAILED' }),
    store,
    journeys: [
      { reference: 'ok', journeyId: 'ekyc:ok' },
      { reference: 'refused', error: 'start answered HTTP 400' },
      { reference: 'stuck', journeyId: 'ekyc:stuck' },
      { reference: 'silent', journeyId: 'ekyc:silent' },
      { reference: 'failed', journeyId: 'ekyc:failed' },
      { reference: 'twice', journeyId: 'ekyc:twice' },
      { reference: 'wrong', journeyId: 'ekyc:wrong' },
      { reference: 'no-media', journeyId: 'ekyc:no-media' },
      { reference: 'not-served', journeyId: 'ekyc:not-served' },
    ],
    deliveries: [
      delivery('ekyc:ok', 'e1', 'approved'),
      delivery('ekyc:ok', 'e1', 'approved'),
      delivery('ekyc:twice', 'e2', 'approved'),
      delivery('ekyc:twice', 'e3', 'approved'),
      delivery('ekyc:wrong', 'e4', 'review', ['low_similarity']),
      delivery('ekyc:no-media', 'e5', 'approved'),
      delivery('ekyc:not-served', 'e6', 'approved'),
      delivery('ekyc:elsewhere', 'e7', 'rejected'),
    ],
    expected: { outcome: 'approved' },
    knownMd5s: known,
    tokensIssued: 10,
  });
  expect(row).toMatchObject({
    journeys: 9,
    lost: 2,
    stuck: 1,
    endedTwice: 1,
    wrongOutcome: 1,
    webhooksMissing: 1,
    md5Mismatches: 2,
    duplicateDeliveries: 1,
    reissuedTokens: 2,
  });
  expect(row.problems.join('\n')).toMatch(/ekyc:no-media: no archived video/);
  expect(row.problems.join('\n')).toMatch(/ekyc:not-served: video: not what FaceID served/);
});

test('an expected reason must be among the outcome reasons', async () => {
  const row = await auditPhase({
    stack: stackWith({}),
    store,
    journeys: [
      { reference: 'a', journeyId: 'ekyc:a' },
      { reference: 'b', journeyId: 'ekyc:b' },
    ],
    deliveries: [
      delivery('ekyc:a', 'e1', 'failed', ['media_too_large']),
      delivery('ekyc:b', 'e2', 'failed', ['media_download_failed']),
    ],
    expected: { outcome: 'failed', reason: 'media_too_large' },
    knownMd5s: known,
    tokensIssued: 2,
  });
  expect(row).toMatchObject({ lost: 0, wrongOutcome: 1, md5Mismatches: 0, reissuedTokens: 0 });
});
