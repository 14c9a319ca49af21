import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';

/** A raw HTTP answer. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends one HTTP request with node:http (no SDK), resolving with status, headers and body. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Builds a TC3-HMAC-SHA256 request by hand, following the published algorithm step by step (independent of both the
 * SDK and the emulator's verifier): signs `host` as given, service `faceid`.
 */
export function tc3Headers(options: {
  host: string;
  body: string;
  action: string;
  region: string;
  secretId: string;
  secretKey: string;
  timestamp?: number;
}): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const canonicalRequest = `POST\n/\n\ncontent-type:application/json\nhost:${options.host}\n\ncontent-type;host\n${sha256(options.body)}`;
  const scope = `${date}/faceid/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonicalRequest)}`;
  const signingKey = hmac(hmac(hmac(`TC3${options.secretKey}`, date), 'faceid'), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return {
    Authorization: `TC3-HMAC-SHA256 Credential=${options.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    'Content-Type': 'application/json',
    Host: options.host,
    'X-TC-Action': options.action,
    'X-TC-Region': options.region,
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Version': '2018-03-01',
  };
}

/** MD5 hex of bytes. */
export function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}
