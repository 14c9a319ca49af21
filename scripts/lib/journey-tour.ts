/**
 * A tour of every flow through the gateway, as `npm run demo` (sandbox) and `npm run rehearsal` (production mode)
 * run it: starts journeys as a backend, plays each end user through the FaceID emulator (its controls, or its web
 * page as a browser would), approves a review as an operator, and checks outcomes and verified webhooks.
 */
import { createHash } from 'node:crypto';
import { fetch, type Dispatcher } from 'undici';
import type { CardScenario } from '../../src/emulator/cards';
import { encodeJpeg } from '../../src/emulator/image-encoding';
import type { SandboxClient } from '../../src/emulator/sandbox-client';
import type { Scenario } from '../../src/emulator/scenarios';
import type { JourneyEvent } from '../../src/workflows/types';
import type { WebhookReceiver } from './webhook-receiver';

/** Where the tour runs and as whom. */
export interface TourTarget {
  /** The gateway's base URL. */
  gatewayUrl: string;
  apiKey: string;
  operatorKey: string;
  /** Where a web flow's browser should land at the end. */
  webFinalUrl: string;
  /** The emulator's controls, which play the end user. */
  emulator: SandboxClient;
  /** Starts each journey's reference (`demo`, `rehearsal`). */
  label: string;
  /** Connections for the gateway, the emulator's page and the final page (one that trusts a private CA, say). */
  dispatcher?: Dispatcher;
}

/** How the end user behaves: through the emulator's controls, or on its web page like a browser. */
type UserPlay = { via: 'controls'; scenario: Scenario } | { via: 'web-page'; scenario: Scenario } | { via: 'none' };

interface DemoJourney {
  name: string;
  /** Start body without `reference` (each run gets fresh references). */
  body: Record<string, unknown>;
  user: UserPlay;
  /** A document check outcome to register for the journey's front image. */
  card?: CardScenario;
  /** An operator decision once the journey is in review. */
  review?: 'approved' | 'rejected';
  expected: { outcome: string; reasons: string[] };
}

interface Row {
  journeyId: string;
  flow: string;
  story: string;
  outcome: string;
  reasons: string[];
  media: number;
  seconds: number;
  expectedOk: boolean;
  expectedEvents: JourneyEvent['type'][];
}

/** A synthetic JPEG, unique per name and run (the emulator registers document outcomes by image MD5). */

