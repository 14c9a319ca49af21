import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { type FaceIdSignMethod, isFaceIdError } from '../../../src/faceid';
import { eventually } from '../../support/eventually';
import { REGION, TOKEN, expectEnvelopeError, faceIdClient } from './harness';

// FaceID's quota is 20 requests per second per action; this emulator runs with that default limit.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(() => emulator.close());

describe('per-action rate limit (20/s) through the client', () => {
  it.each<[FaceIdSignMethod, 'ApplyLivenessToken' | 'ApplySdkVerificationToken']>([
    ['TC3-HMAC-SHA256', 'ApplyLivenessToken'],
    ['HmacSHA256', 'ApplySdkVerificationToken'],
  ])(
    '%s: of 21 concurrent %s calls exactly 20 succeed and the 21st is FaceIdRateLimited',
    async (signMethod, action) => {
      const faceid = faceIdClient(emulator, { signMethod });
      // A call of another action first, so connection set-up and module loading do not stretch the burst.
      const { SdkToken } = await faceid.getFaceIdTokenIntl(REGION, {});

      const settled = await Promise.allSettled(Array.from({ length: 21 }, () => faceid.call(action, REGION, {})));

      const tokens = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.SdkToken] : []));
      expect(tokens).toHaveLength(20);
      expect(new Set(tokens).size).toBe(20);
      for (const token of tokens) expect(token).toMatch(TOKEN);
      const refused = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(refused).toHaveLength(1);
      const error = refused[0];
      if (!isFaceIdError(error)) throw new Error('expected a FaceIdError');
      expectEnvelopeError(error, { action, kind: 'FaceIdRateLimited', code: 'RequestLimitExceeded', retryable: true });

      // The quota is per action: another action is admitted in the same second.
      expect(await faceid.getFaceIdResultIntl(REGION, { SdkToken })).toMatchObject({ Result: '-999' });
      // A peak of 21 in one second: the whole burst met the same window.
      expect((await emulator.sandbox.stats()).actions[action]).toEqual({
        calls: 21,
        peakPerSecond: 21,
        rateLimited: 1,
      });

      // The window slides: within the next second or two the action is admitted again.
      const admitted = await eventually(() => faceid.call(action, REGION, {}), {
        what: `${action} admitted again once the window slid`,
        timeoutMs: 3_000,
        intervalMs: 100,
      });
      expect(admitted.SdkToken).toMatch(TOKEN);
    },
  );
});
