import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { EkycClient } from '../../../src/client/ekyc-client';
import {
  CARD_INFO_KINDS,
  legacyCardInfo,
  NORMAL_CARD_KINDS,
  normalCardInfo,
  syntheticPerson,
} from '../../../src/emulator/card-info';
import { SANDBOX_ADMIN_TOKEN, SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../../../src/faceid/sandbox-endpoint';
import { encodeJpeg } from '../../../src/emulator/image-encoding';
import { createGateway } from '../../../src/gateway/server';
import { createLogger, type DestinationStream } from '../../../src/logging';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { eventually } from '../../support/eventually';
import { FAST_TIMERS } from '../../support/journeys';

const API_KEY = 'logscan-backend-api-key-000001';
const OPERATOR_KEY = 'logscan-operator-key-0000001';
const OPERATOR_ID = 'op-scan';
const CLIENT_SECRET_KEY = 'logscan-client-secret-key-00000000001';
const WRONG_KEY = 'logscan-not-a-key-of-this-gateway';
const FINAL_URL = 'https://backend.example/ekyc/done';
const COMPONENTS = ['worker', 'gateway', 'emulator'] as const;
/** `expect.any(String)`, typed so lint sees no `any`. */
const anyString = (): unknown => expect.any(String);
type Component = (typeof COMPONENTS)[number];

/** A pino destination that keeps every line in memory. */
function memoryDestination(): { stream: DestinationStream; lines: string[] } {
  const lines: string[] = [];
  return { lines, stream: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) } };
}

const sinks = { worker: memoryDestination(), gateway: memoryDestination(), emulator: memoryDestination() };
/** Strings that must never appear in a log line, with what each one is (for the failure message). */
const needles = new Map<string, string>();
const journeyIds: string[] = [];
let harness: JourneyHarness;
let app: FastifyInstance;
let url: string;

function secret(value: string | undefined, what: string): void {
  if (value && value.length >= 5) needles.set(value, what);
}

/** String leaves of a JSON value that identify a person: words, numbers with letters, dates. */
function personalLeaves(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (value.length >= 5 && (/[A-Za-z]/.test(value) || /^\d{2,4}[-/]\d{2}[-/]\d{2,4}$/.test(value))) out.add(value);
  } else if (value && typeof value === 'object') for (const item of Object.values(value)) personalLeaves(item, out);
  return out;
}

