import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One request as the fake Tencent server received it. */
export interface RecordedRequest {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Decides how the fake server answers one request; it must end or destroy the response. */
export type Handler = (request: RecordedRequest, res: http.ServerResponse) => void;

/** A loopback HTTP server standing in for FaceID in unit tests, recording every request. */
export interface FakeTencent {
  /** `127.0.0.1:PORT`, for `FaceIdClient`'s endpoint. */
  endpoint: string;
  requests: RecordedRequest[];
  /** Sets how the next requests are answered. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** Answers 200 with `{"Response": response}` as JSON. */
export function envelope(response: unknown): Handler {
  return (_request, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Response: response }));
  };
}

/** Starts a fake FaceID server on 127.0.0.1 with an ephemeral port. */
export async function startFakeTencent(): Promise<FakeTencent> {
  const requests: RecordedRequest[] = [];
  let handler: Handler = envelope({ Error: { Code: 'InternalError', Message: 'no handler' }, RequestId: 'none' });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Recomputes a TC3-HMAC-SHA256 signature from the reference's algorithm (§2.3) and says whether the request's
 * Authorization header carries it. Service and date come from the credential scope; host is signed without port.
 */
export function tc3SignatureMatches(request: RecordedRequest, secretId: string, secretKey: string): boolean {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=content-type;host, Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match || match[1] !== secretId) return false;
  const [, , date = '', service = '', signature] = match;
  const timestamp = String(request.headers['x-tc-timestamp']);
  if (new Date(Number(timestamp) * 1000).toISOString().slice(0, 10) !== date) return false;
  const host = String(request.headers.host).replace(/:\d+$/, '');
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${String(request.headers['content-type'])}\nhost:${host}\n`,
    'content-type;host',
    sha256Hex(request.body),
  ].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', timestamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex') === signature;
}

/** Recomputes a v1 (HmacSHA256 / HmacSHA1) signature over the raw sorted form fields (reference §2.4). */
export function v1SignatureMatches(request: RecordedRequest, secretKey: string): boolean {
  const fields = new URLSearchParams(request.body);
  const signature = fields.get('Signature');
  const algorithm = fields.get('SignatureMethod') === 'HmacSHA1' ? 'sha1' : 'sha256';
  const joined = [...fields.keys()]
    .filter((key) => key !== 'Signature')
    .sort()
    .map((key) => `${key}=${fields.get(key) ?? ''}`)
    .join('&');
  const source = `POST${String(request.headers.host)}/?${joined}`;
  return createHmac(algorithm, secretKey).update(source).digest('base64') === signature;
}

/** Reads a seed example response from test/fixtures/faceid (the whole `{"Response": …}` document). */
export function loadSeed(name: string): { Response: Record<string, unknown> } {
  const file = path.join(__dirname, '..', '..', 'fixtures', 'faceid', `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as { Response: Record<string, unknown> };
}
