/**
 * What Temporal stores is read back without the codec, as anyone with access to the server (or its database) would
 * see it, and scanned for everything personal or secret a journey handles: the synthetic person's document fields as
 * the emulator serves them, FaceID credentials, media bytes and media URLs.
 */
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { ENCRYPTED_ENCODING, JOURNEY_METADATA, KEY_ID_METADATA } from '../../../src/codec';
import {
  CARD_INFO_KINDS,
  legacyCardInfo,
  NORMAL_CARD_KINDS,
  normalCardInfo,
  syntheticPerson,
} from '../../../src/emulator/card-info';
import { FLOWS, type Flow } from '../../../src/workflows/types';
import { forbiddenInHistory, protoText } from '../../support/history-scan';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { inputFor, waitForStage } from '../../support/journeys';

const WRONG_SECRET_KEY = 'not-the-sandbox-key-000000000000';
const LEGACY_COMPARE_URL = 'https://sandbox-bucket.cos.ap-singapore.myqcloud.com/compare.jpg';

/**
 * Every string the emulator's CardInfo, NormalCardInfo and OCR JSON hold for the person of a session, except codes
 * too short or too generic to identify anyone ("M", "SBX", "0"): names, ID numbers, birthdays in every format,
 * addresses, dates, MRZ lines.
 */
function personStrings(seeds: string[]): string[] {
  const found = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.length >= 5 && (/[A-Za-z]/.test(value) || /\d{2,4}[-/]\d{2}[-/]\d{2,4}/.test(value))) found.add(value);
    } else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const seed of seeds) {
    const person = syntheticPerson(seed);
    for (const kind of NORMAL_CARD_KINDS) collect(normalCardInfo(kind, person));
    for (const kind of CARD_INFO_KINDS) collect(legacyCardInfo(kind, person));
  }
  return [...found];
}

/** What must not appear in stored text: the person, credentials, media and media URLs. */
function problemsIn(json: string, seeds: string[], emulatorUrl: string): string[] {
  // Ciphertext rendered as text holds control bytes, which JSON escapes as `\u0000`: those digits are no one's data.
  const text = json.replace(/\\u[0-9a-fA-F]{4}/g, ' ');
  const problems = forbiddenInHistory(text);
  for (const value of personStrings(seeds)) if (text.includes(value)) problems.push(`person data "${value}"`);
  // The ID number is derived from the session's token; document sessions have tokens the test never sees.
  if (/SBX\d{9}/.test(text)) problems.push('a synthetic ID number');
  if (text.includes(WRONG_SECRET_KEY)) problems.push('the FaceID SecretKey in use');
  if (text.includes(`${new URL(emulatorUrl).host}/media/`)) problems.push('an emulator media URL');
  if (/\/media\/[^"\s]+\?expires=\d+&signature=/.test(text)) problems.push('a signed media URL');
  if (text.includes('myqcloud.com')) problems.push('a COS media URL');
  return problems;
}

type AnyRecord = Record<string, unknown>;
const isPayload = (value: unknown): value is Payload =>
  value !== null &&
  typeof value === 'object' &&
  !(value instanceof Uint8Array) &&
  'metadata' in value &&
  'data' in value &&
  (value as AnyRecord).data instanceof Uint8Array;

/** Every payload in a message with its path; search attributes are indexed by the server, so never encoded. */
function payloadsIn(value: unknown, path = '', found: { path: string; payload: Payload }[] = []) {
  if (isPayload(value)) found.push({ path, payload: value });
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [key, child] of Object.entries(value as AnyRecord)) {
      if (key !== 'searchAttributes') payloadsIn(child, `${path}.${key}`, found);
    }
  }
  return found;
}

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

/** The journey and every workflow it started (event delivery), as the server stores them. */
async function storedRecords(raw: Client, journeyId: string): Promise<{ id: string; records: unknown[] }[]> {
  const stored: { id: string; records: unknown[] }[] = [];
  const pending = [journeyId];
  for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
    const history = await raw.workflow.getHandle(id).fetchHistory();
    // The describe response as the server sends it: memo, search attributes, summary, pending activities' failures.
    const description = await raw.workflowService.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId: id },
    });
    stored.push({ id, records: [history, description] });
    for (const event of history.events ?? []) {
      const child = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child) pending.push(child);
    }
  }
  return stored;
}

