import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { clientSecretFor } from '../../../src/client/client-secret';
import { EkycClient } from '../../../src/client/ekyc-client';
import { FailedLoginLimiter } from '../../../src/gateway/failed-logins';
import { createGateway } from '../../../src/gateway/server';
import { statusQuery } from '../../../src/workflows/definitions';
import { eventually } from '../../support/eventually';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import {
  API_KEY,
  callerOf,
  CLIENT_SECRET_KEY,
  expectProblem,
  livenessBody,
  OPERATOR_ID,
  OPERATOR_KEY,
  type GatewayFixture,
} from './gateway-fixture';

// Reads of ended journeys through two real gateways over one Temporal and one archive, each gateway with its own
// client (its own caches), as two gateway processes behind a load balancer: no workflow query for an ended journey,
// and an erasure on one gateway refused by the other within the erasure checks' TTL.

/** The erasure checks' TTL on both gateways: short, so the test sees the bound pass. */
const ERASURE_TTL_MS = 3_000;

let harness: JourneyHarness;
let gateways: FastifyInstance[];
let calls: GatewayFixture['call'][];
/** Workflow queries the gateways' Temporal client has sent. */
let queries = 0;

beforeAll(async () => {
  harness = await startJourneyHarness();
  // The harness's connection and data converter, with every workflow query counted.
  const client = new Client({
    connection: harness.client.connection,
    namespace: harness.client.options.namespace,
    dataConverter: harness.client.options.dataConverter,
    interceptors: {
      workflow: [
        {
          query: (input, next) => {
            queries += 1;
            return next(input);
          },
        },
      ],
    },
  });
  gateways = [0, 1].map(() =>
    createGateway({
      failedLogins: new FailedLoginLimiter({ maxFailures: 1_000_000, windowMs: 60_000 }),
      client,
      ekyc: new EkycClient(client, harness.taskQueue, {
        archive: harness.archive,
        readCache: { erasureTtlMs: ERASURE_TTL_MS },
      }),
      archive: harness.archive,
      dataKeys: harness.dataKeys,
      settings: {
        apiKeys: [API_KEY],
        operatorKeys: [{ id: OPERATOR_ID, key: OPERATOR_KEY }],
        clientSecretKey: CLIENT_SECRET_KEY,
        sandbox: true,
      },
    }),
  );
  calls = [];
  for (const gateway of gateways) {
    await gateway.listen({ host: '127.0.0.1', port: 0 });
    calls.push(callerOf(`http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`));
  }
}, 120_000);

afterAll(async () => {
  for (const gateway of gateways ?? []) await gateway.close();
  await harness?.close();
});

const pathOf = (journeyId: string, suffix = '') => `/v1/journeys/${encodeURIComponent(journeyId)}${suffix}`;

/** A liveness journey started and passed through the first gateway; answers its id once it has ended. */
async function approvedJourney(prefix: string): Promise<string> {
  const [first] = calls as [GatewayFixture['call']];
  const started = await first('POST', '/v1/journeys', {
    bearer: API_KEY,
    json: livenessBody(harness.reference(prefix)),
  });
  const { journeyId, token } = started.body;
  const running = await first('GET', pathOf(journeyId), { bearer: API_KEY });
  expect(running.body).toMatchObject({ stage: 'awaiting_user' });
  await harness.sandbox.complete(token, 'pass');
  await first('POST', pathOf(journeyId, '/finished'), { bearer: clientSecretFor(CLIENT_SECRET_KEY, journeyId) });
  await harness.client.workflow.getHandle(journeyId).result();
  return journeyId;
}

describe('reads of an ended journey', () => {
  it('are answered by both gateways without a workflow query; a running journey is queried', async () => {
    const before = queries;
    const journeyId = await approvedJourney('reads-ended');
    // The running journey's status was one live query.
    expect(queries).toBe(before + 1);

    const settled = queries;
    const asQueried = await harness.client.workflow.getHandle(journeyId).query(statusQuery);
    for (let round = 0; round < 5; round += 1) {
      for (const call of calls) {
        const status = await call('GET', pathOf(journeyId), { bearer: API_KEY });
        expect(status.status).toBe(200);
        expect(status.body).toEqual({ journeyId, ...asQueried });
        const result = await call('GET', pathOf(journeyId, '/result'), { bearer: API_KEY });
        expect(result.status).toBe(200);
        expect(result.body).toMatchObject({ journeyId, outcome: 'approved', reasons: ['all_checks_passed'] });
        expect(result.body).not.toHaveProperty('finalStatus');
      }
    }
    expect(asQueried).toMatchObject({ stage: 'completed', outcome: 'approved' });
    expect(queries).toBe(settled);
  });

  it('after an erasure on one gateway: 410 there at once, and on the other within the erasure TTL', async () => {
    const journeyId = await approvedJourney('reads-erased');
    const [first, second] = calls as [GatewayFixture['call'], GatewayFixture['call']];
    // Both gateways have read it: each holds its "not erased" and the ended journey's answers.
    for (const call of calls) {
      expect((await call('GET', pathOf(journeyId), { bearer: API_KEY })).status).toBe(200);
      expect((await call('GET', pathOf(journeyId, '/result'), { bearer: API_KEY })).status).toBe(200);
    }

    const erasure = { requestedBy: OPERATOR_ID, reason: 'data_subject_request' };
    const erased = await first('POST', pathOf(journeyId, '/erase'), { bearer: OPERATOR_KEY, json: erasure });
    expect(erased.status).toBe(200);
    const erasedAt = Date.now();
    for (const suffix of ['', '/result']) {
      expectProblem(await first('GET', pathOf(journeyId, suffix), { bearer: API_KEY }), 410, 'journey_erased');
    }
    await eventually(
      async () => {
        for (const suffix of ['', '/result']) {
          expectProblem(await second('GET', pathOf(journeyId, suffix), { bearer: API_KEY }), 410, 'journey_erased');
        }
      },
      { what: 'the second gateway refusing the erased journey', timeoutMs: ERASURE_TTL_MS + 2_000, intervalMs: 100 },
    );
    // Within the bound: the TTL, plus a poll's and a request's slack.
    expect(Date.now() - erasedAt).toBeLessThanOrEqual(ERASURE_TTL_MS + 1_000);
  });
});
