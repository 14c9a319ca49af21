import { Client, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { readRetentionRecord } from '../../../src/archive/retention-records';
import { EkycClient } from '../../../src/client/ekyc-client';
import { createGateway } from '../../../src/gateway/server';
import { FAST_TIMERS, inputFor } from '../../support/journeys';
import {
  anyString,
  API_KEY,
  CLIENT_SECRET_KEY,
  livenessBody,
  OPERATOR_ID,
  OPERATOR_KEY,
  SECOND_OPERATOR_KEY,
  expectProblem,
  resultOf,
  startGatewayFixture,
  waitForStage,
  type GatewayFixture,
} from './gateway-fixture';

let gw: GatewayFixture;
beforeAll(async () => {
  gw = await startGatewayFixture();
});
afterAll(() => gw?.close());

async function startLiveness(timers: Record<string, number> = {}, extra: Record<string, unknown> = {}) {
  const answer = await gw.call('POST', '/v1/journeys', {
    bearer: API_KEY,
    json: { ...livenessBody(gw.harness.reference('gw-client'), timers), ...extra },
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

describe('client app routes', () => {
  it.each(['/finished', '/token'])(
    '%s: 401 without a bearer, 403 with another journey’s secret or an API key',
    async (suffix) => {
      const mine = await startLiveness();
      const other = await startLiveness();
      const path = gw.path(mine.journeyId, suffix);
      expectProblem(await gw.call('POST', path), 401, 'unauthenticated');
      expectProblem(await gw.call('POST', path, { bearer: other.clientSecret }), 403, 'forbidden');
      expectProblem(await gw.call('POST', path, { bearer: API_KEY }), 403, 'forbidden');
      // Neither attempt reached the journey.
      expect((await gw.call('GET', gw.path(mine.journeyId), { bearer: API_KEY })).body).toMatchObject({
        stage: 'awaiting_user',
        renewalsLeft: 3,
        fetchAttempts: 0,
      });
    },
  );

  it('finished: 202 with the journey’s own secret, the journey completes, then 409', async () => {
    const journey = await startLiveness();
    await gw.harness.sandbox.complete(journey.token, 'pass');
    const path = gw.path(journey.journeyId, '/finished');
    expect(await gw.call('POST', path, { bearer: journey.clientSecret })).toMatchObject({
      status: 202,
      body: { journeyId: journey.journeyId, accepted: true },
    });
    expect((await resultOf(gw, journey.journeyId)).body.outcome).toBe('approved');
    expectProblem(await gw.call('POST', path, { bearer: journey.clientSecret }), 409, 'journey_closed');
  });

  it('finished: 404 for an unknown journey even with a secret valid for its id', async () => {
    const journeyId = 'ekyc:never-started-here';
    expectProblem(
      await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: gw.secretOf(journeyId) }),
      404,
      'journey_not_found',
    );
  });

  it('finished and token refuse a non-empty or malformed body with 400', async () => {
    const journey = await startLiveness();
    for (const suffix of ['/finished', '/token']) {
      const path = gw.path(journey.journeyId, suffix);
      expectProblem(
        await gw.call('POST', path, { bearer: journey.clientSecret, json: { extra: true } }),
        400,
        'validation_failed',
      );
      expectProblem(
        await gw.call('POST', path, {
          bearer: journey.clientSecret,
          raw: '{"broken"',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'malformed_body',
      );
    }
  });

  it('token: a fresh token while the user has not finished, then 409 when no renewals are left', async () => {
    const journey = await startLiveness({}, { maxRenewals: 1 });
    const path = gw.path(journey.journeyId, '/token');
    const renewed = await gw.call('POST', path, { bearer: journey.clientSecret });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toEqual({ token: anyString(), expiresAt: anyString() });
    expect(renewed.body.token).not.toBe(journey.token);
    expectProblem(await gw.call('POST', path, { bearer: journey.clientSecret }), 409, 'no_renewals_left');
  });

  it('token: 409 once the journey has ended', async () => {
    const journey = await startLiveness();
    await gw.call('POST', gw.path(journey.journeyId, '/cancel'), { bearer: API_KEY });
    await resultOf(gw, journey.journeyId);
    expectProblem(
      await gw.call('POST', gw.path(journey.journeyId, '/token'), { bearer: journey.clientSecret }),
      409,
      'journey_closed',
    );
  });
});

describe('operator review', () => {
  const decision = { decision: 'approved', reviewer: 'op-a', reason: 'document checked by hand' };

  it('401 without or with a wrong key, 403 with a backend API key', async () => {
    const path = gw.path('ekyc:any', '/review');
    expectProblem(await gw.call('POST', path, { json: decision }), 401, 'unauthenticated');
    expectProblem(
      await gw.call('POST', path, { bearer: 'not-an-operator-key', json: decision }),
      401,
      'unauthenticated',
    );
    expectProblem(await gw.call('POST', path, { bearer: API_KEY, json: decision }), 403, 'forbidden');
  });

  it('400 for a malformed review, 404 for an unknown journey', async () => {
    const answer = await gw.call('POST', gw.path('ekyc:never-started', '/review'), {
      bearer: OPERATOR_KEY,
      json: { decision: 'maybe', reviewer: 'Jane Doe <jane@example.com>', reason: '' },
    });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors.map((issue) => issue.path).sort()).toEqual(['decision', 'reason', 'reviewer']);
    expect(answer.text).not.toContain('jane@example.com');
    expectProblem(
      await gw.call('POST', gw.path('ekyc:never-started', '/review'), { bearer: OPERATOR_KEY, json: decision }),
      404,
      'journey_not_found',
    );
  });

  it('409 while the journey is not in review; in review, the decision ends it', async () => {
    const reference = gw.harness.reference('gw-review');
    const input = await inputFor(gw.harness, 'ekyc', reference);
    const started = await gw.call('POST', '/v1/journeys', {
      bearer: API_KEY,
      json: { ...input, timers: { ...FAST_TIMERS, startWindowMs: 60_000 } },
    });
    const { journeyId, token, clientSecret } = started.body;
    const path = gw.path(journeyId, '/review');
    expectProblem(await gw.call('POST', path, { bearer: OPERATOR_KEY, json: decision }), 409, 'journey_not_in_review');

    await gw.harness.sandbox.complete(token, 'document_warning');
    await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: clientSecret });
    await waitForStage(gw, journeyId, 'in_review');
    const reviewed = await gw.call('POST', path, { bearer: OPERATOR_KEY, json: decision });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ journeyId, review: { reviewer: 'op-a', decision: 'approved' } });
    expect((await resultOf(gw, journeyId)).body).toMatchObject({
      outcome: 'approved',
      reasons: ['document_warning', 'review_approved'],
    });
    expectProblem(await gw.call('POST', path, { bearer: OPERATOR_KEY, json: decision }), 409, 'journey_closed');
  });
});