async function call(method: string, path: string, bearer?: string, json?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await response.text();
  const body = (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as Record<
    string,
    unknown
  >;
  return { status: response.status, location: response.headers.get('location'), body };
}

function image(seed: string): { contentType: 'image/jpeg'; base64: string } {
  const pixels = new Uint8Array(24 * 24 * 3).fill(seed.length * 13);
  const base64 = encodeJpeg(24, 24, pixels, 85, seed).toString('base64');
  secret(base64.slice(0, 60), 'an input image (Base64)');
  return { contentType: 'image/jpeg', base64 };
}

/** Starts a journey through the gateway and records its token and client secret as secrets. */
async function start(flow: string, extra: Record<string, unknown> = {}) {
  const reference = harness.reference(`scan-${flow}`);
  const answer = await call('POST', '/v1/journeys', API_KEY, {
    reference,
    flow,
    region: 'ap-singapore',
    timers: { ...FAST_TIMERS, startWindowMs: 60_000 },
    ...extra,
  });
  expect({ status: answer.status, problem: answer.body.code }).toEqual({ status: 201, problem: undefined });
  const { journeyId, token, clientSecret, verificationUrl } = answer.body as Record<string, string>;
  journeyIds.push(journeyId as string);
  secret(token, `the FaceID token of ${journeyId}`);
  secret(clientSecret, `the client secret of ${journeyId}`);
  return {
    journeyId: journeyId as string,
    token: token as string,
    clientSecret: clientSecret as string,
    verificationUrl,
  };
}

const path = (journeyId: string, suffix = '') => `/v1/journeys/${encodeURIComponent(journeyId)}${suffix}`;

/** The result route's body once the journey has ended (waits on the workflow itself, then asks the route). */
async function outcomeOf(journeyId: string): Promise<Record<string, unknown>> {
  // A journey that failed outright is the route's to report, so handle.result()'s error is not thrown here.
  await harness.client.workflow
    .getHandle(journeyId)
    .result()
    .catch(() => undefined);
  return (await call('GET', path(journeyId, '/result'), API_KEY)).body;
}

async function waitForStage(journeyId: string, stage: string): Promise<void> {
  await eventually(async () => expect((await call('GET', path(journeyId), API_KEY)).body.stage).toBe(stage), {
    what: `${journeyId} in stage ${stage} on the status route`,
    timeoutMs: 30_000,
  });
}

/** The end user passes (or not) in the emulator, then the client app reports it with its secret. */
async function finishAs(started: { journeyId: string; token: string; clientSecret: string }, scenario: string) {
  await harness.sandbox.complete(started.token, scenario as never);
  expect((await call('POST', path(started.journeyId, '/finished'), started.clientSecret)).status).toBe(202);
  return outcomeOf(started.journeyId);
}

const journeys = {
  /** Selfie with a compare image and the document step: images in the start body, OCR fields archived. */
  selfieWithDocument: async () => {
    const started = await start('selfie', {
      selfie: { CheckMode: 'compare', SecureLevel: '4' },
      compareImage: image('scan-compare'),
      document: { nationality: 'HKG', cardType: 'ID_CARD', front: image('scan-front'), back: image('scan-back-side') },
    });
    // A renewal issues a second token, which must stay out of the logs as well.
    const renewed = await call('POST', path(started.journeyId, '/token'), started.clientSecret);
    expect(renewed.status).toBe(200);
    secret(renewed.body.token as string, `the renewed token of ${started.journeyId}`);
    return finishAs({ ...started, token: renewed.body.token as string }, 'pass');
  },
  ekyc: async () =>
    finishAs(await start('ekyc', { ekyc: { CheckMode: 1, IdCardType: 'HK', SdkVersion: 'PLUS' } }), 'pass'),
  liveness: async () => finishAs(await start('liveness', { liveness: { SecureLevel: '4' } }), 'pass'),
  /** The web flow as a browser plays it: the emulator's page, its redirect, the gateway's return route. */
  web: async () => {
    const started = await start('web', { web: { finalUrl: FINAL_URL } });
    expect((await fetch(started.verificationUrl as string)).status).toBe(200);
    const submitted = await fetch(`${harness.emulatorUrl}/web/verify/complete`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: started.token, scenario: 'pass' }).toString(),
    });
    const returnUrl = new URL(submitted.headers.get('location') ?? '');
    expect((await call('GET', `${returnUrl.pathname}${returnUrl.search}`)).status).toBe(303);
    return outcomeOf(started.journeyId);
  },
  webLegacy: async () =>
    finishAs(
      await start('web-legacy', {
        webLegacy: {
          finalUrl: FINAL_URL,
          CompareImageUrl: 'https://sandbox-bucket.cos.ap-singapore.myqcloud.com/compare.jpg',
          CompareImageMd5: '0123456789abcdef0123456789abcdef',
        },
      }),
      'pass',
    ),
  rejected: async () =>
    finishAs(await start('selfie', { selfie: { CheckMode: 'liveness', SecureLevel: '4' } }), 'spoof'),
  /** A document warning goes to review; an operator approves it and puts the media on legal hold. */
  reviewed: async () => {
    const started = await start('ekyc', { ekyc: { CheckMode: 1, IdCardType: 'HK', SdkVersion: 'PLUS' } });
    await harness.sandbox.complete(started.token, 'document_warning');
    await call('POST', path(started.journeyId, '/finished'), started.clientSecret);
    await waitForStage(started.journeyId, 'in_review');
    const review = { decision: 'approved', reviewer: 'op-scan', reason: 'glare only' };
    expect((await call('POST', path(started.journeyId, '/review'), OPERATOR_KEY, review)).status).toBe(200);
    const result = await outcomeOf(started.journeyId);
    const hold = { hold: true, operator: 'op-scan', reason: 'case 7' };
    expect((await call('POST', path(started.journeyId, '/legal-hold'), OPERATOR_KEY, hold)).status).toBe(200);
    return result;
  },
  /** The media URLs have expired on every fetch: the journey fails with a media failure. */
  failed: async () => {
    const started = await start('liveness', { liveness: { SecureLevel: '4' } });
    await harness.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'expired_media', count: 3 });
    return finishAs(started, 'pass');
  },
};

