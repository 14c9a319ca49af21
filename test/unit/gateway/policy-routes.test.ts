import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { EkycClient } from '../../../src/client/ekyc-client';
import { DEFAULT_POLICY_DOCUMENT } from '../../../src/contracts/policy-document';
import { openDatabase } from '../../../src/db/database';
import { createGateway } from '../../../src/gateway/server';
import { createLogger } from '../../../src/logging';
import { PolicyService } from '../../../src/policy/policy-service';

// The policy routes' edges, on a gateway without a database (or with one that does not answer): who may call them,
// what a body must be, and the 503 that says where versions live. The versions themselves are tested against PostgreSQL (test/integration/policy).

const OPERATOR_KEY = 'operator-key-00000000001';
const API_KEY = 'api-key-0000000000000001';
const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
let app: FastifyInstance;

beforeAll(() => {
  app = createGateway({
    client,
    ekyc: new EkycClient(client, 'unused'),
    settings: {
      apiKeys: [API_KEY],
      operatorKeys: [{ id: 'op-a', key: OPERATOR_KEY }],
      clientSecretKey: 'x'.repeat(32),
      sandbox: true,
    },
  });
});
afterAll(() => app?.close());

const asOperator = { authorization: `Bearer ${OPERATOR_KEY}` };

/** A problem answer as the gateway sends it. */
interface ProblemBody {
  code: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

describe('the /v1/policies routes at the edge', () => {
  it('refuses a backend API key (403) and no key at all (401)', async () => {
    const withApiKey = await app.inject({
      method: 'GET',
      url: '/v1/policies',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const without = await app.inject({ method: 'GET', url: '/v1/policies/current' });
    expect([withApiKey.json<ProblemBody>().code, without.json<ProblemBody>().code]).toEqual([
      'forbidden',
      'unauthenticated',
    ]);
  });

  it('names each bad field of a draft document with invalid_policy, before anything is stored', async () => {
    const document = {
      ...DEFAULT_POLICY_DOCUMENT,
      rules: {
        ...DEFAULT_POLICY_DOCUMENT.rules,
        similarityThreshold: 101,
        deviceRisk: { review: ['3'], reject: ['3'] },
        surprise: true,
      },
    };
    const answer = await app.inject({
      method: 'POST',
      url: '/v1/policies',
      headers: asOperator,
      payload: { document },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json<ProblemBody>().code).toBe('invalid_policy');
    const paths = (answer.json<ProblemBody>().errors ?? []).map((issue) => issue.path);
    expect(paths.sort()).toEqual([
      'document.rules.deviceRisk.reject',
      'document.rules.similarityThreshold',
      'document.rules.surprise',
    ]);
  });

  it('answers policy_not_found for a version that is no number', async () => {
    const answer = await app.inject({ method: 'GET', url: '/v1/policies/latest', headers: asOperator });
    expect([answer.statusCode, answer.json<ProblemBody>().code]).toEqual([404, 'policy_not_found']);
  });

  it.each([
    ['GET', '/v1/policies', undefined],
    ['GET', '/v1/policies/current', undefined],
    ['GET', '/v1/policies/1', undefined],
    ['POST', '/v1/policies', { document: DEFAULT_POLICY_DOCUMENT }],
    ['POST', '/v1/policies/1/publish', { shadow: true }],
    ['POST', '/v1/policies/1/retire', undefined],
  ] as const)('%s %s answers 503 policies_unavailable without a database', async (method, url, payload) => {
    const answer = await app.inject({ method, url, headers: asOperator, ...(payload ? { payload } : {}) });
    expect([answer.statusCode, answer.json<ProblemBody>().code]).toEqual([503, 'policies_unavailable']);
    expect(answer.json<ProblemBody>().detail).toMatch(/DATABASE_URL/);
  });
});

describe('the /v1/policies routes with a database that does not answer', () => {
  // Nothing listens on port 1: the connection is refused at once.
  const database = openDatabase(
    { url: 'postgres://ekyc:unused@127.0.0.1:1/ekyc' },
    createLogger({ component: 'database', level: 'silent' }),
  );
  let unreachable: FastifyInstance;
  beforeAll(() => {
    unreachable = createGateway({
      client,
      ekyc: new EkycClient(client, 'unused'),
      policies: new PolicyService({ database, fourEyes: false }),
      settings: {
        apiKeys: [API_KEY],
        operatorKeys: [{ id: 'op-a', key: OPERATOR_KEY }],
        clientSecretKey: 'x'.repeat(32),
        sandbox: true,
      },
    });
  });
  afterAll(async () => {
    await unreachable?.close();
    await database.close();
  });

  it('answers 503 policies_unavailable, retry later', async () => {
    const answer = await unreachable.inject({ method: 'GET', url: '/v1/policies/current', headers: asOperator });
    expect([answer.statusCode, answer.json<ProblemBody>().code]).toEqual([503, 'policies_unavailable']);
    expect(answer.json<ProblemBody>().detail).toMatch(/not reachable/);
  });
});