describe('legal hold', () => {
  const hold = { hold: true, operator: 'op-a', reason: 'dispute' };

  it('needs an operator key, validates the body, and is 409 while the journey runs', async () => {
    const path = gw.path('ekyc:any', '/legal-hold');
    expectProblem(await gw.call('POST', path, { json: hold }), 401, 'unauthenticated');
    expectProblem(await gw.call('POST', path, { bearer: API_KEY, json: hold }), 403, 'forbidden');
    const malformed = await gw.call('POST', path, {
      bearer: OPERATOR_KEY,
      json: { hold: 'yes', operator: 'Jane Doe <jane@example.com>', reason: '' },
    });
    expectProblem(malformed, 400, 'validation_failed');
    expect(malformed.text).not.toContain('jane@example.com');

    const reference = gw.harness.reference('gw-hold');
    const input = await inputFor(gw.harness, 'liveness', reference);
    const started = await gw.call('POST', '/v1/journeys', {
      bearer: API_KEY,
      json: { ...input, timers: { ...FAST_TIMERS, startWindowMs: 60_000 } },
    });
    const { journeyId, token, clientSecret } = started.body;
    const holdPath = gw.path(journeyId, '/legal-hold');
    expectProblem(await gw.call('POST', holdPath, { bearer: OPERATOR_KEY, json: hold }), 409, 'journey_running');

    await gw.harness.sandbox.complete(token, 'pass');
    await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: clientSecret });
    await resultOf(gw, journeyId);
    // The journey filed its retention before its run closed (its last step, a local activity).
    expect(await readRetentionRecord(gw.harness.archive, journeyId)).toMatchObject({ journeyId });
    const held = await gw.call('POST', holdPath, { bearer: OPERATOR_KEY, json: hold });
    expect(held.status).toBe(200);
    // The hold lives in the archive; the answer is the retention status read back from there.
    expect(held.body).toMatchObject({ journeyId, legalHold: true, hold: { operator: 'op-a', reason: 'dispute' } });
    expect(Date.parse(held.body.deleteAfter as string)).toBeGreaterThan(Date.now());
    expect(await gw.harness.archive.head(`retention/holds/${journeyId}.json`)).toBeDefined();
    const released = await gw.call('POST', holdPath, { bearer: OPERATOR_KEY, json: { ...hold, hold: false } });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ journeyId, legalHold: false });
    expect(await gw.harness.archive.head(`retention/holds/${journeyId}.json`)).toBeUndefined();
  });

  it('404 for an unknown journey', async () => {
    expectProblem(
      await gw.call('POST', gw.path('ekyc:never-started', '/legal-hold'), { bearer: OPERATOR_KEY, json: hold }),
      404,
      'journey_not_found',
    );
  });
});

