import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { EkycClient, StartJourneyOptions } from '../../../src/client/ekyc-client';
import type { JourneyStart } from '../../../src/client/journey-input';
import { DEFAULT_POLICY_DOCUMENT, type PinnedPolicy } from '../../../src/contracts/policy-document';
import { policySha256 } from '../../../src/policy/policy-hash';
import { createGateway } from '../../../src/gateway/server';
import type { PolicyService } from '../../../src/policy/policy-service';

// The start route pins the policy versions the policy service names, never starts unpinned when it cannot name them,
// and asks once per Idempotency-Key. The journeys' client is a stand-in that records what it was asked to start.

const API_KEY = 'api-key-0000000000000001';
const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const version = (n: number): PinnedPolicy => ({
  version: n,
  sha256: policySha256(DEFAULT_POLICY_DOCUMENT),
  document: DEFAULT_POLICY_DOCUMENT,
});

let app: FastifyInstance;
const starts: { start: JourneyStart; options: StartJourneyOptions }[] = [];
let lookups = 0;
let answer: () => Promise<{ current: PinnedPolicy; shadow?: PinnedPolicy }>;

beforeAll(() => {
  const ekyc = {
    startJourney: (start: JourneyStart, options: StartJourneyOptions = {}) => {
      starts.push({ start, options });
      return Promise.resolve({
        journeyId: `ekyc:${start.reference}`,
        token: 'sandbox-token',
        expiresAt: '2026-01-01T00:10:00.000Z',
      });
    },
  } as unknown as EkycClient;
  // The start route asks the policy service only for the versions to pin.
  const policies = {
    forNewJourney: () => {
      lookups += 1;
      return answer();
    },
  } as Pick<PolicyService, 'forNewJourney'> as PolicyService;
  app = createGateway({
    client,
    ekyc,
    policies,
    settings: { apiKeys: [API_KEY], operatorKeys: [], clientSecretKey: 'x'.repeat(32), sandbox: true },
  });
});
afterAll(() => app?.close());

beforeEach(() => {
  starts.length = 0;
  lookups = 0;
});

function start(reference: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/journeys',
    headers: { authorization: `Bearer ${API_KEY}`, ...headers },
    payload: { reference, flow: 'liveness', region: 'ap-singapore' },
  });
}

describe('POST /v1/journeys and the policy versions', () => {
  it('pins the current version and the shadow one into the start', async () => {
    answer = () => Promise.resolve({ current: version(4), shadow: version(5) });
    const response = await start('order-pin-1');
    expect(response.statusCode).toBe(201);
    expect(starts).toHaveLength(1);
    expect(starts[0]?.options.pinnedPolicy?.version).toBe(4);
    expect(starts[0]?.options.shadowPolicy?.version).toBe(5);
  });

  it('answers 503 policies_unavailable and starts nothing when the lookup fails', async () => {
    answer = () => Promise.reject(new Error('connection refused'));
    const response = await start('order-pin-2');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'policies_unavailable' });
    expect(starts).toHaveLength(0);
  });

  it('asks once per Idempotency-Key: a replayed start pins nothing anew', async () => {
    answer = () => Promise.resolve({ current: version(6) });
    const headers = { 'idempotency-key': 'pin-key-00000001' };
    expect((await start('order-pin-3', headers)).statusCode).toBe(201);
    const replay = await start('order-pin-3', headers);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(lookups).toBe(1);
    expect(starts).toHaveLength(1);
    expect(starts[0]?.options.shadowPolicy).toBeUndefined();
  });
});
