/**
 * A forward (CONNECT) proxy for the egress tests, from the `proxy` package: listens on the address and port given as
 * arguments, opens its own connections from that same address (so servers can tell proxied callers from direct
 * ones), wants Basic credentials when PROXY_USER and PROXY_PASSWORD are set, and prints one JSON line per CONNECT.
 * Usage: node test/support/forward-proxy.mjs <address> [port]
 */
import { createServer } from 'node:http';
import { createProxy } from 'proxy';

const [address = '127.0.0.1', port = '0'] = process.argv.slice(2);
const { PROXY_USER: user, PROXY_PASSWORD: password } = process.env;
const expected = user && password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined;

const server = createProxy(createServer());
server.localAddress = address;
if (expected) server.authenticate = (request) => request.headers['proxy-authorization'] === expected;
server.on('connect', (request) => {
  const authorized = !expected || request.headers['proxy-authorization'] === expected;
  process.stdout.write(`${JSON.stringify({ connect: request.url, authorized })}\n`);
});
server.listen(Number(port), address, () => {
  process.stdout.write(`${JSON.stringify({ listening: `${address}:${server.address().port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