/** The tour's journeys and how to run one, for a target; references are unique per tour. */
function tourOf(target: TourTarget) {
  const runId = Date.now().toString(36);
  const gateway = { publicUrl: target.gatewayUrl, webFinalUrl: target.webFinalUrl };
  const { apiKey, operatorKey, emulator, dispatcher } = target;

  function jpeg(name: string): { contentType: 'image/jpeg'; base64: string; md5: string } {
    const pixels = new Uint8Array(32 * 32 * 3).fill(name.length * 13);
    const bytes = encodeJpeg(32, 32, pixels, 85, `demo ${runId} ${name}`);
    return {
      contentType: 'image/jpeg',
      base64: bytes.toString('base64'),
      md5: createHash('md5').update(bytes).digest('hex'),
    };
  }

  const compareImage = jpeg('selfie-compare');
  const cardFront = jpeg('card-front');
  const cardBack = jpeg('card-back');
  const image = ({ contentType, base64 }: { contentType: string; base64: string }) => ({ contentType, base64 });

  const JOURNEYS: DemoJourney[] = [
    {
      name: 'pass, face matches the uploaded photo',
      body: {
        flow: 'selfie',
        region: 'ap-singapore',
        selfie: { CheckMode: 'compare', SecureLevel: '4' },
        compareImage: image(compareImage),
      },
      user: { via: 'controls', scenario: 'pass' },
      expected: { outcome: 'approved', reasons: ['all_checks_passed'] },
    },
    {
      name: 'liveness check fails',
      body: { flow: 'liveness', region: 'ap-singapore', liveness: { SecureLevel: '4' } },
      user: { via: 'controls', scenario: 'liveness_fail' },
      expected: { outcome: 'rejected', reasons: ['liveness_failed'] },
    },
    {
      name: 'pass, with the document step',
      body: {
        flow: 'liveness',
        region: 'ap-singapore',
        liveness: { SecureLevel: '4' },
        document: { nationality: 'HKG', cardType: 'ID_CARD', front: image(cardFront), back: image(cardBack) },
      },
      card: 'pass',
      user: { via: 'controls', scenario: 'pass' },
      expected: { outcome: 'approved', reasons: ['all_checks_passed'] },
    },
    {
      name: 'document warning -> review -> approved',
      body: { flow: 'ekyc', region: 'ap-singapore', ekyc: { CheckMode: 1, IdCardType: 'HK', SdkVersion: 'PLUS' } },
      user: { via: 'controls', scenario: 'document_warning' },
      review: 'approved',
      expected: { outcome: 'approved', reasons: ['document_warning', 'review_approved'] },
    },
    {
      name: 'pass on the web page',
      body: { flow: 'web', region: 'ap-singapore', web: {} },
      user: { via: 'web-page', scenario: 'pass' },
      expected: { outcome: 'approved', reasons: ['all_checks_passed'] },
    },
    {
      name: 'pass on the web page',
      body: {
        flow: 'web-legacy',
        region: 'ap-singapore',
        webLegacy: {
          CompareImageUrl: 'https://sandbox-bucket.cos.ap-singapore.myqcloud.com/compare.jpg',
          CompareImageMd5: '0123456789abcdef0123456789abcdef',
        },
      },
      user: { via: 'web-page', scenario: 'pass' },
      expected: { outcome: 'approved', reasons: ['all_checks_passed'] },
    },
    {
      name: 'user never starts (short windows)',
      body: {
        flow: 'liveness',
        region: 'ap-singapore',
        liveness: { SecureLevel: '4' },
        timers: { startWindowMs: 2_000, completionDeadlineMs: 5_000, pollInitialMs: 500, pollMaxMs: 1_000 },
      },
      user: { via: 'none' },
      expected: { outcome: 'expired', reasons: ['user_did_not_finish'] },
    },
  ];

  // ---- the gateway over HTTP, as a backend, a client app and an operator call it -----------------------------------

  interface Answer {
    status: number;
    body: Record<string, unknown>;
  }

  async function api(method: string, path: string, bearer: string, json?: unknown): Promise<Answer> {
    const response = await fetch(`${gateway.publicUrl}${path}`, {
      dispatcher,
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  function expectStatus(answer: Answer, status: number, what: string): Record<string, unknown> {
    if (answer.status !== status) {
      const problem = answer.body as { code?: string; detail?: string };
      throw new Error(`${what}: HTTP ${answer.status} ${problem.code ?? ''} ${problem.detail ?? ''}`);
    }
    return answer.body;
  }

  const journeyPath = (journeyId: string, suffix = '') => `/v1/journeys/${encodeURIComponent(journeyId)}${suffix}`;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Plays the browser: opens the page, submits the scenario's button, follows FaceID's and the gateway's redirects. */
  async function playWebPage(verificationUrl: string, token: string, scenario: Scenario): Promise<string> {
    const page = await fetch(verificationUrl, { dispatcher });
    const html = await page.text();
    if (page.status !== 200 || !html.includes(`data-scenario="${scenario}"`)) {
      throw new Error(`the verification page (HTTP ${page.status}) offers no "${scenario}" button`);
    }
    let response = await fetch(new URL('/web/verify/complete', verificationUrl), {
      dispatcher,
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, scenario }).toString(),
    });
    let url = verificationUrl;
    // Emulator → gateway return route → the backend's final page: at most a few hops.
    for (let hops = 0; hops < 5 && response.status === 303; hops += 1) {
      url = new URL(response.headers.get('location') ?? '', url).toString();
      response = await fetch(url, { dispatcher, redirect: 'manual' });
    }
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`the browser ended on HTTP ${response.status} at ${url}`);
    return url;
  }

  async function waitForStage(journeyId: string, stage: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = expectStatus(await api('GET', journeyPath(journeyId), apiKey), 200, 'status');
      if (status.stage === stage) return;
      if (Date.now() > deadline) throw new Error(`never reached ${stage} (stage ${String(status.stage)})`);
      await sleep(300);
    }
  }

  async function waitForResult(journeyId: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await api('GET', journeyPath(journeyId, '/result'), apiKey);
      if (answer.status === 200) return answer.body;
      if (answer.status !== 409 || answer.body.code !== 'journey_running' || Date.now() > deadline) {
        return expectStatus(answer, 200, 'result');
      }
      await sleep(300);
    }
  }

  /** One journey end to end, as its backend, its user, its client app and (if needed) an operator play it. */
  async function run(journey: DemoJourney, index: number): Promise<Row> {
    const flow = String(journey.body.flow);
    const reference = `${target.label}-${runId}-${index + 1}-${flow}`;
    const startedAt = Date.now();
    if (journey.card) await emulator.registerCard(cardFront.md5, journey.card, 1);
    const started = expectStatus(
      await api('POST', '/v1/journeys', apiKey, { ...journey.body, reference }),
      201,
      `start ${journey.name}`,
    );
    const journeyId = String(started.journeyId);
    const token = String(started.token);
    const clientSecret = String(started.clientSecret);

    if (journey.user.via === 'controls') {
      await emulator.complete(token, journey.user.scenario);
      // The client app tells the gateway the user is done; the journey then pulls the result itself.
      expectStatus(await api('POST', journeyPath(journeyId, '/finished'), clientSecret), 202, 'finished');
    } else if (journey.user.via === 'web-page') {
      const landed = await playWebPage(String(started.verificationUrl), token, journey.user.scenario);
      if (!landed.startsWith(gateway.webFinalUrl)) throw new Error(`landed on ${landed}`);
    }
    if (journey.review) {
      await waitForStage(journeyId, 'in_review', 60_000);
      // The operator key says who decides: its identity is the reviewer.
      const review = { decision: journey.review, reason: 'document checked by hand' };
      expectStatus(await api('POST', journeyPath(journeyId, '/review'), operatorKey, review), 200, 'review');
    }
    const result = await waitForResult(journeyId, 120_000);
    const outcome = String(result.outcome);
    const reasons = (result.reasons as string[]) ?? [];
    return {
      journeyId,
      flow,
      story: journey.name,
      outcome,
      reasons,
      media: ((result.media as unknown[]) ?? []).length,
      seconds: (Date.now() - startedAt) / 1000,
      expectedOk: outcome === journey.expected.outcome && reasons.join() === journey.expected.reasons.join(),
      expectedEvents: journey.review ? ['journey.in_review', 'journey.completed'] : ['journey.completed'],
    };
  }

  /** Sends one eKYC journey to review and leaves it there, for a reviewer to work in the console or over HTTP. */
  async function leaveInReview(): Promise<string> {
    const body = JOURNEYS.find((journey) => journey.review)?.body ?? {};
    const reference = `${target.label}-${runId}-left-in-review`;
    const started = expectStatus(
      await api('POST', '/v1/journeys', apiKey, { ...body, reference }),
      201,
      'start the journey left in review',
    );
    const journeyId = String(started.journeyId);
    await emulator.complete(String(started.token), 'document_warning');
    expectStatus(await api('POST', journeyPath(journeyId, '/finished'), String(started.clientSecret)), 202, 'finished');
    await waitForStage(journeyId, 'in_review', 60_000);
    return journeyId;
  }

  return { journeys: JOURNEYS, run, leaveInReview };
}

