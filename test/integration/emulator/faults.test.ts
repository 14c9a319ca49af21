import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { eventually } from '../../support/eventually';
import { md5, send } from './raw';
import { type SdkError, errorCode, faceidClients, anyOf } from './sdk';

let emulator: RunningEmulator;
let call: ReturnType<typeof faceidClients>['call'];
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
  call = faceidClients({ endpoint: emulator.endpoint, signMethod: 'TC3-HMAC-SHA256' }).call;
});
afterAll(() => emulator.close());
afterEach(() => emulator.sandbox.clearFaults());

async function sdkError(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

async function finishedLivenessToken(): Promise<string> {
  const { SdkToken } = await call('ApplyLivenessToken', {});
  await emulator.sandbox.complete(SdkToken as string, 'pass');
  return SdkToken as string;
}

describe('injected faults', () => {
  it.each(['InternalError', 'RequestLimitExceeded'] as const)(
    '%s (count 2) answers the error envelope twice, then the action works',
    async (fault) => {
      await emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault, count: 2 });
      expect(await errorCode(call('ApplyLivenessToken', {}))).toBe(fault);
      // Other actions are untouched.
      expect(await call('GetFaceIdTokenIntl', {})).toMatchObject({ SdkToken: anyOf(String) });
      expect(await errorCode(call('ApplyLivenessToken', {}))).toBe(fault);
      expect(await call('ApplyLivenessToken', {})).toMatchObject({ SdkToken: anyOf(String) });
    },
  );

  it('latency holds one answer for latencyMs while the next call is answered at once', async () => {
    const callsSoFar = async () => (await emulator.sandbox.stats()).actions.ApplyLivenessToken?.calls ?? 0;
    const before = await callsSoFar();
    // Far longer than one local call, so the held answer cannot arrive before the next call's.
    await emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'latency', latencyMs: 3_000, count: 1 });
    let heldAnswered = false;
    const held = call('ApplyLivenessToken', {}).then((answer) => {
      heldAnswered = true;
      return answer;
    });
    // Counted when it arrives, right before the fault is drawn: from then on the fault is used up.
    await eventually(async () => expect(await callsSoFar()).toBe(before + 1), {
      what: 'the held call at the emulator',
      intervalMs: 20,
    });
    expect(await call('ApplyLivenessToken', {})).toMatchObject({ SdkToken: anyOf(String) });
    expect(heldAnswered).toBe(false);
    expect(await held).toMatchObject({ SdkToken: anyOf(String) });
  });

  it('connection_reset drops the connection without an answer', async () => {
    await emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'connection_reset', count: 1 });
    const error = await sdkError(call('ApplyLivenessToken', {}));
    expect(error.code).toBeUndefined();
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
    expect(await call('ApplyLivenessToken', {})).toMatchObject({ SdkToken: anyOf(String) });
  });

  it('malformed_json answers HTTP 200 with a truncated JSON body', async () => {
    await emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'malformed_json', count: 1 });
    const error = await sdkError(call('ApplyLivenessToken', {}));
    expect(error.code).toBeUndefined();
    expect(error.message).toMatch(/json/i);
  });

  it('http_5xx answers a non-200 status (502 by default, or the given status)', async () => {
    await emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'http_5xx', count: 1 });
    expect((await sdkError(call('ApplyLivenessToken', {}))).httpCode).toBe(502);
    await emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'http_5xx', status: 503, count: 1 });
    expect((await sdkError(call('ApplyLivenessToken', {}))).httpCode).toBe(503);
  });

  it('corrupt_media serves bytes that do not match the advertised MD5 (same size)', async () => {
    const token = await finishedLivenessToken();
    await emulator.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'corrupt_media', count: 1 });
    const corrupt = await call('GetLivenessResult', { SdkToken: token });
    for (const info of [corrupt.BestFrame, corrupt.Video] as Array<{ Url: string; MD5: string; Size: number }>) {
      const response = await send(info.Url);
      expect(response.status).toBe(200);
      expect(response.body.length).toBe(info.Size);
      expect(md5(response.body)).not.toBe(info.MD5);
    }
    const clean = (await call('GetLivenessResult', { SdkToken: token })).BestFrame as { Url: string; MD5: string };
    expect(md5((await send(clean.Url)).body)).toBe(clean.MD5);
  });

  it('corrupt_media with downloads 1 spoils only the first download of each file (a fault in transit)', async () => {
    const token = await finishedLivenessToken();
    await emulator.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'corrupt_media', count: 1, downloads: 1 });
    const video = (await call('GetLivenessResult', { SdkToken: token })).Video as { Url: string; MD5: string };
    expect(md5((await send(video.Url)).body)).not.toBe(video.MD5);
    expect(md5((await send(video.Url)).body)).toBe(video.MD5);
  });

  it('truncated_media announces the full length, sends half and drops the connection', async () => {
    const token = await finishedLivenessToken();
    await emulator.sandbox.injectFault({
      action: 'GetLivenessResult',
      fault: 'truncated_media',
      count: 1,
      downloads: 1,
    });
    const video = (await call('GetLivenessResult', { SdkToken: token })).Video as { Url: string; MD5: string };
    await expect(send(video.Url)).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    expect(md5((await send(video.Url)).body)).toBe(video.MD5);
  });

  it('slow_media spreads a download over latencyMs and counts it in flight meanwhile', async () => {
    const token = await finishedLivenessToken();
    await emulator.sandbox.injectFault({
      action: 'GetLivenessResult',
      fault: 'slow_media',
      count: 1,
      latencyMs: 2_000,
    });
    const video = (await call('GetLivenessResult', { SdkToken: token })).Video as { Url: string; MD5: string };
    const download = send(video.Url);
    // Still sending well after it began: in flight, seen by polling the stats.
    await eventually(async () => expect((await emulator.sandbox.stats()).media.inFlight).toBe(1), {
      what: 'the slowed download in flight',
    });
    expect(md5((await download).body)).toBe(video.MD5);
    expect((await emulator.sandbox.stats()).media.inFlight).toBe(0);
  });

  it('oversize_media hands out videos of the given size, MD5 and size advertised to match; images stay', async () => {
    const token = await finishedLivenessToken();
    const bytes = 6 * 1024 * 1024;
    await emulator.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'oversize_media', count: 1, bytes });
    const result = await call('GetLivenessResult', { SdkToken: token });
    const video = result.Video as { Url: string; MD5: string; Size: number };
    expect(video.Size).toBe(bytes);
    const body = (await send(video.Url)).body;
    expect([body.length, md5(body)]).toEqual([bytes, video.MD5]);
    expect((result.BestFrame as { Size: number }).Size).toBeLessThan(1024 * 1024);
  });

  it('refuses media fault options that do not fit the fault', async () => {
    await expect(emulator.sandbox.injectFault({ action: '*', fault: 'oversize_media' })).rejects.toThrow(/bytes/);
    await expect(emulator.sandbox.injectFault({ action: '*', fault: 'slow_media' })).rejects.toThrow(/latencyMs/);
    await expect(emulator.sandbox.injectFault({ action: '*', fault: 'expired_media', downloads: 1 })).rejects.toThrow(
      /downloads/,
    );
  });

  it('expired_media hands out URLs that are already expired (403)', async () => {
    const token = await finishedLivenessToken();
    await emulator.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'expired_media', count: 1 });
    const result = await call('GetLivenessResult', { SdkToken: token });
    expect((await send((result.Video as { Url: string }).Url)).status).toBe(403);
  });

  it('rate 1 fires on every call, rate 0 never, "*" matches every action; DELETE clears', async () => {
    await emulator.sandbox.injectFault({ action: '*', fault: 'InternalError', rate: 1 });
    expect(await errorCode(call('ApplyLivenessToken', {}))).toBe('InternalError');
    expect(await errorCode(call('GetFaceIdTokenIntl', {}))).toBe('InternalError');
    await emulator.sandbox.clearFaults();
    await emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'InternalError', rate: 0 });
    for (let i = 0; i < 5; i += 1)
      expect(await call('ApplyLivenessToken', {})).toMatchObject({ SdkToken: anyOf(String) });
  });

  it('rate 0.5 fires on roughly half the calls', async () => {
    await emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'InternalError', rate: 0.5 });
    let failures = 0;
    for (let i = 0; i < 200; i += 1) {
      if (
        await call('ApplyLivenessToken', {}).then(
          () => false,
          () => true,
        )
      )
        failures += 1;
    }
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
  });

  it('refuses malformed fault specs with 400', async () => {
    await expect(emulator.sandbox.injectFault({ action: 'Nope', fault: 'InternalError' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'latency' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      emulator.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'InternalError', count: 1, rate: 0.5 }),
    ).rejects.toMatchObject({
      status: 400,
    });
  });
});
