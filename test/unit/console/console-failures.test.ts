import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { EkycClient } from '../../../src/client/ekyc-client';
import { SESSION_COOKIE } from '../../../src/console/console-kit';
import { consoleRoutes, type ConsoleRouteOptions } from '../../../src/console/console-routes';
import { ConsoleSessions } from '../../../src/console/console-sessions';
import { createGateway } from '../../../src/gateway/server';
import { AuditLog } from '../../../src/review/audit-log';
import { ReviewService } from '../../../src/review/review-service';

const LIFETIMES = { idleSeconds: 600, maxSeconds: 3600 };
const KEYS = {
  apiKeys: ['test-backend-api-key-000001'],
  operatorKeys: [{ id: 'op-a', key: 'test-operator-key-00000001' }],
  clientSecretKey: 'test-client-secret-key-0000000000001',
};

describe('console pages when a request fails', () => {
  let dir: string;
  let store: FilesystemStore;
  let connection: Connection;
  let apps: FastifyInstance[] = [];
  let cookie: string;
  let csrf: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-failures-'));
    store = new FilesystemStore(dir);
    // Nothing listens on port 1, and no retries: Temporal is away, at once.
    connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500, interceptors: [] });
    const session = await new ConsoleSessions(store, LIFETIMES).create('reviewer-1', ['reviewer']);
    cookie = `${SESSION_COOKIE}=${session.value}`;
    csrf = session.session.csrf;
  });
  afterEach(async () => {
    for (const app of apps) await app.close();
    apps = [];
    await connection.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The review service of a console whose journeys are `ekyc`'s. */
  function reviewOver(ekyc: EkycClient): ReviewService {
    return new ReviewService({ journeys: ekyc, client: new Client({ connection }), audit: new AuditLog(store) });
  }

  function consoleOver(review: ConsoleRouteOptions['review']): FastifyInstance {
    const client = new Client({ connection });
    const app = createGateway({
      client,
      ekyc: new EkycClient(client, 'unused'),
      archive: store,
      settings: { ...KEYS, sandbox: true },
      plugins: [
        consoleRoutes({
          review,
          store,
          signInSecret: KEYS.clientSecretKey,
          audit: new AuditLog(store),
          oidc: { issuer: 'http://127.0.0.1:1', clientId: 'console', clientSecret: 'unused', rolesClaim: 'roles' },
          ...LIFETIMES,
        }),
      ],
    });
    apps.push(app);
    return app;
  }

  it('answer 503 with a console page, not a problem document, while Temporal is away', async () => {
    const app = consoleOver(reviewOver(new EkycClient(new Client({ connection }), 'unused')));
    const answers = [
      await app.inject({ method: 'GET', url: '/console', headers: { cookie } }),
      await app.inject({ method: 'GET', url: '/console/cases/ekyc:ref-1', headers: { cookie } }),
      await app.inject({
        method: 'POST',
        url: '/console/cases/ekyc:ref-1/claim',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ csrf }).toString(),
      }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['content-type']).toContain('text/html');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.body).toContain('Temporal is not reachable. Try again in a moment.');
      // Still the signed-in reviewer's page.
      expect(answer.body).toContain('reviewer-1');
    }
  });

  it("answer an erased journey's case with 410 saying so, not a failure", async () => {
    const record = {
      journeyId: 'ekyc:ref-erased',
      requestedBy: 'op-a',
      reason: 'data_subject_request',
      state: 'erased',
    };
    await store.putIfVersion(
      'erasures/ekyc:ref-erased.json',
      Buffer.from(JSON.stringify(record)),
      'application/json',
      undefined,
    );
    const app = consoleOver(reviewOver(new EkycClient(new Client({ connection }), 'unused', { archive: store })));
    const answer = await app.inject({ method: 'GET', url: '/console/cases/ekyc:ref-erased', headers: { cookie } });
    expect(answer.statusCode).toBe(410);
    expect(answer.headers['content-type']).toContain('text/html');
    expect(answer.body).toContain('erased');
  });

  it('keep a bug a 500 page that says nothing of its cause', async () => {
    const failing = async (): Promise<never> => Promise.reject(new TypeError('cannot read properties of a secret'));
    const app = consoleOver({ queue: failing, caseOf: failing, claim: failing, release: failing, decide: failing });
    const answer = await app.inject({ method: 'GET', url: '/console', headers: { cookie } });
    expect(answer.statusCode).toBe(500);
    expect(answer.headers['content-type']).toContain('text/html');
    expect(answer.body).toContain('Something went wrong.');
    expect(answer.body).not.toContain('secret');
  });
});
