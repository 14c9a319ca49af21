import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { bodyLimit, handleApi } from './api';
import { handleControl } from './controls';
import { sendJson } from './envelope';
import type { EmulatorState } from './state';
import { completeFromPage, serveVerifyPage } from './web-page';

const SMALL_BODY_LIMIT = 1024 * 1024;

/** Reads a request body; resolves `undefined` (after draining the rest) when it is larger than `limit`. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

async function dispatch(req: IncomingMessage, res: ServerResponse, state: EmulatorState): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (path === '/') {
    return handleApi(req, res, await readBody(req, bodyLimit(req.headers)), state);
  }
  const body = await readBody(req, SMALL_BODY_LIMIT);
  if (body === undefined) return sendJson(res, { error: 'request body too large' }, 413);
  if (path.startsWith('/media/') && (method === 'GET' || method === 'HEAD')) {
    return state.media.serve(method, path, url.searchParams, res);
  }
  if (path === '/web/verify' && method === 'GET') return serveVerifyPage(res, url.searchParams, state);
  if (path === '/web/verify/complete' && method === 'POST') return completeFromPage(res, body, state);
  if (path.startsWith('/sandbox/')) return handleControl(req, res, path, body, state);
  if (path === '/healthz' && method === 'GET') return sendJson(res, { status: 'ok' });
  sendJson(res, { error: 'not found' }, 404);
}

/** Creates the emulator's HTTP server over a state (not yet listening). */
export function createEmulatorServer(state: EmulatorState): Server {
  const server = createServer((req, res) => {
    dispatch(req, res, state).catch((error: unknown) => {
      process.stderr.write(`emulator: request failed: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!res.headersSent) sendJson(res, { error: 'internal error' }, 500);
      else res.destroy();
    });
  });
  // Keep-alive connections outlive a burst of SDK calls; the default 5 s is fine, but headers must not time out first.
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  return server;
}