beforeAll(async () => {
  harness = await startJourneyHarness({
    logger: createLogger({ component: 'worker', level: 'debug', destination: sinks.worker.stream }),
    emulatorLogger: createLogger({ component: 'emulator', level: 'debug', destination: sinks.emulator.stream }),
  });
  const ekyc = new EkycClient(harness.client, harness.taskQueue, {
    archive: harness.archive,
    clientSecretKey: CLIENT_SECRET_KEY,
  });
  app = createGateway({
    client: harness.client,
    ekyc,
    // Legal holds live in the store every gateway shares.
    archive: harness.archive,
    settings: {
      apiKeys: [API_KEY],
      operatorKeys: [{ id: OPERATOR_ID, key: OPERATOR_KEY }],
      clientSecretKey: CLIENT_SECRET_KEY,
      sandbox: true,
    },
    logger: createLogger({ component: 'gateway', level: 'debug', destination: sinks.gateway.stream }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  for (const [value, what] of [
    [API_KEY, 'an API key'],
    [OPERATOR_KEY, 'an operator key'],
    [CLIENT_SECRET_KEY, 'the client secret key'],
    [WRONG_KEY, 'a rejected bearer token'],
    [SANDBOX_SECRET_ID, 'the FaceID SecretId'],
    [SANDBOX_SECRET_KEY, 'the FaceID SecretKey'],
    [SANDBOX_ADMIN_TOKEN, 'the emulator admin token'],
  ]) {
    secret(value, what as string);
  }

  // Every flow, the document step, a rejection, a review and a failure; the fault of the last one must not hit the
  // others, so it runs alone.
  const { failed, ...concurrent } = journeys;
  const results = await Promise.all(Object.values(concurrent).map((journey) => journey()));
  expect(results.map((result) => result.outcome)).toEqual([
    'approved',
    'approved',
    'approved',
    'approved',
    'approved',
    'rejected',
    'approved',
  ]);
  expect(await failed()).toMatchObject({ outcome: 'failed', reasons: ['media_url_expired'] });
  // Refused calls: a wrong key, and an image in an invalid body.
  expect((await call('GET', '/v1/journeys', WRONG_KEY)).status).toBe(401);
  expect(
    (await call('POST', '/v1/journeys', API_KEY, { flow: 'nope', compareImage: image('scan-refused') })).status,
  ).toBe(400);

  // What the emulator served: the synthetic person of every card kind, and the OCR JSON archived in this run.
  const person = syntheticPerson('log-scan');
  for (const kind of NORMAL_CARD_KINDS) {
    for (const leaf of personalLeaves(normalCardInfo(kind, person))) secret(leaf, 'a card field');
  }
  for (const kind of CARD_INFO_KINDS) {
    for (const leaf of personalLeaves(legacyCardInfo(kind, person))) secret(leaf, 'a card field');
  }
  for (const key of await harness.archive.list('journeys/')) {
    if (!/\/(ocr-json|card-input-json)-/.test(key)) continue;
    const chunks: Buffer[] = [];
    for await (const chunk of await harness.archive.get(key)) chunks.push(chunk as Buffer);
    for (const leaf of personalLeaves(JSON.parse(Buffer.concat(chunks).toString('utf8')))) secret(leaf, 'an OCR field');
  }
  // The SDK's lines reach the logger a little after the journeys end: wait for each journey's last one.
  await eventually(
    () => {
      const completed = parsed('worker').filter((entry) => entry.msg === 'Workflow completed');
      expect(completed.map((entry) => entry.workflowId)).toEqual(expect.arrayContaining(journeyIds));
    },
    { what: "every journey's 'Workflow completed' line in the worker log" },
  );
}, 180_000);

afterAll(async () => {
  await app?.close();
  await harness?.close();
});

interface Finding {
  component: Component;
  what: string;
  line: string;
}

/** Every forbidden thing a log line contains. */
function scan(component: Component, line: string): Finding[] {
  const findings: Finding[] = [];
  for (const [needle, what] of needles) if (line.includes(needle)) findings.push({ component, what, line });
  const patterns: [RegExp, string][] = [
    [/SBX\d{9}/, 'a synthetic ID number'],
    [/[A-Za-z0-9+/_-]{100,}={0,2}/, 'a long Base64 run'],
    [/\/media\/[^:\s"][^\s"]*/, 'a media URL'],
    [/signature=/i, 'a signed URL'],
    [/[?&]token=/, 'a token in a query string'],
    [/Bearer\s+\S/, 'a bearer credential'],
  ];
  for (const [pattern, what] of patterns) if (pattern.test(line)) findings.push({ component, what, line });
  return findings;
}

const allLines = (): [Component, string][] =>
  COMPONENTS.flatMap((component) => sinks[component].lines.map((line): [Component, string] => [component, line]));
const parsed = (component: Component) =>
  sinks[component].lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('logs of a run with every flow (worker, gateway, emulator at debug)', () => {
  it('are JSON lines of each component with time, level and message', () => {
    for (const component of COMPONENTS) {
      expect(sinks[component].lines.length).toBeGreaterThan(10);
      for (const entry of parsed(component)) {
        expect(entry).toMatchObject({ component, level: anyString(), msg: anyString() });
        expect(Date.parse(entry.time as string)).not.toBeNaN();
      }
    }
  });

  it('carry ids and enums: one outcome line per activity, one line per request', () => {
    const outcomes = parsed('worker').filter((entry) => entry.msg === 'activity outcome');
    for (const journeyId of journeyIds) {
      expect(outcomes.filter((entry) => entry.journeyId === journeyId).length).toBeGreaterThanOrEqual(2);
    }
    expect(outcomes).toContainEqual(
      expect.objectContaining({ action: 'GetFaceIdTokenIntl', kind: 'ok', requestId: anyString() }),
    );
    expect(outcomes).toContainEqual(expect.objectContaining({ action: 'archiveMedia', kind: 'MediaUrlExpired' }));
    // The SDK's own lines and the workflow `log` (here the SDK's lines from inside the workflow sandbox, which travel
    // through the logger sink) arrive through the same logger.
    expect(parsed('worker')).toContainEqual(expect.objectContaining({ msg: 'Worker state changed', state: 'RUNNING' }));
    expect(parsed('worker')).toContainEqual(
      expect.objectContaining({ msg: 'Workflow completed', workflowId: journeyIds[0], workflowType: 'ekycJourney' }),
    );

    const requests = parsed('gateway').filter((entry) => entry.msg === 'request completed');
    expect(requests).toContainEqual(
      expect.objectContaining({ method: 'POST', route: '/v1/journeys/:id/finished', status: 202 }),
    );
    expect(requests).toContainEqual(expect.objectContaining({ route: '/v1/web/return', status: 303 }));
    expect(requests).toContainEqual(expect.objectContaining({ route: '/v1/journeys', status: 401 }));
    for (const entry of requests) expect(Object.keys(entry)).not.toContain('headers');

    const served = parsed('emulator').filter((entry) => entry.msg === 'request completed');
    expect(served).toContainEqual(
      expect.objectContaining({ route: '/', action: 'ApplyCardVerification', status: 200 }),
    );
    expect(served).toContainEqual(expect.objectContaining({ route: '/media/:id/:name', status: 403 }));
    expect(served).toContainEqual(expect.objectContaining({ route: '/sandbox/sessions/:token/complete' }));
  });

  it('the scan finds what it looks for (a planted line fails it)', () => {
    const [token] = [...needles].find(([, what]) => what.startsWith('the FaceID token')) ?? [];
    expect(token).toBeDefined();
    expect(scan('worker', `{"msg":"oops","token":"${token}"}`)).not.toEqual([]);
    expect(scan('emulator', '{"url":"/media/abc/video.mp4?expires=1&signature=x"}')).not.toEqual([]);
    expect(needles.size).toBeGreaterThan(20);
  });

  it('contain no personal data, credentials, tokens, images or media URLs', () => {
    const findings = allLines().flatMap(([component, line]) => scan(component, line));
    expect(findings.slice(0, 5)).toEqual([]);
  });
});
