import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { send } from './raw';
import { errorCode, faceidClients } from './sdk';

let emulator: RunningEmulator;
let call: ReturnType<typeof faceidClients>['call'];
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, adminToken: 'controls-test-admin', rateLimitPerSecond: 10_000 });
  call = faceidClients({ endpoint: emulator.endpoint, signMethod: 'TC3-HMAC-SHA256' }).call;
});
afterAll(() => emulator.close());

describe('/sandbox controls', () => {
  it.each([undefined, 'Bearer wrong', 'Basic controls-test-admin'])(
    'answer 401 without the admin token (%s)',
    async (authorization) => {
      const response = await send(`${emulator.url}/sandbox/stats`, {
        headers: authorization ? { Authorization: authorization } : {},
      });
      expect(response.status).toBe(401);
    },
  );

  it('GET /sandbox/sessions/{token} shows the lifecycle, never media', async () => {
    const { SdkToken } = await call('GetFaceIdTokenIntl', { Extra: 'private' });
    const view = await emulator.sandbox.session(SdkToken as string);
    expect(view).toMatchObject({
      kind: 'session',
      flow: 'selfie',
      region: 'ap-singapore',
      state: 'issued',
      scenario: null,
    });
    expect(Date.parse(view.resultUntil as string) - Date.parse(view.createdAt as string)).toBe(72 * 3600 * 1000);
    expect(JSON.stringify(view)).not.toContain('private');
    await emulator.sandbox.complete(SdkToken as string, 'spoof', { attempts: 1 });
    expect(await emulator.sandbox.session(SdkToken as string)).toMatchObject({
      state: 'finished',
      scenario: 'spoof',
      attempts: 1,
    });
    await expect(emulator.sandbox.session('NOPE')).rejects.toMatchObject({ status: 404 });
  });

  it('validate bodies (400) and unknown controls (404)', async () => {
    const { SdkToken } = await call('GetFaceIdTokenIntl', {});
    await expect(emulator.sandbox.complete(SdkToken as string, 'explode' as never)).rejects.toMatchObject({
      status: 400,
    });
    await expect(emulator.sandbox.complete(SdkToken as string, 'pass', { similarity: 101 })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      emulator.sandbox.complete(SdkToken as string, 'pass', { deviceRiskLevel: '9' as never }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(emulator.sandbox.registerCard('xyz', 'pass')).rejects.toMatchObject({ status: 400 });
    await expect(emulator.sandbox.advanceClock(-5)).rejects.toMatchObject({ status: 400 });
    const unknown = await send(`${emulator.url}/sandbox/nothing`, {
      headers: { Authorization: 'Bearer controls-test-admin' },
    });
    expect(unknown.status).toBe(404);
  });

  it('GET /sandbox/stats counts calls per action and the busiest second; reset clears everything', async () => {
    await emulator.sandbox.reset();
    await Promise.all([1, 2, 3].map(() => call('ApplyLivenessToken', {})));
    const { SdkToken } = await call('ApplyLivenessToken', {});
    await emulator.sandbox.advanceClock(30);
    const stats = await emulator.sandbox.stats();
    expect(stats.actions).toEqual({ ApplyLivenessToken: { calls: 4, peakPerSecond: 4, rateLimited: 0 } });
    expect(stats.clock.offsetSeconds).toBe(30);
    await emulator.sandbox.reset();
    expect(await emulator.sandbox.stats()).toMatchObject({ actions: {}, clock: { offsetSeconds: 0 } });
    expect(await errorCode(call('GetLivenessResult', { SdkToken }))).toBe('InvalidParameterValue.BizTokenIllegal');
  });
});
