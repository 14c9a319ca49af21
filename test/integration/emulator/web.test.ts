import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { send } from './raw';
import { faceidClients } from './sdk';

let emulator: RunningEmulator;
let call: ReturnType<typeof faceidClients>['call'];
let common: ReturnType<typeof faceidClients>['common'];
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimitPerSecond: 10_000 });
  ({ call, common } = faceidClients({ endpoint: emulator.endpoint }));
});
afterAll(() => emulator.close());

function post(url: string, form: Record<string, string>) {
  return send(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

describe('the verification page the web flows point at', () => {
  it('shows one button per applicable scenario, with stable data-scenario attributes', async () => {
    const applied = await call('ApplyWebVerificationBizTokenIntl', {
      RedirectURL: 'https://backend.example/done',
      Config: { CheckMode: 1 },
    });
    const page = await send(applied.VerificationURL as string);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = page.body.toString();
    const scenarios = [...html.matchAll(/data-scenario="([a-z_]+)"/g)].map((m) => m[1]);
    expect(scenarios).toEqual([
      'pass',
      'spoof',
      'liveness_fail',
      'liveness_engine_error',
      'no_face',
      'compare_fail',
      'low_similarity',
      'image_size',
      'multiple_faces',
      'incomplete_face',
      'low_resolution',
      'document_warning',
      'document_rejected',
      'abandon',
    ]);
    expect(html).toContain('action="/web/verify/complete"');
  });

  it('a button finishes the session and 303-redirects to RedirectURL?token=<BizToken>, keeping its query', async () => {
    const applied = await call('ApplyWebVerificationBizTokenIntl', {
      RedirectURL: 'https://backend.example/done?journey=7',
    });
    const token = applied.BizToken as string;
    const answer = await post(`${emulator.url}/web/verify/complete`, { token, scenario: 'low_similarity' });
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe(`https://backend.example/done?journey=7&token=${token}`);
    expect(await call('GetWebVerificationResultIntl', { BizToken: token })).toMatchObject({ ErrorCode: 2016 });
    const again = await send(applied.VerificationURL as string);
    expect(again.status).toBe(409);
    expect((await post(`${emulator.url}/web/verify/complete`, { token, scenario: 'pass' })).status).toBe(409);
  });

  it('abandon leaves the session started and does not redirect', async () => {
    const applied = await call('ApplyWebVerificationBizTokenIntl', { RedirectURL: 'https://backend.example/done' });
    const answer = await post(`${emulator.url}/web/verify/complete`, {
      token: applied.BizToken as string,
      scenario: 'abandon',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.location).toBeUndefined();
    expect(await call('GetWebVerificationResultIntl', { BizToken: applied.BizToken })).toMatchObject({ ErrorCode: 17 });
  });

  it('works for the legacy flow (VerificationUrl, RedirectUrl) with its scenarios', async () => {
    const applied = await common('ApplyWebVerificationToken', {
      RedirectUrl: 'https://backend.example/legacy',
      CompareImageUrl: 'https://b.cos.ap-jakarta.myqcloud.com/x.jpg',
      CompareImageMd5: '0123456789abcdef0123456789abcdef',
    });
    const html = (await send(applied.VerificationUrl as string)).body.toString();
    expect([...html.matchAll(/data-scenario="([a-z_]+)"/g)].map((m) => m[1])).toEqual([
      'pass',
      'spoof',
      'liveness_fail',
      'liveness_engine_error',
      'no_face',
      'compare_fail',
      'low_similarity',
      'image_size',
      'multiple_faces',
      'incomplete_face',
      'low_resolution',
      'abandon',
    ]);
    const answer = await post(`${emulator.url}/web/verify/complete`, {
      token: applied.BizToken as string,
      scenario: 'pass',
    });
    expect(answer.headers.location).toBe(`https://backend.example/legacy?token=${applied.BizToken as string}`);
    const result = await common('GetWebVerificationResult', { BizToken: applied.BizToken });
    // The legacy flow says "Succeed" where the intl flow and the liveness and compare texts say "Success".
    expect(result).toMatchObject({ ErrorCode: 0, ErrorMsg: 'Succeed' });
    expect((result.VerificationDetailList as Array<Record<string, unknown>>).at(-1)).toMatchObject({
      ErrorMsg: 'Succeed',
      LivenessErrorMsg: 'Success',
      CompareErrorMsg: 'Success',
    });
  });

  it('unknown tokens get 404, expired ones 410, and SDK-flow tokens have no page', async () => {
    expect((await send(`${emulator.url}/web/verify?token=NOPE`)).status).toBe(404);
    const { SdkToken } = await call('ApplyLivenessToken', {});
    expect((await send(`${emulator.url}/web/verify?token=${SdkToken as string}`)).status).toBe(404);
    const applied = await call('ApplyWebVerificationBizTokenIntl', { RedirectURL: 'https://backend.example/done' });
    await emulator.sandbox.advanceClock(601);
    expect((await send(applied.VerificationURL as string)).status).toBe(410);
  });
});