describe('POST /v1/journeys/{id}/erase', () => {
  const erasure = { requestedBy: 'op-a', reason: 'data_subject_request' };

  /** A liveness journey through the gateway, passed and ended; answers its id. */
  async function approvedJourney(prefix: string): Promise<string> {
    const started = await gw.call('POST', '/v1/journeys', {
      bearer: API_KEY,
      json: await inputFor(gw.harness, 'liveness', gw.harness.reference(prefix)),
    });
    const { journeyId, token, clientSecret } = started.body;
    await gw.harness.sandbox.complete(token, 'pass');
    await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: clientSecret });
    await resultOf(gw, journeyId);
    return journeyId;
  }

  it('erases an ended journey: its result and status answer 410 with the outcome kept; a repeat answers the same', async () => {
    const journeyId = await approvedJourney('gw-erase');

    const path = gw.path(journeyId, '/erase');
    expectProblem(await gw.call('POST', path, { bearer: API_KEY, json: erasure }), 403, 'forbidden');
    expectProblem(
      await gw.call('POST', path, { bearer: OPERATOR_KEY, json: { ...erasure, reason: 'Because I said so' } }),
      400,
      'validation_failed',
    );
    const erased = await gw.call('POST', path, { bearer: OPERATOR_KEY, json: erasure });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ journeyId, state: 'erased', outcome: 'approved', requestedBy: 'op-a' });
    for (const suffix of ['', '/result']) {
      const answer = await gw.call('GET', gw.path(journeyId, suffix), { bearer: API_KEY });
      expectProblem(answer, 410, 'journey_erased');
      expect(answer.body.detail).toMatch(/^erased on .*; outcome approved \(/);
    }
    const again = await gw.call('POST', path, { bearer: OPERATOR_KEY, json: erasure });
    expect(again.body).toEqual(erased.body);
  });

  it('a hold set and released is audited and kept in the erasure record; holding an erased journey answers 410', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    const journeyId = await approvedJourney('gw-erase-history');
    const holdPath = gw.path(journeyId, '/legal-hold');
    const set = await gw.call('POST', holdPath, {
      bearer: OPERATOR_KEY,
      json: { hold: true, reason: 'court order 8' },
    });
    expect(set.body).toMatchObject({ legalHold: true, hold: { operator: 'op-a' } });
    const release = { hold: false, operator: 'op-b', reason: 'order lifted' };
    expect((await gw.call('POST', holdPath, { bearer: SECOND_OPERATOR_KEY, json: release })).status).toBe(200);

    const erased = await gw.call('POST', gw.path(journeyId, '/erase'), { bearer: OPERATOR_KEY, json: erasure });
    expect(erased.body.holdHistory).toEqual([
      { action: 'set', operator: 'op-a', reason: 'court order 8', at: anyString() },
      { action: 'released', operator: 'op-b', reason: 'order lifted', at: anyString() },
    ]);
    const until = new Date(Date.now() + 60_000).toISOString();
    const exported = await gw.call('GET', `/v1/audit?from=${since}&to=${until}`, { bearer: OPERATOR_KEY });
    const entries = exported.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { actor: string; action: string; journeyId?: string });
    expect(
      entries.filter((entry) => entry.journeyId === journeyId).map(({ actor, action }) => `${actor} ${action}`),
    ).toEqual(['op-a legal_hold_set', 'op-b legal_hold_released', 'op-a journey_erased']);

    const late = await gw.call('POST', holdPath, { bearer: OPERATOR_KEY, json: { hold: true, reason: 'too late' } });
    expectProblem(late, 410, 'journey_erased');
  });

  it('409 naming the hold for a held journey; 404 for an id nothing is known of', async () => {
    const journeyId = await approvedJourney('gw-erase-held');
    await gw.call('POST', gw.path(journeyId, '/legal-hold'), {
      bearer: OPERATOR_KEY,
      json: { hold: true, operator: 'op-a', reason: 'court order 7' },
    });
    const refused = await gw.call('POST', gw.path(journeyId, '/erase'), { bearer: OPERATOR_KEY, json: erasure });
    expectProblem(refused, 409, 'journey_held');
    expect(refused.body.detail).toContain('court order 7');
    expectProblem(
      await gw.call('POST', gw.path('ekyc:never-started', '/erase'), { bearer: OPERATOR_KEY, json: erasure }),
      404,
      'journey_not_found',
    );
  });
});