/** Leaves one journey waiting for a reviewer (the demo's last step); returns its id. */
export function leaveJourneyInReview(target: TourTarget): Promise<string> {
  return tourOf(target).leaveInReview();
}

// ---- output ------------------------------------------------------------------------------------------------------

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function webhooksOf(receiver: WebhookReceiver, row: Row): string {
  const types = new Set(receiver.received.filter((r) => r.event.journeyId === row.journeyId).map((r) => r.event.type));
  return row.expectedEvents
    .map((type) => `${type.replace('journey.', '')}${types.has(type) ? '' : ' MISSING'}`)
    .join(', ');
}

/** How a tour went. */
export interface TourReport {
  rows: Row[];
  /** Empty when every journey ended as expected and every webhook arrived verified. */
  failures: string[];
  /** The result table, one line per journey. */
  table: string;
  /** Distinct verified webhook events of the tour's journeys. */
  verifiedWebhooks: number;
}

/** Runs every journey of the tour at once, waits up to a minute for their webhooks at `receiver`, and reports. */
export async function runTour(
  target: TourTarget,
  receiver: WebhookReceiver,
  log: (line: string) => void,
): Promise<TourReport> {
  const { journeys, run } = tourOf(target);
  log(`Running ${journeys.length} journeys through ${target.gatewayUrl}; webhooks to ${receiver.url}`);
  const settled = await Promise.allSettled(journeys.map((journey, index) => run(journey, index)));
  const rows: Row[] = [];
  settled.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') rows.push(outcome.value);
    else {
      const journey = journeys[index]!;
      log(`${String(journey.body.flow)} (${journey.name}): ${String((outcome.reason as Error).message)}`);
    }
  });
  log('Waiting for the webhooks…');
  const allDelivered = await receiver.waitFor(
    (received) =>
      rows.every((row) =>
        row.expectedEvents.every((type) =>
          received.some((r) => r.event.journeyId === row.journeyId && r.event.type === type),
        ),
      ),
    60_000,
  );
  const failures = [
    settled.some((outcome) => outcome.status === 'rejected') ? 'a journey could not be run' : undefined,
    rows.some((row) => !row.expectedOk) ? 'a journey ended with an unexpected outcome' : undefined,
    allDelivered ? undefined : 'a webhook did not arrive within 60 s',
    receiver.refused() > 0 ? `${receiver.refused()} webhook(s) failed signature verification` : undefined,
  ].filter((failure): failure is string => failure !== undefined);
  const ours = receiver.received.filter((r) => rows.some((row) => row.journeyId === r.event.journeyId));
  return {
    rows,
    failures,
    table: table(
      ['journey', 'flow', 'end user', 'outcome', 'reasons', 'media', 'seconds', 'webhooks (verified)'],
      rows.map((row) => [
        row.journeyId,
        row.flow,
        row.story,
        row.expectedOk ? row.outcome : `${row.outcome} UNEXPECTED`,
        row.reasons.join(', '),
        String(row.media),
        row.seconds.toFixed(1),
        webhooksOf(receiver, row),
      ]),
    ),
    verifiedWebhooks: new Set(ours.map((r) => r.event.id)).size,
  };
}
