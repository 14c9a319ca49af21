import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { FACEID_SIGN_METHODS, type FaceIdAction, type FaceIdClient } from '../../../src/faceid';
import {
  REGION,
  download,
  expectEnvelopeError,
  expectServedAsAdvertised,
  faceIdClient,
  failure,
  fileInfos,
} from './harness';

// Token and media lifetimes through the project's client, with the emulator clock moved forward. The clock only moves
// forward, so this file has its own emulator and every test measures from tokens it issues itself.

let emulator: RunningEmulator;
let faceid: FaceIdClient;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
  faceid = faceIdClient(emulator);
});
afterAll(() => emulator.close());

const HOUR = 3600;
const DAY = 24 * HOUR;

type Flow = 'selfie' | 'ekyc' | 'liveness' | 'web' | 'web-legacy';

/** Issue and result of one flow, the result reduced to its finished/unfinished code. */
const FLOWS: Record<Flow, { result: FaceIdAction; issue(): Promise<string>; read(token: string): Promise<string> }> = {
  selfie: {
    result: 'GetFaceIdResultIntl',
    issue: async () => (await faceid.getFaceIdTokenIntl(REGION, {})).SdkToken,
    read: async (token) => (await faceid.getFaceIdResultIntl(REGION, { SdkToken: token })).Result,
  },
  ekyc: {
    result: 'GetSdkVerificationResult',
    issue: async () => (await faceid.applySdkVerificationToken(REGION, { CheckMode: 1 })).SdkToken,
    read: async (token) => (await faceid.getSdkVerificationResult(REGION, { SdkToken: token })).Result,
  },
  liveness: {
    result: 'GetLivenessResult',
    issue: async () => (await faceid.applyLivenessToken(REGION, {})).SdkToken,
    read: async (token) => (await faceid.getLivenessResult(REGION, { SdkToken: token })).Result,
  },
  web: {
    result: 'GetWebVerificationResultIntl',
    issue: async () =>
      (await faceid.applyWebVerificationBizTokenIntl(REGION, { RedirectURL: 'https://a.example/cb' })).BizToken,
    read: async (token) => String((await faceid.getWebVerificationResultIntl(REGION, { BizToken: token })).ErrorCode),
  },
  'web-legacy': {
    result: 'GetWebVerificationResult',
    issue: async () =>
      (
        await faceid.applyWebVerificationToken(REGION, {
          RedirectUrl: 'https://a.example/cb',
          CompareImageUrl: 'https://b.example/face.jpg',
          CompareImageMd5: 'abcdefabcdefabcdefabcdefabcdefab',
        })
      ).BizToken,
    read: async (token) => String((await faceid.getWebVerificationResult(REGION, { BizToken: token })).ErrorCode),
  },
};

async function expectExpired(action: FaceIdAction, read: Promise<unknown>, token: string): Promise<void> {
  const error = await failure(read);
  expectEnvelopeError(
    error,
    { action, kind: 'FaceIdTokenExpired', code: 'InvalidParameterValue.BizTokenExpired', retryable: false },
    token,
  );
}