let harness: JourneyHarness;
let raw: Client;
beforeAll(async () => {
  harness = await startJourneyHarness();
  // The same connection, without the codec: what the server holds, undecoded.
  raw = new Client({ connection: harness.client.connection });
});
afterAll(() => harness?.close());

/** Scans a journey's stored records; every payload but search attributes must be encrypted under the sandbox key. */
async function expectNothingReadable(client: Client, journeyId: string, seeds: string[], emulatorUrl: string) {
  const stored = await storedRecords(client, journeyId);
  expect(stored.length).toBeGreaterThanOrEqual(1);
  for (const { id, records } of stored) {
    const problems = records.flatMap((record) => problemsIn(protoText(record), seeds, emulatorUrl));
    expect({ id, problems }).toEqual({ id, problems: [] });
    const all = records.flatMap((record) => payloadsIn(record));
    // Today's code asks no `patched()`, so no patch marker carries a payload outside the codec.
    expect(all.filter(({ path }) => path.includes('markerRecordedEventAttributes.details.patch-data'))).toEqual([]);
    // A local activity's marker data (its id, type, attempt and times) is also written by the core outside the codec;
    // its result, the payload that could matter, goes through the codec like any other.
    const localActivityMarkers = all.filter(({ path }) => /markerRecordedEventAttributes\.details\.data\./.test(path));
    for (const { payload } of localActivityMarkers) {
      const data = JSON.parse(text(payload.data)) as AnyRecord;
      expect(['issueTokenInline', 'fetchResultInline', 'settleJourney']).toContain(data.activity_type);
      expect(Object.keys(data).sort()).toEqual(
        ['activity_id', 'activity_type', 'attempt', 'backoff', 'complete_time', 'original_schedule_time', 'seq'].sort(),
      );
    }
    const payloads = all.filter((entry) => !localActivityMarkers.includes(entry));
    expect(payloads.length).toBeGreaterThan(0);
    const unencrypted = payloads
      .filter(({ payload }) => text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING)
      .map(({ path }) => path);
    expect({ id, unencrypted }).toEqual({ id, unencrypted: [] });
    // Under the journey's own data key, never the service-wide key: erasing the key makes the whole history unreadable.
    const notJourneyKeyed = payloads
      .filter(({ payload }) => text(payload.metadata?.[JOURNEY_METADATA]) !== journeyId)
      .map(({ path, payload }) => `${path} (${text(payload.metadata?.[KEY_ID_METADATA]) || 'no key id'})`);
    expect({ id, notJourneyKeyed }).toEqual({ id, notJourneyKeyed: [] });
  }
}

async function runToOutcome(flow: Flow, scenario: 'pass' | 'spoof', prefix: string) {
  const started = await harness.ekyc.startJourney(await inputFor(harness, flow, harness.reference(prefix)));
  await harness.sandbox.complete(started.token, scenario);
  await harness.ekyc.userFinished(started.journeyId);
  return { ...started, result: await harness.ekyc.result(started.journeyId) };
}

