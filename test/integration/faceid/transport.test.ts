import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { type RunningEmulator, SandboxClient, startEmulator } from '../../../src/emulator';
import { NO_PROXY_SETTINGS } from '../../../src/egress/proxy-settings';
import { FACEID_SIGN_METHODS } from '../../../src/faceid';
import { createAuthority, issueCertificate } from '../../../scripts/lib/certificates';
import { faceIdClient, failure, REGION } from './harness';

// The FaceID client's own transport under the SDK's signing: departures reported to the quota pacer, TLS to an
// endpoint whose CA is trusted only through the egress settings.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
});
afterAll(() => emulator.close());

test.each(FACEID_SIGN_METHODS)(
  'with %s, every call tells the pacer when it left, after the grant, and when its answer came, before it returns',
  async (signMethod) => {
    const departures: Array<{ grantedAt: number; leftAt?: number; answeredAt?: number; returnedAt?: number }> = [];
    const faceid = faceIdClient(emulator, {
      signMethod,
      beforeSend: () => {
        const departure: (typeof departures)[number] = { grantedAt: Date.now() };
        departures.push(departure);
        return Promise.resolve({
          left: (leftAt: number) => (departure.leftAt = leftAt),
          answered: (answeredAt: number) => (departure.answeredAt = answeredAt),
        });
      },
    });
    try {
      for (let call = 0; call < 3; call += 1) {
        const { SdkToken } = await faceid.applyLivenessToken(REGION, { SecureLevel: '4' });
        expect(SdkToken).toBeTruthy();
        (departures[call] as (typeof departures)[number]).returnedAt = Date.now();
      }
      expect(departures).toHaveLength(3);
      for (const { grantedAt, leftAt, answeredAt, returnedAt } of departures) {
        expect(leftAt).toBeGreaterThanOrEqual(grantedAt);
        expect(answeredAt).toBeGreaterThanOrEqual(leftAt as number);
        expect(returnedAt).toBeGreaterThanOrEqual(answeredAt as number);
      }
    } finally {
      await faceid.close();
    }
  },
);

describe('over TLS', () => {
  let dir: string;
  let tlsEmulator: RunningEmulator;
  let ca: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ekyc-faceid-tls-'));
    const authority = createAuthority(dir, 'ca', 'faceid transport test CA');
    const server = issueCertificate(authority, dir, 'server', {
      commonName: '127.0.0.1',
      altNames: 'IP:127.0.0.1',
      usage: 'serverAuth',
    });
    ca = readFileSync(authority.cert, 'utf8');
    tlsEmulator = await startEmulator({ tls: { cert: readFileSync(server.cert), key: readFileSync(server.key) } });
  });
  afterAll(async () => {
    await tlsEmulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('calls succeed when the CA is trusted through the egress settings', async () => {
    const faceid = faceIdClient(tlsEmulator, {
      protocol: 'https://',
      egress: { proxy: NO_PROXY_SETTINGS, extraCa: [ca] },
    });
    try {
      const { SdkToken } = await faceid.applyLivenessToken(REGION, { SecureLevel: '4' });
      expect(SdkToken).toBeTruthy();
    } finally {
      await faceid.close();
    }
  });

  test('a certificate from an untrusted CA fails as a transient connection failure, never reaching the emulator', async () => {
    const trusting = new Agent({ connect: { ca } });
    const controls = new SandboxClient(tlsEmulator.url, tlsEmulator.adminToken, (url, init) =>
      fetch(url, { ...init, dispatcher: trusting }),
    );
    const faceid = faceIdClient(tlsEmulator, { protocol: 'https://' });
    const before = (await controls.stats()).peers.api;
    try {
      const error = await failure(faceid.applyLivenessToken(REGION, { SecureLevel: '4' }));
      expect(error.kind).toBe('FaceIdTransient');
      expect(error.message).not.toContain('127.0.0.1');
    } finally {
      await faceid.close();
    }
    expect((await controls.stats()).peers.api).toEqual(before);
    await trusting.close();
  });
});
