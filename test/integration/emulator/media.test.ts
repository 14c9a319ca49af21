import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { md5, send } from './raw';
import { faceidClients, matching } from './sdk';

let emulator: RunningEmulator;
let call: ReturnType<typeof faceidClients>['call'];
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
  call = faceidClients({ endpoint: emulator.endpoint }).call;
});
afterAll(() => emulator.close());

type Info = { Url: string; MD5: string; Size: number };

async function ekycResult(): Promise<Record<string, unknown>> {
  const { SdkToken } = await call('ApplySdkVerificationToken', { CheckMode: 1, SecurityLevel: 2 });
  await emulator.sandbox.complete(SdkToken as string, 'pass');
  return call('GetSdkVerificationResult', { SdkToken });
}

describe('media at expiring URLs', () => {
  it('serves every FileInfo with exactly the advertised MD5 and size, and real formats', async () => {
    const result = await ekycResult();
    const card = (result.CardVerifyResults as Array<Record<string, Info>>)[0]!;
    const compare = (result.CompareResults as Array<Record<string, Info>>)[0]!;
    const files: Array<[Info, string]> = [
      [card.CardImage!, 'image/jpeg'],
      [card.CardInfoOcrJson!, 'application/json'],
      [compare.BestFrame!, 'image/jpeg'],
      [compare.ProfileImage!, 'image/jpeg'],
      [compare.LiveVideo!, 'video/mp4'],
      [compare.ActionVideo!, 'video/mp4'],
      [compare.LiveData!, 'application/octet-stream'],
    ];
    for (const [info, type] of files) {
      const response = await send(info.Url);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(type);
      expect(response.body.length).toBe(info.Size);
      expect(md5(response.body)).toBe(info.MD5);
    }
    const jpeg = (await send(compare.BestFrame!.Url)).body;
    expect([jpeg[0], jpeg[1], jpeg[jpeg.length - 2], jpeg[jpeg.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect((await send(compare.LiveVideo!.Url)).body.toString('ascii', 4, 8)).toBe('ftyp');
    expect(compare.LiveVideo!.Size).toBeGreaterThan(2_000_000);
    const ocr = JSON.parse((await send(card.CardInfoOcrJson!.Url)).body.toString('utf8')) as Record<string, unknown>;
    expect(ocr).toMatchObject({ EnName: 'SANDBOX TESTER', Permanent: 1, IdNum: matching(/^SBX/) });
  });

  it('hands out fresh URLs on each result call for the same bytes', async () => {
    const { SdkToken } = await call('ApplyLivenessToken', {});
    await emulator.sandbox.complete(SdkToken as string, 'pass');
    const first = (await call('GetLivenessResult', { SdkToken })).BestFrame as Info;
    const second = (await call('GetLivenessResult', { SdkToken })).BestFrame as Info;
    expect(second.Url).not.toBe(first.Url);
    expect(second.MD5).toBe(first.MD5);
  });

  it('URLs work for 10 emulator minutes, then answer 403; HEAD works; a forged URL is 404', async () => {
    const { SdkToken } = await call('ApplyLivenessToken', {});
    await emulator.sandbox.complete(SdkToken as string, 'pass');
    const video = (await call('GetLivenessResult', { SdkToken })).Video as Info;
    const head = await send(video.Url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(video.Size));
    await emulator.sandbox.advanceClock(590);
    expect((await send(video.Url)).status).toBe(200);
    await emulator.sandbox.advanceClock(20);
    const expired = await send(video.Url);
    expect(expired.status).toBe(403);
    expect(expired.body.toString()).toContain('AccessDenied');
    // Asking again (within the 2 h liveness result window) gives working URLs.
    const fresh = (await call('GetLivenessResult', { SdkToken })).Video as Info;
    expect(md5((await send(fresh.Url)).body)).toBe(fresh.MD5);
    const forged = fresh.Url.replace(/signature=[0-9a-f]+/, 'signature=00000000000000000000000000000000');
    expect((await send(forged)).status).toBe(404);
  });
});