describe('stored journeys, read without the codec, reveal nothing personal or secret', () => {
  it.each(FLOWS)('%s, approved', async (flow) => {
    const { journeyId, token, result } = await runToOutcome(flow, 'pass', `privacy-${flow}`);
    expect(result.outcome).toBe('approved');
    await expectNothingReadable(raw, journeyId, [token], harness.emulatorUrl);
  });

  it('liveness with the document step (OCR fields archived), approved', async () => {
    const reference = harness.reference('privacy-document');
    const front = await harness.storeImage(reference, 'card-front');
    const back = await harness.storeImage(reference, 'card-back');
    await harness.sandbox.registerCard(front.md5, 'pass', 0);
    const started = await harness.ekyc.startJourney({
      ...(await inputFor(harness, 'liveness', reference)),
      document: { nationality: 'HKG', cardType: 'ID_CARD', front: { key: front.key }, back: { key: back.key } },
    });
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);
    const result = await harness.ekyc.result(started.journeyId);
    expect(result).toMatchObject({ outcome: 'approved', document: { status: 'PASSED' } });
    expect(result.media.map((ref) => ref.kind)).toContain('ocr-json');
    await expectNothingReadable(raw, started.journeyId, [started.token], harness.emulatorUrl);
  });

  it('rejected (spoof)', async () => {
    const { journeyId, token, result } = await runToOutcome('selfie', 'spoof', 'privacy-rejected');
    expect(result.outcome).toBe('rejected');
    await expectNothingReadable(raw, journeyId, [token], harness.emulatorUrl);
  });

  it('review: document warning, then an operator approves', async () => {
    const reference = harness.reference('privacy-review');
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'ekyc', reference));
    await harness.sandbox.complete(started.token, 'document_warning');
    await harness.ekyc.userFinished(started.journeyId);
    await waitForStage(harness, started.journeyId, 'in_review');
    await harness.ekyc.review(started.journeyId, {
      decision: 'approved',
      reviewer: 'op-9',
      reason: 'document checked by hand',
    });
    expect((await harness.ekyc.result(started.journeyId)).reasons).toEqual(['document_warning', 'review_approved']);
    await expectNothingReadable(raw, started.journeyId, [started.token], harness.emulatorUrl);
  });

  it('failed: FaceID refuses the credentials (failure messages and stack traces encrypted too)', async () => {
    const wrongKeys = await startJourneyHarness({ faceid: { secretKey: WRONG_SECRET_KEY } });
    try {
      const reference = wrongKeys.reference('privacy-failed');
      await wrongKeys.ekyc.startJourney(await inputFor(wrongKeys, 'liveness', reference)).catch(() => undefined);
      const journeyId = `ekyc:${reference}`;
      expect(await wrongKeys.ekyc.result(journeyId)).toMatchObject({
        outcome: 'failed',
        reasons: ['faceid_auth_failure'],
      });
      const wrongRaw = new Client({ connection: wrongKeys.client.connection });
      await expectNothingReadable(wrongRaw, journeyId, [], wrongKeys.emulatorUrl);
      // The failures are there, typed in the clear, their messages only as an encrypted payload.
      const history = await wrongRaw.workflow.getHandle(journeyId).fetchHistory();
      const failures = (history.events ?? []).flatMap((event) => {
        // The token call failed inline (a local activity's marker) or on its queue.
        const failure =
          event.activityTaskFailedEventAttributes?.failure ?? event.markerRecordedEventAttributes?.failure;
        return failure ? [failure] : [];
      });
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure.message).toBe('Encoded failure');
        expect(failure.stackTrace ?? '').toBe('');
        expect(text(failure.encodedAttributes?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      }
    } finally {
      await wrongKeys.close();
    }
  });

  it('the scan has teeth: decoded, the web-legacy input shows its media URL', async () => {
    const { journeyId, token } = await runToOutcome('web-legacy', 'pass', 'privacy-teeth');
    const history = await raw.workflow.getHandle(journeyId).fetchHistory();
    const codec = harness.codec;
    const decodedCopy = async (value: unknown): Promise<unknown> => {
      if (isPayload(value)) return (await codec.decode([value]))[0];
      if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
      if (Array.isArray(value)) return Promise.all(value.map(decodedCopy));
      const entries = Object.entries(value as AnyRecord).map(async ([key, child]) => [key, await decodedCopy(child)]);
      return Object.fromEntries(await Promise.all(entries)) as unknown;
    };
    const decodedHistory = await decodedCopy(history);
    const plain = protoText(decodedHistory);
    expect(plain).toContain(LEGACY_COMPARE_URL);
    expect(problemsIn(plain, [token], harness.emulatorUrl)).toEqual(['a COS media URL']);
    expect(
      problemsIn(JSON.stringify(normalCardInfo('HKIDCard', syntheticPerson(token))), [token], harness.emulatorUrl),
    ).toEqual(expect.arrayContaining(['person data "SANDBOX TESTER"', 'a synthetic ID number']));
  });
});
