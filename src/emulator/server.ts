import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { performance } from 'node:perf_hooks';
import { scrubText, type Logger } from '../logging';
import { type ApiCallNote, bodyLimit, handleApi } from './api';
import { handleControl } from './controls';
import { sendJson } from './envelope';
import type { EmulatorState } from './state';
import { completeFromPage, serveVerifyPage } from './web-page';

const SMALL_BODY_LIMIT = 1024 * 1024;

/** Reads a request body; resolves `undefined` (after draining the rest) when it is larger than `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
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

function countPeer(tally: Map<string, number>, req: IncomingMessage): void {
  const peer = req.socket.remoteAddress ?? 'unknown';
  tally.set(peer, (tally.get(peer) ?? 0) + 1);
}

async function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  state: EmulatorState,
  note: ApiCallNote,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (path === '/') {
    countPeer(state.peers.api, req);
    // Counted when the request arrives, as Tencent's gateway counts it, not after its body is read and checked.
    const arrivedAtMs = performance.now();
    return handleApi(req, res, await readBody(req, bodyLimit(req.headers)), state, note, arrivedAtMs);
  }
  const body = await readBody(req, SMALL_BODY_LIMIT);
  if (body === undefined) return sendJson(res, { error: 'request body too large' }, 413);
  if (path.startsWith('/media/') && (method === 'GET' || method === 'HEAD')) {
    countPeer(state.peers.media, req);
    return state.media.serve(method, path, url.searchParams, res);
  }
  if (path === '/web/verify' && method === 'GET') return serveVerifyPage(res, url.searchParams, state);
  if (path === '/web/verify/complete' && method === 'POST') return completeFromPage(res, body, state);
  if (path.startsWith('/sandbox/')) return handleControl(req, res, path, body, state);
  if (path === '/healthz' && method === 'GET') return sendJson(res, { status: 'ok' });
  sendJson(res, { error: 'not found' }, 404);
}

const STATIC_ROUTES = new Set([
  '/',
  '/healthz',
  '/web/verify',
  '/web/verify/complete',
  '/sandbox/cards',
  '/sandbox/faults',
  '/sandbox/clock',
  '/sandbox/stats',
  '/sandbox/reset',
]);

/** The route a request matched, with tokens and media ids replaced by placeholders. */
function routeOf(url: string | undefined): string {
  let path: string;
  try {
    path = new URL(url ?? '/', 'http://emulator').pathname;
  } catch {
    return 'unmatched';
  }
  if (STATIC_ROUTES.has(path)) return path;
  if (path.startsWith('/media/')) return '/media/:id/:name';
  const session = /^\/sandbox\/sessions\/[^/]+(\/complete)?$/.exec(path);
  if (session) return `/sandbox/sessions/:token${session[1] ?? ''}`;
  return 'unmatched';
}

/**
 * Writes the request log line once the answer is sent or the connection dropped: method, route pattern, FaceID
 * action, status, Tencent error code, duration. Never URLs (media signatures, tokens), headers or bodies.
 */
function logRequest(log: Logger, req: IncomingMessage, res: ServerResponse, note: ApiCallNote, startedAt: number) {
  const fields = {
    method: req.method,
    route: routeOf(req.url),
    ...(note.action ? { action: note.action } : {}),
    status: res.writableFinished ? res.statusCode : 'reset',
    ...(note.errorCode ? { errorCode: note.errorCode } : {}),
    durationMs: Math.round(performance.now() - startedAt),
  };
  if (note.error !== undefined) {
    // The stack helps with an emulator bug; it is scrubbed like any message.
    const stack = note.error instanceof Error && note.error.stack ? scrubText(note.error.stack) : undefined;
    log.error({ ...fields, err: note.error, stack }, 'request failed: emulator bug');
  } else log.info(fields, 'request completed');
}

/** A certificate and key to serve https with (PEM). */
export interface EmulatorTls {
  cert: string | Buffer;
  key: string | Buffer;
}

/**
 * Creates the emulator's HTTP server over a state (not yet listening), https when `tls` is given; `log` receives one
 * line per request.
 */
export function createEmulatorServer(state: EmulatorState, log?: Logger, tls?: EmulatorTls): Server {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const startedAt = performance.now();
    const note: ApiCallNote = {};
    res.once('close', () => {
      if (log) logRequest(log, req, res, note, startedAt);
      else if (note.error !== undefined) {
        const error = note.error;
        process.stderr.write(`emulator: unexpected error: ${error instanceof Error ? error.stack : typeof error}\n`);
      }
    });
    dispatch(req, res, state, note).catch((error: unknown) => {
      note.error = error;
      if (!res.headersSent) sendJson(res, { error: 'internal error' }, 500);
      else res.destroy();
    });
  };
  const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);
  // Keep-alive connections outlive a burst of SDK calls; the default 5 s is fine, but headers must not time out first.
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  return server;
}
