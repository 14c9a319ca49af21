import { freePorts } from '../../../scripts/lib/free-port';
import { createLogger } from '../../../src/logging';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { eventually } from '../../support/eventually';
import { parseJourneyStart, type JourneyStart } from '../../../src/client/journey-input';
import { inputFor } from '../../support/journeys';

/** One sample of the Prometheus text format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

let harness: JourneyHarness;
let metricsUrl: string;

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  const text = await response.text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = value as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return { text, samples };
}

/**
 * The sum of a metric's samples whose labels include `labels` and whose task queue is this file's (or derived from
 * it). The SDK labels its own metrics `task_queue`; metrics from workflow and activity code get `taskQueue`.
 */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name)
    .filter((sample) => (sample.labels.task_queue ?? sample.labels.taskQueue ?? '').startsWith(harness.taskQueue))
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

beforeAll(async () => {
  const [port] = (await freePorts(1)) as [number];
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  // The first harness of the file installs the process's runtime, here with the Prometheus exporter.
  harness = await startJourneyHarness({
    logger: createLogger({ component: 'worker', level: 'error' }),
    metricsBindAddress: `127.0.0.1:${port}`,
  });

  async function run(input: JourneyStart, scenario: 'pass' | 'spoof') {
    const started = await harness.ekyc.startJourney(input);
    await harness.sandbox.complete(started.token, scenario);
    await harness.ekyc.userFinished(started.journeyId);
    return harness.ekyc.result(started.journeyId);
  }
  const withDocument = async () => {
    const reference = harness.reference('metrics-doc');
    const front = await harness.storeImage(reference, 'card-front');
    const back = await harness.storeImage(reference, 'card-back');
    const input = await inputFor(harness, 'liveness', reference);
    const document = { nationality: 'HKG', cardType: 'ID_CARD', front: { key: front.key }, back: { key: back.key } };
    return run(parseJourneyStart({ ...input, document }), 'pass');
  };
  // FaceID flags the document -9109: the account lacks the capability, and the journey fails as an account fault.
  const capabilityMissing = async () => {
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'ekyc', harness.reference('metrics-9109')));
    await harness.sandbox.completeWith(started.token, { scenario: 'pass', ocr: { warnings: [-9109] } });
    await harness.ekyc.userFinished(started.journeyId);
    return harness.ekyc.result(started.journeyId);
  };
  // FaceID answers the first selfie token request with InternalError: the retry succeeds.
  await harness.sandbox.injectFault({ action: 'GetFaceIdTokenIntl', fault: 'InternalError', count: 1 });
  const results = await Promise.all([
    run(await inputFor(harness, 'selfie', harness.reference('metrics-selfie')), 'pass'),
    run(await inputFor(harness, 'liveness', harness.reference('metrics-spoof')), 'spoof'),
    withDocument(),
    capabilityMissing(),
  ]);
  expect(results.map((result) => result.outcome)).toEqual(['approved', 'rejected', 'approved', 'failed']);
}, 120_000);

afterAll(() => harness?.close());

describe('the worker runtime’s /metrics endpoint after four journeys', () => {
  it('counts journeys started and completed, by flow and outcome', async () => {
    const { samples } = await eventually(
      async () => {
        const scraped = await scrape();
        expect(total(scraped.samples, 'ekyc_journeys_completed')).toBe(4);
        return scraped;
      },
      { what: 'four completed journeys on /metrics' },
    );
    expect(total(samples, 'ekyc_journeys_started', { flow: 'selfie' })).toBe(1);
    expect(total(samples, 'ekyc_journeys_started', { flow: 'liveness' })).toBe(2);
    expect(total(samples, 'ekyc_journeys_completed', { flow: 'selfie', outcome: 'approved' })).toBe(1);
    expect(total(samples, 'ekyc_journeys_completed', { flow: 'liveness', outcome: 'rejected' })).toBe(1);
    expect(total(samples, 'ekyc_journeys_completed', { flow: 'liveness', outcome: 'approved' })).toBe(1);
    expect(total(samples, 'ekyc_journeys_completed', { flow: 'ekyc', outcome: 'failed' })).toBe(1);
    expect(total(samples, 'ekyc_faceid_capability_not_enabled', { flow: 'ekyc' })).toBe(1);
  });

  it('records the time per stage as a histogram in ms', async () => {
    const { text, samples } = await scrape();
    expect(text).toContain('# TYPE ekyc_stage_duration_ms histogram');
    // Every journey passes through these stages and leaves them.
    for (const stage of [
      'issuing_token',
      'awaiting_user',
      'fetching_result',
      'archiving_media',
      'deciding',
      'notifying',
    ]) {
      expect(total(samples, 'ekyc_stage_duration_ms_count', { stage })).toBe(4);
    }
    expect(total(samples, 'ekyc_stage_duration_ms_count', { stage: 'verifying_document', flow: 'liveness' })).toBe(1);
    expect(total(samples, 'ekyc_stage_duration_ms_count', { stage: 'in_review' })).toBe(0);
    // The journey waited for the emulator's user: its awaiting_user time is real, not zero.
    expect(total(samples, 'ekyc_stage_duration_ms_sum', { stage: 'awaiting_user' })).toBeGreaterThan(0);
    // The bucket bounds reach days (a review can take three).
    expect(
      samples.some((sample) => sample.name === 'ekyc_stage_duration_ms_bucket' && sample.labels.le === '259200000'),
    ).toBe(true);
  });

  it('counts FaceID calls by action and result, and archived bytes by kind', async () => {
    const { samples } = await scrape();
    expect(total(samples, 'ekyc_faceid_calls', { action: 'GetFaceIdTokenIntl', result: 'FaceIdTransient' })).toBe(1);
    expect(total(samples, 'ekyc_faceid_calls', { action: 'GetFaceIdTokenIntl', result: 'ok' })).toBe(1);
    expect(total(samples, 'ekyc_faceid_calls', { action: 'ApplyLivenessToken', result: 'ok' })).toBe(2);
    expect(total(samples, 'ekyc_faceid_calls', { action: 'ApplyCardVerification', result: 'ok' })).toBe(1);
    expect(total(samples, 'ekyc_faceid_calls', { action: 'GetCardVerificationResult' })).toBeGreaterThanOrEqual(1);
    expect(total(samples, 'ekyc_archived_bytes', { kind: 'best-frame' })).toBeGreaterThan(0);
    expect(total(samples, 'ekyc_archived_bytes', { kind: 'video' })).toBeGreaterThan(0);
    expect(total(samples, 'ekyc_archived_bytes', { kind: 'ocr-json' })).toBeGreaterThan(0);
  });

  it('serves the SDK’s own metrics beside them', async () => {
    const { samples } = await scrape();
    expect(total(samples, 'temporal_workflow_completed', { workflow_type: 'ekycJourney' })).toBe(4);
    // The failed first call: the token issued inline (a local activity), or from the action's queue when the pacer
    // expected no slot within a second (a loaded machine).
    const inline = total(samples, 'temporal_local_activity_execution_failed', { activity_type: 'issueTokenInline' });
    const queued = total(samples, 'temporal_activity_execution_failed', { activity_type: 'getFaceIdTokenIntl' });
    expect(inline + queued).toBe(1);
    expect(total(samples, 'temporal_workflow_task_execution_latency_count')).toBeGreaterThan(0);
  });
});
