import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { EkycClient } from '../../../src/client/ekyc-client';
import { KeyRing } from '../../../src/codec';
import { codecRoutes } from '../../../src/gateway/codec-routes';
import { createGateway } from '../../../src/gateway/server';

const TIMEOUT_MS = 400;
const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = createGateway({
    client,
    ekyc: new EkycClient(client, 'unused'),
    settings: {
      apiKeys: ['api-key-0000000000000001'],
      operatorKeys: [],
      clientSecretKey: 'x'.repeat(32),
      sandbox: true,
    },
    requestTimeoutMs: TIMEOUT_MS,
    plugins: [
      codecRoutes({
        keyRing: new KeyRing([{ id: 'k1', key: randomBytes(32) }]),
        tokens: ['codec-test-token-000000001'],
        uiOrigins: ['http://127.0.0.1:8233'],
        namespace: 'default',
        endpointUrl: 'http://127.0.0.1:8080/codec',
      }),
    ],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(() => app?.close());

/** Sends `text` and never the rest, nor a close of its own; resolves with what the server answered once it hung up. */
function trickle(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

// The connection is checked every half timeout here (every second in production): with Node's default 30 s check a
// held connection would outlast these tests' deadline.
const DEADLINE_MS = TIMEOUT_MS * 10;

describe('a client that sends its request slowly', () => {
  it(
    'is answered 408 and cut off once the request timeout passes, headers unfinished',
    async () => {
      const answer = await trickle('POST /codec/login HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      // Answered before any route (the headers never ended), then hung up: `trickle` resolves on the server's close.
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    },
    DEADLINE_MS,
  );

  it(
    'is cut off the same way with its headers sent and its body unfinished',
    async () => {
      const headers = 'POST /codec/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';
      const answer = await trickle(`${headers}Content-Length: 100\r\n\r\n{"token":`);
      // The gateway's answer, from the same budget: a problem document, and the connection closed.
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer.toLowerCase()).toContain('connection: close');
      expect(answer).toContain('"code":"request_timeout"');
    },
    DEADLINE_MS,
  );
});
