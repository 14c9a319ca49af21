import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { canonicalJson, DEFAULT_POLICY_DOCUMENT, type PolicyDocument } from '../../../src/contracts/policy-document';
import { EkycClient } from '../../../src/client/ekyc-client';
import type { Database } from '../../../src/db/database';
import type { BacktestReport } from '../../../src/policy/backtest';
import { createGateway } from '../../../src/gateway/server';
import { decide, decisionInputsOf, type Expectations } from '../../../src/workflows/decision';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

// `POST /v1/policies/{version}/backtest` over real HTTP against a real PostgreSQL holding decision records. The route
// never reaches Temporal: the gateway's client points nowhere.

const OPERATOR_KEY = 'test-operator-key-00000001';
const TAG = 'tag-1';
const SELFIE: Expectations = { compare: true, document: false, extra: TAG };
const STRICTER: PolicyDocument = {
  ...DEFAULT_POLICY_DOCUMENT,
  rules: { ...DEFAULT_POLICY_DOCUMENT.rules, similarityThreshold: 80 },
};
const FROM = '2026-03-01T00:00:00.000Z';
const TO = '2026-04-01T00:00:00.000Z';

let testDb: TestDatabase;
let withDatabase: Gateway;
let withoutDatabase: Gateway;

interface Gateway {
  app: FastifyInstance;
  url: string;
}

