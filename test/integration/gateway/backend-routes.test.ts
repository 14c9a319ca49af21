import { createHash } from 'node:crypto';
import { inputKey } from '../../../src/archive/keys';
import { eventually } from '../../support/eventually';
import { FAST_TIMERS } from '../../support/journeys';
import {
  anyNumber,
  anyString,
  API_KEY,
  jpegBase64,
  livenessBody,
  OPERATOR_KEY,
  expectProblem as expectProblemAnswer,
  resultOf,
  startGatewayFixture,
  type Answer,
  type GatewayFixture,
} from './gateway-fixture';

let gw: GatewayFixture;
beforeAll(async () => {
  gw = await startGatewayFixture();
});
afterAll(() => gw?.close());

/** A problem answer, with its type URN too (the document's identity, checked once per route here). */
function expectProblem(answer: Answer, status: number, code: string): void {
  expectProblemAnswer(answer, status, code);
  expect(answer.body).toMatchObject({ type: `urn:ekyc-journeys:problem:${code}`, status });
}

async function start(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  return gw.call('POST', '/v1/journeys', { bearer: API_KEY, json: body, headers });
}

describe('backend authentication', () => {
  const routes: [string, string][] = [
    ['POST', '/v1/journeys'],
    ['GET', '/v1/journeys'],
    ['GET', '/v1/journeys/ekyc%3Aany'],
    ['GET', '/v1/journeys/ekyc%3Aany/result'],
    ['POST', '/v1/journeys/ekyc%3Aany/cancel'],
  ];

  it.each(routes)(
    '%s %s answers 401 without a key, with a wrong key, and with an operator key',
    async (method, path) => {
      for (const bearer of [undefined, 'not-a-key-of-this-gateway', OPERATOR_KEY]) {
        const body = method === 'POST' ? { json: {} } : {};
        expectProblem(await gw.call(method, path, { bearer, ...body }), 401, 'unauthenticated');
      }
      expectProblem(
        await gw.call(method, path, { headers: { authorization: `Basic ${Buffer.from(API_KEY).toString('base64')}` } }),
        401,
        'unauthenticated',
      );
    },
  );
});

