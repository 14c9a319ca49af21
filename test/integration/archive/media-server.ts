import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

/** A file the test media server serves, with the MD5 and size FaceID would state for it. */
export interface TestAsset {
  bytes: Buffer;
  md5: string;
  size: number;
}

/** Makes a random asset of `size` bytes. */
export function asset(size: number): TestAsset {
  const bytes = randomBytes(size);
  return { bytes, md5: createHash('md5').update(bytes).digest('hex'), size };
}

/** The stand-in for a media host (the sandbox emulator's place): every way a body can go wrong, on purpose. */
export interface MediaServer {
  origin: string;
  /** `host:port`, to declare it as the sandbox host. */
  host: string;
  /** Publishes an asset at `/asset/<name>`. */
  publish(name: string, file: TestAsset): string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Writes a raw response on the socket, so headers can lie in ways node's HTTP server refuses to. */
function raw(req: IncomingMessage, head: string, body: Buffer, end: 'end' | 'reset' | 'keep'): void {
  const socket = req.socket;
  socket.write(`HTTP/1.1 ${head}\r\nContent-Type: video/mp4\r\n\r\n`);
  socket.write(body);
  if (end === 'end') socket.end();
  if (end === 'reset') socket.resetAndDestroy();
}

/** Starts the test media server on a free loopback port. */
export async function startMediaServer(limits: { capBytes: number }): Promise<MediaServer> {
  const assets = new Map<string, TestAsset>();
  const sockets = new Set<Socket>();
  let origin = '';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    const [, route, name] = url.pathname.split('/');
    switch (route) {
      case 'asset': {
        const file = assets.get(name ?? '');
        if (!file) return void res.writeHead(404).end();
        return void res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': file.size }).end(file.bytes);
      }
      case 'slow': {
        // Steady but slow: 20 chunks 60 ms apart, each gap well inside the idle timeout.
        const file = assets.get(name ?? '') as TestAsset;
        res.writeHead(200, { 'Content-Length': file.size });
        const step = Math.ceil(file.size / 20);
        for (let offset = 0; offset < file.size; offset += step) {
          if (res.destroyed) return;
          res.write(file.bytes.subarray(offset, offset + step));
          await sleep(60);
        }
        return void res.end();
      }
      case 'stall':
        return raw(req, `200 OK\r\nContent-Length: ${10 * 1024}`, randomBytes(1024), 'keep');
      case 'truncated':
        return raw(req, `200 OK\r\nContent-Length: ${10 * 1024}`, randomBytes(5 * 1024), 'end');
      case 'reset':
        return raw(req, `200 OK\r\nContent-Length: ${10 * 1024}`, randomBytes(5 * 1024), 'reset');
      case 'big':
        return raw(req, `200 OK\r\nContent-Length: ${limits.capBytes + 1}`, randomBytes(1024), 'keep');
      case 'big-chunked': {
        // No Content-Length at all: only counting the bytes can stop it.
        res.writeHead(200, { 'Content-Type': 'video/mp4' });
        for (let sent = 0; sent <= limits.capBytes + 256 * 1024 && !res.destroyed; sent += 64 * 1024) {
          if (!res.write(randomBytes(64 * 1024))) await new Promise((done) => res.once('drain', done));
        }
        return void res.end();
      }
      case 'lying-short': {
        // Claims 1 KiB, then keeps sending: the client must take 1 KiB at most and find the MD5 wrong.
        const file = assets.get(name ?? '') as TestAsset;
        return raw(req, '200 OK\r\nContent-Length: 1024', file.bytes, 'end');
      }
      case 'lying-long': {
        // Claims the stated size, sends a tenth of it and closes.
        const file = assets.get(name ?? '') as TestAsset;
        return raw(req, `200 OK\r\nContent-Length: ${file.size}`, file.bytes.subarray(0, file.size / 10), 'end');
      }
      case 'expired':
        return void res
          .writeHead(403, { 'Content-Type': 'application/xml' })
          .end('<Error><Code>AccessDenied</Code></Error>');
      case 'gone':
        return void res.writeHead(404).end();
      case 'error':
        return void res.writeHead(502).end('<html>bad gateway</html>');
      case 'redirect':
        return void res.writeHead(302, { Location: url.searchParams.get('to') ?? '/' }).end();
      case 'loop':
        return void res.writeHead(302, { Location: '/loop' }).end();
      default:
        return void res.writeHead(404).end();
    }
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    host: `127.0.0.1:${port}`,
    publish(name, file) {
      assets.set(name, file);
      return `${origin}/asset/${name}`;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}

/** A TCP listener that only counts: the target a guarded download must never reach. */
export interface Tripwire {
  port: number;
  connections: number;
  bytes: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and [::1] on one free port and counts every connection and byte that arrives. */
export async function startTripwire(): Promise<Tripwire> {
  const servers: TcpServer[] = [];
  const sockets = new Set<Socket>();
  const wire = { port: 0, connections: 0, bytes: 0 } as Tripwire;
  const listen = (host: string, port: number) =>
    new Promise<TcpServer>((done, fail) => {
      const server = createTcpServer((socket) => {
        wire.connections += 1;
        sockets.add(socket);
        socket.on('data', (chunk: Buffer) => (wire.bytes += chunk.length));
        socket.on('error', () => undefined);
      });
      server.once('error', fail);
      server.listen(port, host, () => done(server));
    });
  const v4 = await listen('127.0.0.1', 0);
  servers.push(v4);
  wire.port = (v4.address() as { port: number }).port;
  servers.push(await listen('::1', wire.port));
  wire.close = async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  };
  return wire;
}
