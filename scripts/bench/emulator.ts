import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../../src/emulator';
import { SANDBOX_SECRET_ID, SANDBOX_SECRET_KEY } from '../../src/faceid/sandbox-endpoint';

const PAIRS = 5000;
const CONCURRENCY = 16;

/** Signs one TC3-HMAC-SHA256 call (independent of the emulator's verifier) and returns the parsed `Response`. */
function signedCall(agent: Agent, endpoint: string, action: string, params: object): Promise<Record<string, unknown>> {
  const body = JSON.stringify(params);
  const timestamp = Math.floor(Date.now() / 1000);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const host = endpoint.replace(/:\d+$/, '');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const canonical = `POST\n/\n\ncontent-type:application/json\nhost:${host}\n\ncontent-type;host\n${sha256(body)}`;
  const scope = `${date}/faceid/tc3_request`;
  const key = hmac(hmac(hmac(`TC3${SANDBOX_SECRET_KEY}`, date), 'faceid'), 'tc3_request');
  const signature = createHmac('sha256', key)
    .update(`TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonical)}`)
    .digest('hex');
  return new Promise((resolve, reject) => {
    const req = request(
      `http://${endpoint}/`,
      {
        method: 'POST',
        agent,
        headers: {
          Authorization: `TC3-HMAC-SHA256 Credential=${SANDBOX_SECRET_ID}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
          'Content-Type': 'application/json',
          'X-TC-Action': action,
          'X-TC-Region': 'ap-singapore',
          'X-TC-Timestamp': String(timestamp),
          'X-TC-Version': '2018-03-01',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const { Response } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            Response: Record<string, unknown>;
          };
          if (Response.Error) reject(new Error(`${action}: ${JSON.stringify(Response.Error)}`));
          else resolve(Response);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Benchmarks the emulator in-process: signed TC3 GetFaceIdTokenIntl + GetFaceIdResultIntl pairs from 16 concurrent
 * loops over keep-alive connections, rate limit raised out of the way. Client and server share this one process,
 * so the figure is a lower bound for the server alone. Returns a markdown section.
 */
export async function benchEmulator(): Promise<string> {
  const emulator = await startEmulator({ port: 0, rateLimitPerSecond: 1_000_000 });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const timed = async (action: string, params: object) => {
    const started = performance.now();
    const response = await signedCall(agent, emulator.endpoint, action, params);
    latencies.push(performance.now() - started);
    return response;
  };
  try {
    // Warm-up: JIT, connections.
    for (let i = 0; i < 200; i += 1) await timed('GetFaceIdTokenIntl', {});
    latencies.length = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PAIRS) {
          next += 1;
          const { SdkToken } = await timed('GetFaceIdTokenIntl', { CheckMode: 'liveness' });
          const result = await timed('GetFaceIdResultIntl', { SdkToken });
          if (result.Result !== '-999') throw new Error('unexpected result');
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const percentile = (p: number) =>
      (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0).toFixed(2);
    const requests = latencies.length;
    return [
      '## FaceID emulator throughput',
      '',
      'Command: `npx tsx scripts/bench/emulator.ts` (client and emulator in one Node process, one event loop).',
      '',
      `Workload: ${PAIRS} pairs of signed TC3 \`GetFaceIdTokenIntl\` + \`GetFaceIdResultIntl\` (unfinished, \`-999\`), ${CONCURRENCY} concurrent loops, keep-alive, rate limit raised.`,
      '',
      '| machine | node | requests | seconds | requests/s | p50 ms | p99 ms |',
      '|---|---|---|---|---|---|---|',
      `| ${cpus().length} CPU (nproc), ${cpus()[0]?.model.trim() ?? 'unknown'} | ${process.version} | ${requests} | ${seconds.toFixed(2)} | ${Math.round(requests / seconds)} | ${percentile(50)} | ${percentile(99)} |`,
      '',
    ].join('\n');
  } finally {
    agent.destroy();
    await emulator.close();
  }
}

if (require.main === module) {
  benchEmulator().then(
    (section) => process.stdout.write(`${section}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
