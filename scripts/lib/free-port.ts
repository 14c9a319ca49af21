import { createServer } from 'node:net';

/** `count` distinct free ports (held open together while picking, so they cannot repeat). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  if (ports.some((port) => port === 0)) throw new Error('no free port');
  return ports;
}

/** Whether nothing listens on `port` of 127.0.0.1 right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` distinct free ports from `[from, to)`, for servers that store their port in a narrower type than the OS's
 * ephemeral range fits (Temporal's membership ports are a PostgreSQL `smallint`).
 */
export async function freePortsBetween(from: number, to: number, count: number): Promise<number[]> {
  const ports: number[] = [];
  const start = from + Math.floor(Math.random() * (to - from));
  for (let offset = 0; offset < to - from && ports.length < count; offset += 1) {
    const port = from + ((start - from + offset) % (to - from));
    if (await isFree(port)) ports.push(port);
  }
  if (ports.length < count) throw new Error(`fewer than ${count} free ports between ${from} and ${to}`);
  return ports;
}

/**
 * A base port in `[from, to)` such that every `base + offset` is free: for servers whose ports are derived from one
 * setting (the cluster's Temporal services sit at fixed offsets from `TEMPORAL_DEV_PORT`).
 */
export async function freePortGroup(from: number, to: number, offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const base = from + Math.floor(Math.random() * (to - from));
    let free = true;
    for (const offset of offsets) {
      if (!(await isFree(base + offset))) {
        free = false;
        break;
      }
    }
    if (free) return base;
  }
  throw new Error(`no base port between ${from} and ${to} with every offset free`);
}