async function gateway(database?: Database): Promise<Gateway> {
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const app = createGateway({
    client,
    ekyc: new EkycClient(client, 'unused'),
    ...(database ? { database } : {}),
    settings: {
      apiKeys: ['test-backend-api-key-000001'],
      operatorKeys: [{ id: 'op-a', key: OPERATOR_KEY }],
      clientSecretKey: 'x'.repeat(32),
      sandbox: true,
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

async function post(on: Gateway, path: string, body: unknown, bearer: string | null = OPERATOR_KEY) {
  const response = await fetch(`${on.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
  // A back-test or a problem: each test asserts the one it expects.
  return { status: response.status, body: (await response.json()) as BacktestReport & { code?: string } };
}

/** A `decision_records` row as the test inserts it. */
interface TestRecord {
  journey_id: string;
  reference: string;
  flow: string;
  ending: string;
  outcome: string;
  policy_decision: string | null;
  reasons: string[];
  inputs: unknown;
  ended_at: string;
}

/** A selfie journey with this similarity, decided by version 1, ended at `endedAt`. */
function selfie(reference: string, similarity: number, endedAt: string, flow = 'selfie'): TestRecord {
  const result = {
    codes: { action: 'GetFaceIdResultIntl' as const, overall: '0' },
    compare: { passed: true, code: '0', similarity },
    extra: TAG,
  };
  const own = decide(result, undefined, DEFAULT_POLICY_DOCUMENT.rules, SELFIE);
  return {
    journey_id: `ekyc:${reference}`,
    reference,
    flow,
    ending: 'decided',
    outcome: own.decision,
    policy_decision: own.decision,
    reasons: own.reasons,
    inputs: { decision: decisionInputsOf(result, undefined, SELFIE) },
    ended_at: endedAt,
  };
}

async function insertRecord(record: TestRecord): Promise<void> {
  await testDb.database.query(
    `INSERT INTO decision_records (journey_id, reference, flow, region, policy_version, ending, outcome,
       policy_decision, reasons, inputs, stages, started_at, ended_at)
     VALUES ($1, $2, $3, 'ap-singapore', 1, $4, $5, $6, $7, $8, '{}', $9::timestamptz - interval '5 minutes', $9)`,
    [
      record.journey_id,
      record.reference,
      record.flow,
      record.ending,
      record.outcome,
      record.policy_decision,
      record.reasons,
      record.inputs === null ? null : JSON.stringify(record.inputs),
      record.ended_at,
    ],
  );
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  for (const [version, document, state] of [
    [1, DEFAULT_POLICY_DOCUMENT, 'published'],
    [2, STRICTER, 'draft'],
  ] as const) {
    await testDb.database.query(
      `INSERT INTO policy_versions (version, sha256, document, state, is_current, created_by)
       VALUES ($1, $2, $3, $4, $5, 'op-a')`,
      [version, `${version}`.repeat(64), canonicalJson(document), state, state === 'published'],
    );
  }
  const records = [
    selfie('clear', 95, '2026-03-02T10:00:00.000Z'),
    selfie('close-1', 75, '2026-03-03T10:00:00.000Z'),
    selfie('close-2', 78, '2026-03-03T10:00:00.000Z'),
    selfie('low', 60, '2026-03-04T10:00:00.000Z'),
    {
      ...selfie('gone', 95, '2026-03-05T10:00:00.000Z'),
      ending: 'expired',
      outcome: 'expired',
      policy_decision: null,
      reasons: ['user_did_not_finish'],
      inputs: null,
    },
    selfie('before', 75, '2026-02-28T23:59:59.999Z'),
    selfie('at-the-end', 75, TO),
    selfie('other-flow', 75, '2026-03-06T10:00:00.000Z', 'ekyc'),
  ];
  for (const record of records) await insertRecord(record);
  // An erased journey keeps its anonymous inputs without its ids.
  await testDb.database.query(
    `UPDATE decision_records SET journey_id = NULL, reference = NULL WHERE reference = 'close-2'`,
  );
  withDatabase = await gateway(testDb.database);
  withoutDatabase = await gateway();
});

afterAll(async () => {
  await withDatabase?.app.close();
  await withoutDatabase?.app.close();
  await testDb?.drop();
});

describe('POST /v1/policies/{version}/backtest', () => {
  it('answers what a draft would have decided for the journeys of the period, beside their own decisions', async () => {
    const { status, body } = await post(withDatabase, '/v1/policies/2/backtest', {
      from: FROM,
      to: TO,
      flow: 'selfie',
    });
    expect(status).toBe(200);
    expect(body.candidate).toEqual({ version: 2, sha256: '2'.repeat(64) });
    expect(body.period).toEqual({ from: FROM, to: TO, flow: 'selfie' });
    expect({ total: body.total, decided: body.decided }).toEqual({ total: 5, decided: 4 });
    expect(body.outcomes).toEqual({
      own: { approved: 3, expired: 1, rejected: 1 },
      candidate: { approved: 1, expired: 1, rejected: 3 },
    });
    expect(body.transitions).toEqual([
      { from: 'approved', to: 'rejected', count: 2 },
      { from: 'approved', to: 'approved', count: 1 },
      { from: 'expired', to: 'expired', count: 1 },
      { from: 'rejected', to: 'rejected', count: 1 },
    ]);
    expect(body.reasons).toEqual({ added: { similarity_below_threshold: 2 }, removed: { all_checks_passed: 2 } });
    expect(body.changed.journeys).toEqual([
      expect.objectContaining({ journeyId: 'ekyc:close-1', reference: 'close-1', endedAt: '2026-03-03T10:00:00.000Z' }),
      expect.objectContaining({
        journeyId: null,
        reference: null,
        ownVersion: 1,
        own: { decision: 'approved', reasons: ['all_checks_passed'] },
        candidate: { decision: 'rejected', reasons: ['similarity_below_threshold'] },
      }),
    ]);
    expect(body.changed.next).toBeUndefined();
  });

  it('pages the changed journeys with after and next, each page counting the whole period', async () => {
    const first = await post(withDatabase, '/v1/policies/2/backtest', { from: FROM, to: TO, limit: 1 });
    expect(first.body.changed.journeys.map((journey) => journey.reference)).toEqual(['close-1']);
    expect(first.body.changed.next).toMatch(/^\d{13}~\d+$/);
    const second = await post(withDatabase, '/v1/policies/2/backtest', {
      from: FROM,
      to: TO,
      limit: 1,
      after: first.body.changed.next,
    });
    expect(second.body.changed.journeys.map((journey) => journey.reference)).toEqual([null]);
    const third = await post(withDatabase, '/v1/policies/2/backtest', {
      from: FROM,
      to: TO,
      limit: 1,
      after: second.body.changed.next,
    });
    expect(third.body.changed.journeys.map((journey) => journey.reference)).toEqual(['other-flow']);
    expect(third.body.changed.next).toBeUndefined();
    for (const page of [first, second, third]) expect(page.body.total).toBe(6);
  });

  it('refuses a period of more than 366 days, one that ends first, and an unknown version', async () => {
    const tooLong = await post(withDatabase, '/v1/policies/2/backtest', { from: FROM, to: '2027-03-03T00:00:00.000Z' });
    expect({ status: tooLong.status, code: tooLong.body.code }).toEqual({ status: 400, code: 'period_too_long' });
    const backwards = await post(withDatabase, '/v1/policies/2/backtest', { from: TO, to: FROM });
    expect({ status: backwards.status, code: backwards.body.code }).toEqual({ status: 400, code: 'validation_failed' });
    for (const version of ['9', 'current', '0']) {
      const unknown = await post(withDatabase, `/v1/policies/${version}/backtest`, { from: FROM, to: TO });
      expect({ version, status: unknown.status, code: unknown.body.code }).toEqual({
        version,
        status: 404,
        code: 'policy_not_found',
      });
    }
  });

  it('needs an operator key, and a policy database', async () => {
    const anonymous = await post(withDatabase, '/v1/policies/2/backtest', { from: FROM, to: TO }, null);
    expect(anonymous.status).toBe(401);
    const backend = await post(
      withDatabase,
      '/v1/policies/2/backtest',
      { from: FROM, to: TO },
      'test-backend-api-key-000001',
    );
    expect({ status: backend.status, code: backend.body.code }).toEqual({ status: 403, code: 'forbidden' });
    const unconfigured = await post(withoutDatabase, '/v1/policies/2/backtest', { from: FROM, to: TO });
    expect({ status: unconfigured.status, code: unconfigured.body.code }).toEqual({
      status: 503,
      code: 'policies_unavailable',
    });
  });
});