describe('system routes', () => {
  it('GET /healthz is 200 while Temporal answers', async () => {
    expect(await gw.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('GET /healthz is 503 when Temporal is unreachable', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
    const client = new Client({ connection });
    const app = createGateway({
      client,
      ekyc: new EkycClient(client, 'unused'),
      settings: {
        apiKeys: [API_KEY],
        operatorKeys: [{ id: OPERATOR_ID, key: OPERATOR_KEY }],
        clientSecretKey: CLIENT_SECRET_KEY,
        sandbox: true,
      },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/healthz`);
      expect(response.status).toBe(503);
      expect(((await response.json()) as { code: string }).code).toBe('temporal_unavailable');
    } finally {
      await app.close();
      await connection.close();
    }
  });

  it('GET /docs serves an OpenAPI 3.1 document describing every route', async () => {
    const answer = await gw.call('GET', '/docs');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    expect(Object.keys(answer.body.paths as object).sort()).toEqual([
      '/docs',
      '/healthz',
      '/v1/audit',
      '/v1/journeys',
      '/v1/journeys/{id}',
      '/v1/journeys/{id}/cancel',
      '/v1/journeys/{id}/erase',
      '/v1/journeys/{id}/evidence',
      '/v1/journeys/{id}/finished',
      '/v1/journeys/{id}/legal-hold',
      '/v1/journeys/{id}/result',
      '/v1/journeys/{id}/review',
      '/v1/journeys/{id}/review/claim',
      '/v1/journeys/{id}/review/release',
      '/v1/journeys/{id}/token',
      '/v1/policies',
      '/v1/policies/current',
      '/v1/policies/shadow/disagreements',
      '/v1/policies/{version}',
      '/v1/policies/{version}/backtest',
      '/v1/policies/{version}/publish',
      '/v1/policies/{version}/retire',
      '/v1/review-queue',
      '/v1/web/finished',
      '/v1/web/return',
    ]);
  });

  it('answers unknown routes with a 404 problem', async () => {
    expectProblem(await gw.call('GET', '/v2/nothing'), 404, 'route_not_found');
    expectProblem(await gw.call('DELETE', '/v1/journeys', { bearer: API_KEY }), 404, 'route_not_found');
  });
});
