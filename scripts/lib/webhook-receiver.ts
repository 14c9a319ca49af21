import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { verifyWebhook, WEBHOOK_ATTEMPT_HEADER, WEBHOOK_SIGNATURE_HEADER } from '../../src/webhooks/signature';
import type { JourneyEvent } from '../../src/workflows/types';

/** One delivery as the receiver saw it. */
export interface ReceivedWebhook {
  event: JourneyEvent;
  attempt: number;
  /** `performance.now()` of this process when the body had arrived and verified (for latency measurements). */
  receivedAtMs: number;
  /** The address the delivery came from (the worker's, or an egress proxy's). */
  peer: string;
}

/** A local webhook endpoint that verifies every delivery's signature, as a backend would. */
export interface WebhookReceiver {
  /** Where the receiver listens, e.g. `http://127.0.0.1:8089/webhooks` (a port-0 listener reports its real port). */
  url: string;
  received: ReceivedWebhook[];
  /** Deliveries whose signature did not verify (answered 401). */
  refused(): number;
  /** Resolves once `check` holds for the deliveries so far, or with false after `timeoutMs`. */
  waitFor(check: (received: ReceivedWebhook[]) => boolean, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Listens on `host:port` for POSTs to `path`: each body is verified against `secrets` before it is parsed; verified
 * deliveries answer 204, others 401 (which the worker treats as a rejection and does not retry).
 */
export async function startWebhookReceiver(options: {
  host: string;
  port: number;
  path: string;
  secrets: string[];
  /** Answer the first N verified deliveries 503, as a backend in trouble would (they are not recorded). */
  unavailableFor?: number;
  /** Called with each recorded delivery as it arrives (a benchmark waits on outcomes without polling the list). */
  onDelivery?: (delivery: ReceivedWebhook) => void;
  /** Serve https with this certificate and key (PEM) instead of plain http. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** A page answered 200 to GET, where the web flows' browser lands at the end (`WEB_FINAL_URL`). */
  finalPagePath?: string;
}): Promise<WebhookReceiver> {
  let unavailable = options.unavailableFor ?? 0;
  const received: ReceivedWebhook[] = [];
  let refused = 0;
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const path = request.url?.split('?')[0];
    if (request.method === 'GET' && options.finalPagePath !== undefined && path === options.finalPagePath) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>Verification finished.</p>\n');
      return;
    }
    if (request.method !== 'POST' || path !== options.path) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const verification = verifyWebhook({
        header: request.headers[WEBHOOK_SIGNATURE_HEADER],
        body,
        secrets: options.secrets,
      });
      if (!verification.valid) {
        refused += 1;
        response.writeHead(401).end();
        return;
      }
      if (unavailable > 0) {
        unavailable -= 1;
        response.writeHead(503).end();
        return;
      }
      const event = JSON.parse(body.toString('utf8')) as JourneyEvent;
      const delivery = {
        event,
        attempt: Number(request.headers[WEBHOOK_ATTEMPT_HEADER] ?? 0),
        receivedAtMs: performance.now(),
        peer: request.socket.remoteAddress ?? 'unknown',
      };
      received.push(delivery);
      response.writeHead(204).end();
      options.onDelivery?.(delivery);
    });
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `${options.tls ? 'https' : 'http'}://${options.host}:${(server.address() as AddressInfo).port}${options.path}`,
    received,
    refused: () => refused,
    async waitFor(check, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!check(received)) {
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