describe('POST /v1/journeys', () => {
  it('starts a journey: 201 with its id, token, expiry and client secret', async () => {
    const reference = gw.harness.reference('gw-start');
    const answer = await start(livenessBody(reference));
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      journeyId: `ekyc:${reference}`,
      token: anyString(),
      expiresAt: anyString(),
      clientSecret: gw.secretOf(`ekyc:${reference}`),
    });
  });

  it('is idempotent by reference: a duplicate start returns the same journey and token', async () => {
    const reference = gw.harness.reference('gw-dup');
    const first = await start(livenessBody(reference));
    const second = await start(livenessBody(reference));
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
  });

  it('serves a journey whose reference has the full 100 characters, and refuses references that are path segments', async () => {
    const reference = gw.harness.reference('gw-long').padEnd(100, 'x');
    const started = await start(livenessBody(reference));
    expect(started.status).toBe(201);
    const status = await gw.call('GET', gw.path(`ekyc:${reference}`), { bearer: API_KEY });
    expect(status.status).toBe(200);
    for (const bad of ['..', '.', '.hidden', `${reference}y`]) {
      expectProblem(await start(livenessBody(bad)), 400, 'validation_failed');
    }
  });

  it('honours Idempotency-Key on every gateway: replays the first answer, refuses the key with another body', async () => {
    const key = `idem-${gw.harness.reference('k')}`;
    const reference = gw.harness.reference('gw-idem');
    const first = await start(livenessBody(reference), { 'idempotency-key': key });
    const replay = await start(livenessBody(reference), { 'idempotency-key': key });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // The retry that a load balancer sends to the other gateway gets the same answer, and the same refusal.
    const elsewhere = await gw.callSecond('POST', '/v1/journeys', {
      bearer: API_KEY,
      json: livenessBody(reference),
      headers: { 'idempotency-key': key },
    });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body).toEqual(first.body);
    expect(elsewhere.headers.get('idempotent-replayed')).toBe('true');
    const otherBody = { bearer: API_KEY, json: livenessBody(gw.harness.reference('gw-idem-2')) };
    expectProblem(
      await gw.callSecond('POST', '/v1/journeys', { ...otherBody, headers: { 'idempotency-key': key } }),
      422,
      'idempotency_key_reused',
    );
    expectProblem(
      await start(livenessBody(gw.harness.reference('gw-idem-other')), { 'idempotency-key': key }),
      422,
      'idempotency_key_reused',
    );
    expectProblem(
      await start(livenessBody(reference), { 'idempotency-key': 'has spaces' }),
      400,
      'invalid_idempotency_key',
    );
  });

  it('stores Base64 images in the archive first and passes only their keys to the journey', async () => {
    const reference = gw.harness.reference('gw-image');
    const image = jpegBase64(reference);
    const answer = await start({
      reference,
      flow: 'selfie',
      region: 'ap-singapore',
      selfie: { CheckMode: 'compare', SecureLevel: '4' },
      compareImage: image,
      timers: FAST_TIMERS,
    });
    expect(answer.status).toBe(201);
    const bytes = Buffer.from(image.base64, 'base64');
    const md5 = createHash('md5').update(bytes).digest('hex');
    const stored = await gw.harness.archive.head(inputKey(reference, 'compare', md5, 'image/jpeg'));
    expect(stored).toMatchObject({ md5, size: bytes.length });
    const history = await gw.harness.client.workflow.getHandle(answer.body.journeyId).fetchHistory();
    expect(JSON.stringify(history)).not.toContain(image.base64.slice(0, 64));
  });

  it('refuses an image whose bytes are not what its content type says, naming the field', async () => {
    const answer = await start({
      reference: gw.harness.reference('gw-badimage'),
      flow: 'selfie',
      region: 'ap-singapore',
      selfie: { CheckMode: 'compare' },
      compareImage: { contentType: 'image/png', base64: jpegBase64('x').base64 },
    });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([{ path: 'compareImage', message: 'bytes are not a PNG image' }]);
  });

  it('answers 400 with field paths for an invalid journey input', async () => {
    const answer = await start({ reference: 'has spaces', flow: 'liveness', region: 'ap-singapore' });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors.map((issue) => issue.path)).toEqual(['reference']);
  });

  it('answers 400 naming `flow` for an unknown flow, without echoing it', async () => {
    const answer = await start({ reference: 'gw-teleport', flow: 'teleport', region: 'ap-singapore' });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors.map((issue) => issue.path)).toEqual(['flow']);
    expect(JSON.stringify(answer.body)).not.toContain('teleport');
  });

  it('answers 400 naming the field when a journey carries another flow’s field', async () => {
    const answer = await start({
      ...livenessBody(gw.harness.reference('gw-mixed')),
      web: { finalUrl: 'https://shop.example.org/done' },
    });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([{ path: 'web', message: 'not used by the liveness flow' }]);
  });

  it('refuses a Hong Kong ID card without its back image: 400 naming document.back, no journey started', async () => {
    const reference = gw.harness.reference('gw-hkid-front');
    const answer = await start({
      ...livenessBody(reference),
      document: { nationality: 'HKG', cardType: 'ID_CARD', front: jpegBase64(`${reference}-front`) },
    });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([
      { path: 'document.back', message: 'required for this document: FaceID reads both of its sides' },
    ]);
    expectProblem(await gw.call('GET', gw.path(`ekyc:${reference}`), { bearer: API_KEY }), 404, 'journey_not_found');
  });

  it('takes a Philippine ID card with both sides, and the document step reports it', async () => {
    const reference = gw.harness.reference('gw-phl');
    const started = await start({
      ...livenessBody(reference),
      document: {
        nationality: 'PHL',
        cardType: 'ID_CARD',
        front: jpegBase64(`${reference}-front`),
        back: jpegBase64(`${reference}-back`),
      },
    });
    expect(started.status).toBe(201);
    const { journeyId, token } = started.body;
    await gw.harness.sandbox.complete(token, 'pass');
    await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: gw.secretOf(journeyId) });
    const result = await resultOf(gw, journeyId);
    expect(result.body).toMatchObject({
      outcome: 'approved',
      document: { source: 'card-verification', status: 'PASSED', nationality: 'PHL', cardType: 'ID_CARD' },
    });
  });

  it.each([
    ['selfie.Extra', { flow: 'selfie', selfie: { Extra: 'tag' } }],
    ['web.Config.CheckMode', { flow: 'web', web: { Config: { CheckMode: 4 } } }],
    ['liveness.SecureLevel', { flow: 'liveness', liveness: { SecureLevel: '9' } }],
  ])('answers 400 naming %s for an option the journey does not take', async (path, own) => {
    const answer = await start({ reference: gw.harness.reference('gw-option'), region: 'ap-singapore', ...own });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors.map((issue) => issue.path)).toEqual([path]);
  });

  it.each([
    ['malformed JSON', '{"reference": ', 'application/json', 400, 'malformed_body'],
    ['an empty JSON body', '', 'application/json', 400, 'malformed_body'],
    ['a JSON array', '[1,2]', 'application/json', 400, 'validation_failed'],
    ['JSON null', 'null', 'application/json', 400, 'validation_failed'],
    ['a prototype-poisoning body', '{"__proto__":{"admin":true}}', 'application/json', 400, 'malformed_body'],
    ['a text/plain body', 'reference=x', 'text/plain', 415, 'unsupported_media_type'],
    ['a form body', 'reference=x', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
  ])('refuses %s without a 500', async (_name, raw, contentType, status, code) => {
    const answer = await gw.call('POST', '/v1/journeys', {
      bearer: API_KEY,
      raw,
      headers: { 'content-type': contentType },
    });
    expectProblem(answer, status, code);
  });

  it('refuses a body over 12 MiB with 413', async () => {
    const huge = JSON.stringify({ reference: 'x', padding: 'a'.repeat(12 * 1024 * 1024) });
    expectProblem(
      await gw.call('POST', '/v1/journeys', {
        bearer: API_KEY,
        raw: huge,
        headers: { 'content-type': 'application/json' },
      }),
      413,
      'body_too_large',
    );
  });

  it('answers 409 when the reference belongs to a journey that already ended', async () => {
    const reference = gw.harness.reference('gw-ended');
    const first = await start(livenessBody(reference));
    expect((await gw.call('POST', gw.path(first.body.journeyId, '/cancel'), { bearer: API_KEY })).status).toBe(202);
    expect((await resultOf(gw, first.body.journeyId)).body.outcome).toBe('cancelled');
    expectProblem(await start(livenessBody(reference)), 409, 'journey_closed');
  });
});