describe('token windows on the emulator clock', () => {
  it('a token never started is FaceIdTokenExpired once its start window passes (10 min; 2 h for legacy web)', async () => {
    const flows = Object.keys(FLOWS) as Flow[];
    const tokens = new Map<Flow, string>();
    for (const flow of flows) tokens.set(flow, await FLOWS[flow].issue());
    const token = (flow: Flow) => tokens.get(flow)!;
    const unfinished: Record<Flow, string> = {
      selfie: '-999',
      ekyc: '-999',
      liveness: '-999',
      web: '17',
      'web-legacy': '17',
    };

    await emulator.sandbox.advanceClock(590);
    for (const flow of flows) expect(await FLOWS[flow].read(token(flow))).toBe(unfinished[flow]);

    await emulator.sandbox.advanceClock(15);
    for (const flow of ['selfie', 'ekyc', 'liveness', 'web'] as const) {
      await expectExpired(FLOWS[flow].result, FLOWS[flow].read(token(flow)), token(flow));
    }
    expect(await FLOWS['web-legacy'].read(token('web-legacy'))).toBe('17');
    // The user can no longer start it either.
    await expect(emulator.sandbox.complete(token('liveness'), 'pass')).rejects.toMatchObject({ status: 410 });

    await emulator.sandbox.advanceClock(2 * HOUR - 605 - 10);
    expect(await FLOWS['web-legacy'].read(token('web-legacy'))).toBe('17');
    await emulator.sandbox.advanceClock(15);
    await expectExpired('GetWebVerificationResult', FLOWS['web-legacy'].read(token('web-legacy')), token('web-legacy'));
  });

  it.each<[Flow, number]>([
    ['liveness', 2 * HOUR],
    ['selfie', 72 * HOUR],
    ['web', 259_200],
    ['ekyc', 3 * DAY],
    ['web-legacy', 3 * DAY],
  ])(
    '%s: a finished token is readable until %i s after issue, then FaceIdTokenExpired',
    async (flow, windowSeconds) => {
      const token = await FLOWS[flow].issue();
      await emulator.sandbox.complete(token, 'pass');
      await emulator.sandbox.advanceClock(windowSeconds - 60);
      // Readable any number of times inside the window.
      expect(await FLOWS[flow].read(token)).toBe('0');
      expect(await FLOWS[flow].read(token)).toBe('0');
      await emulator.sandbox.advanceClock(61);
      await expectExpired(FLOWS[flow].result, FLOWS[flow].read(token), token);
    },
  );

  it('a CardVerificationToken stays readable for 3 days, then FaceIdTokenExpired', async () => {
    const { CardVerificationToken } = await faceid.applyCardVerification(REGION, {
      Nationality: 'IDN',
      CardType: 'ID_CARD',
      ImageUrlFront: 'https://cdn.example/front.jpg',
    });
    const poll = () => faceid.getCardVerificationResult(REGION, { CardVerificationToken });
    await emulator.sandbox.advanceClock(3 * DAY - 60);
    expect((await poll()).Status).toBe('PROCESSING');
    expect((await poll()).Status).toBe('PASSED');
    await emulator.sandbox.advanceClock(61);
    await expectExpired('GetCardVerificationResult', poll(), CardVerificationToken);
  });
});

describe('media URL lifetime on the emulator clock', () => {
  it.each<['liveness' | 'ekyc', number]>([
    ['liveness', 2],
    ['ekyc', 7],
  ])(
    '%s: FileInfo URLs work for 10 minutes, then answer 403; a new result call hands out fresh ones',
    async (flow, count) => {
      const token = await FLOWS[flow].issue();
      await emulator.sandbox.complete(token, 'pass');
      const read = async () =>
        fileInfos(
          flow === 'ekyc'
            ? await faceid.getSdkVerificationResult(REGION, { SdkToken: token })
            : await faceid.getLivenessResult(REGION, { SdkToken: token }),
        );
      const first = await read();
      expect(first).toHaveLength(count);
      const expiredBefore = (await emulator.sandbox.stats()).media.expired ?? 0;

      await emulator.sandbox.advanceClock(590);
      for (const info of first) expect((await download(info.Url, 'HEAD')).status).toBe(200);
      await emulator.sandbox.advanceClock(20);
      for (const info of first) {
        const { status, body } = await download(info.Url);
        expect(status).toBe(403);
        expect(body.toString('utf8')).toContain('<Code>AccessDenied</Code>');
      }
      expect((await emulator.sandbox.stats()).media.expired).toBe(expiredBefore + count);

      const fresh = await read();
      expect(fresh.map((info) => info.MD5)).toEqual(first.map((info) => info.MD5));
      expect(fresh.some((info, i) => info.Url === first[i]?.Url)).toBe(false);
      await expectServedAsAdvertised(fresh);
    },
  );
});

describe('signing and the emulator clock', () => {
  it('days of emulator time later every signing method still authenticates (signatures use the real clock)', async () => {
    await emulator.sandbox.advanceClock(DAY);
    expect((await emulator.sandbox.stats()).clock.offsetSeconds).toBeGreaterThan(DAY);
    for (const signMethod of FACEID_SIGN_METHODS) {
      const issued = await faceIdClient(emulator, { signMethod }).applyLivenessToken(REGION, {});
      expect(await FLOWS.liveness.read(issued.SdkToken)).toBe('-999');
    }
  });
});
