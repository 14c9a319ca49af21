import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { EkycClient } from '../../../src/client/ekyc-client';
import { FailedLoginLimiter, TooManyAttemptsError } from '../../../src/gateway/failed-logins';
import { createGateway } from '../../../src/gateway/server';

const API_KEY = 'api-key-0000000000000001';
const OPERATOR_KEY = 'operator-key-00000000001';

describe('the failed-login limiter', () => {
  it('refuses an address and kind after the limit until the window ends, with the seconds left', () => {
    let now = 0;
    const limiter = new FailedLoginLimiter({ maxFailures: 3, windowMs: 60_000 }, () => now);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(() => limiter.refuseIfBlocked('10.0.0.1', 'api')).not.toThrow();
      limiter.recordFailure('10.0.0.1', 'api');
    }
    now = 15_000;
    expect(() => limiter.refuseIfBlocked('10.0.0.1', 'api')).toThrow(new TooManyAttemptsError(45));
    // Another address, or another kind of credential, is counted apart.
    expect(() => limiter.refuseIfBlocked('10.0.0.2', 'api')).not.toThrow();
    expect(() => limiter.refuseIfBlocked('10.0.0.1', 'operator')).not.toThrow();
    now = 60_000;
    expect(() => limiter.refuseIfBlocked('10.0.0.1', 'api')).not.toThrow();
  });
});

describe('API and operator keys at the gateway', () => {
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  let app: FastifyInstance;
  let url: string;
  /** A gateway that believes X-Forwarded-For from 127.0.0.1, as one behind a load balancer there would. */
  let behindProxy: FastifyInstance;
  let proxiedUrl: string;
  beforeEach(async () => {
    behindProxy = createGateway({
      client,
      ekyc: new EkycClient(client, 'unused'),
      settings: { apiKeys: [API_KEY], operatorKeys: [], clientSecretKey: 'x'.repeat(32), sandbox: true },
      trustedProxies: ['127.0.0.1/32'],
    });
    await behindProxy.listen({ host: '127.0.0.1', port: 0 });
    proxiedUrl = `http://127.0.0.1:${(behindProxy.server.address() as AddressInfo).port}`;
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
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await app.close();
    await behindProxy.close();
  });
  afterAll(() => client.connection.close());

  const get = (path: string, bearer?: string) =>
    fetch(`${url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  it.each([
    ['API', '/v1/journeys/ekyc:ref-1', API_KEY],
    ['operator', '/v1/review-queue', OPERATOR_KEY],
  ])(
    '%s keys: 10 wrong ones answer 401, then 429 too_many_attempts with Retry-After, the right key too',
    async (_kind, path, key) => {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        expect((await get(path, `wrong-key-00000000000${attempt}`)).status).toBe(401);
      }
      const refused = await get(path, key);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(await refused.json()).toMatchObject({ code: 'too_many_attempts', status: 429 });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(250);
    },
  );

  it('does not count a request without a credential, or a backend key on an operator route', async () => {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      expect((await get('/v1/review-queue')).status).toBe(401);
      expect((await get('/v1/review-queue', API_KEY)).status).toBe(403);
    }
    expect((await get('/v1/review-queue', 'wrong-key-0000000000000')).status).toBe(401);
  });

  it('counts per forwarded client behind a trusted proxy, and ignores X-Forwarded-For from anybody else', async () => {
    const from = (base: string, client: string, bearer: string) =>
      fetch(`${base}/v1/journeys/ekyc:ref-1`, {
        headers: { authorization: `Bearer ${bearer}`, 'x-forwarded-for': client },
      });
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await from(proxiedUrl, '203.0.113.5', `wrong-key-00000000000${attempt}`)).status).toBe(401);
      // Without trusted proxies a forged header changes nothing: the TCP peer is the client.
      expect((await from(url, `203.0.113.${attempt}`, `wrong-key-00000000000${attempt}`)).status).toBe(401);
    }
    expect((await from(proxiedUrl, '203.0.113.5', 'wrong-key-0000000000010')).status).toBe(429);
    expect((await from(proxiedUrl, '203.0.113.6', 'wrong-key-0000000000010')).status).toBe(401);
    expect((await from(url, '203.0.113.99', 'wrong-key-0000000000010')).status).toBe(429);
  });
});