describe('status, result, cancel', () => {
  it('answers 404 for an unknown or impossible journey id', async () => {
    for (const path of ['/v1/journeys/ekyc%3Anever-started', '/v1/journeys/not-a-journey-id']) {
      expectProblem(await gw.call('GET', path, { bearer: API_KEY }), 404, 'journey_not_found');
      expectProblem(await gw.call('GET', `${path}/result`, { bearer: API_KEY }), 404, 'journey_not_found');
      expectProblem(await gw.call('POST', `${path}/cancel`, { bearer: API_KEY }), 404, 'journey_not_found');
    }
  });

  it('reports status; the result is 409 while running and 200 with outcome, reasons and media once done', async () => {
    const started = await start(livenessBody(gw.harness.reference('gw-result')));
    const { journeyId, token } = started.body;
    const status = await gw.call('GET', gw.path(journeyId), { bearer: API_KEY });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ journeyId, flow: 'liveness', stage: 'awaiting_user', reasons: [] });
    expectProblem(await gw.call('GET', gw.path(journeyId, '/result'), { bearer: API_KEY }), 409, 'journey_running');

    await gw.harness.sandbox.complete(token, 'pass');
    await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: gw.secretOf(journeyId) });
    const result = await resultOf(gw, journeyId);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ journeyId, outcome: 'approved', reasons: ['all_checks_passed'] });
    expect(result.body.media.length).toBeGreaterThan(0);
    expect(result.body.media[0]).toEqual({
      key: anyString(),
      kind: anyString(),
      md5: anyString(),
      size: anyNumber(),
    });
  });

  it('cancel: 202 while waiting for the user, the journey ends cancelled, then 409', async () => {
    const { journeyId } = (await start(livenessBody(gw.harness.reference('gw-cancel')))).body;
    const answer = await gw.call('POST', gw.path(journeyId, '/cancel'), { bearer: API_KEY });
    expect(answer).toMatchObject({ status: 202, body: { journeyId, accepted: true } });
    expect((await resultOf(gw, journeyId)).body).toMatchObject({ outcome: 'cancelled', reasons: ['user_cancelled'] });
    expectProblem(await gw.call('POST', gw.path(journeyId, '/cancel'), { bearer: API_KEY }), 409, 'journey_closed');
  });

  it('refuses a body over 16 KiB on small routes, and any non-empty body', async () => {
    const { journeyId } = (await start(livenessBody(gw.harness.reference('gw-small')))).body;
    expectProblem(
      await gw.call('POST', gw.path(journeyId, '/cancel'), { bearer: API_KEY, json: { pad: 'a'.repeat(17_000) } }),
      413,
      'body_too_large',
    );
    expectProblem(
      await gw.call('POST', gw.path(journeyId, '/cancel'), { bearer: API_KEY, json: { reason: 'x' } }),
      400,
      'validation_failed',
    );
  });
});

