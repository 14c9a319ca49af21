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

/** Sends `text` and never the rest; resolves with what the server answered and how long it kept the connection. */
function trickle(text: string): Promise<{ answer: string; heldMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, heldMs: Date.now() - started }));
  });
}

describe('a client that sends its request slowly', () => {
  it('is answered 408 and cut off once the request timeout passes, headers unfinished', async () => {
    const { answer, heldMs } = await trickle('POST /codec/login HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect(heldMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    // Checked every half timeout here (every second in production): never held much past the limit.
    expect(heldMs).toBeLessThan(TIMEOUT_MS * 3);
  });

  it('is cut off the same way with its headers sent and its body unfinished', async () => {
    const headers = 'POST /codec/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';
    const { answer, heldMs } = await trickle(`${headers}Content-Length: 100\r\n\r\n{"token":`);
    expect(answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect(heldMs).toBeLessThan(TIMEOUT_MS * 3);
  });
});
