import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { EkycClient } from '../../../src/client/ekyc-client';
import { createGateway } from '../../../src/gateway/server';
import { DecisionRecords } from '../../../src/records/decision-records';
import type { DecisionRecordInput } from '../../../src/workflows/decision-record';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

// GET /v1/policies/shadow/disagreements over a real database: operators only, the period bounded, pages in the order
// journeys ended. Temporal is never reached (the route reads the records alone).

const OPERATOR_KEY = 'test-operator-key-00000001';
const API_KEY = 'test-backend-api-key-000001';
const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const settings = {
  apiKeys: [API_KEY],
  operatorKeys: [{ id: 'op-a', key: OPERATOR_KEY }],
  clientSecretKey: 'x'.repeat(32),
  sandbox: true,
};

let db: TestDatabase;
let app: FastifyInstance;
let withoutDatabase: FastifyInstance;

function disagreeing(journey: string, endedAt: string, shadowDecision: 'review' | 'approved'): DecisionRecordInput {
  return {
    journeyId: `ekyc:${journey}`,
    reference: journey,
    flow: 'selfie',
    region: 'ap-singapore',
    policy: { version: 1, sha256: 'b'.repeat(64) },
    policyOverridden: false,
    ending: 'decided',
    outcome: 'approved',
    policyDecision: 'approved',
    reasons: ['all_checks_passed'],
    inputs: null,
    shadow: { version: 3, decision: shadowDecision, reasons: ['similarity_below_threshold'] },
    stages: { issuing_token: endedAt },
    startedAt: endedAt,
    endedAt,
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  const records = new DecisionRecords(db.database);
  for (let i = 0; i < 3; i += 1) {
    await records.insert(disagreeing(`shadow-${i}`, new Date(Date.now() - (3 - i) * 60_000).toISOString(), 'review'));
  }
  await records.insert(disagreeing('shadow-agrees', new Date(Date.now() - 30_000).toISOString(), 'approved'));
  app = createGateway({ client, ekyc: new EkycClient(client, 'unused'), database: db.database, settings });
  withoutDatabase = createGateway({ client, ekyc: new EkycClient(client, 'unused'), settings });
});

afterAll(async () => {
  await app?.close();
  await withoutDatabase?.close();
  await db?.drop();
});

function list(on: FastifyInstance, query: string, bearer = OPERATOR_KEY) {
  return on.inject({
    method: 'GET',
    url: `/v1/policies/shadow/disagreements${query}`,
    headers: { authorization: `Bearer ${bearer}` },
  });
}

describe('GET /v1/policies/shadow/disagreements', () => {
  it('pages the disagreements of the last 30 days, oldest first, and leaves out agreements', async () => {
    const first = await list(app, '?limit=2');
    expect(first.statusCode).toBe(200);
    const page = first.json<{ disagreements: { journeyId: string; shadowDecision: string }[]; next?: string }>();
    expect(page.disagreements.map((entry) => entry.journeyId)).toEqual(['ekyc:shadow-0', 'ekyc:shadow-1']);
    expect(page.disagreements[0]).toMatchObject({ policyDecision: 'approved', shadowDecision: 'review' });
    expect(page.next).toBeDefined();
    const second = (await list(app, `?limit=2&after=${encodeURIComponent(page.next ?? '')}`)).json<{
      disagreements: { journeyId: string }[];
      next?: string;
    }>();
    expect(second.disagreements.map((entry) => entry.journeyId)).toEqual(['ekyc:shadow-2']);
    expect(second.next).toBeUndefined();
  });

  it('is for operators: a backend key is refused', async () => {
    const answer = await list(app, '', API_KEY);
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toMatchObject({ code: 'forbidden' });
  });

  it('refuses a period over 366 days and a cursor it did not give, naming the field', async () => {
    const long = await list(app, '?from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z');
    expect(long.statusCode).toBe(400);
    expect(long.json<{ errors: { path: string }[] }>().errors.map((issue) => issue.path)).toEqual(['to']);
    const cursor = await list(app, '?after=ekyc:shadow-0');
    expect(cursor.statusCode).toBe(400);
  });

  it('answers 501 on a gateway without a database', async () => {
    const answer = await list(withoutDatabase, '');
    expect(answer.statusCode).toBe(501);
    expect(answer.json()).toMatchObject({ code: 'decision_records_not_configured' });
  });
});