describe('GET /v1/journeys', () => {
  it('lists journeys by stage and outcome, ids and enums only', async () => {
    const { journeyId } = (await start(livenessBody(gw.harness.reference('gw-list')))).body;
    await gw.call('POST', gw.path(journeyId, '/cancel'), { bearer: API_KEY });
    await resultOf(gw, journeyId);
    // Visibility is eventually consistent: the closed journey shows up in the list a little later.
    const listed = await eventually(
      async () => {
        const answer = await gw.call('GET', '/v1/journeys?stage=completed&outcome=cancelled&limit=100', {
          bearer: API_KEY,
        });
        expect(answer.status).toBe(200);
        expect(answer.body.journeys.map((journey) => journey.journeyId)).toContain(journeyId);
        return answer;
      },
      { what: 'the cancelled journey in the list', timeoutMs: 20_000 },
    );
    const entry = listed.body.journeys.find((journey) => journey.journeyId === journeyId);
    expect(entry).toEqual({
      journeyId,
      flow: 'liveness',
      stage: 'completed',
      outcome: 'cancelled',
      startedAt: anyString(),
    });
    for (const journey of listed.body.journeys) expect(journey).toMatchObject({ outcome: 'cancelled' });

    const awaiting = await gw.call('GET', '/v1/journeys?stage=awaiting_user', { bearer: API_KEY });
    expect(awaiting.body.journeys.map((journey) => journey.journeyId)).not.toContain(journeyId);
  });

  it('answers 400 for an unknown stage or outcome', async () => {
    expectProblem(await gw.call('GET', '/v1/journeys?stage=flying', { bearer: API_KEY }), 400, 'validation_failed');
    expectProblem(await gw.call('GET', '/v1/journeys?outcome=maybe', { bearer: API_KEY }), 400, 'validation_failed');
    expectProblem(await gw.call('GET', '/v1/journeys?limit=0', { bearer: API_KEY }), 400, 'validation_failed');
  });
});
