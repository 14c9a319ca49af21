import { FAST_TIMERS } from '../../support/journeys';
import { API_KEY, resultOf, startGatewayFixture, type Answer, type GatewayFixture } from './gateway-fixture';

const FINAL_URL = 'https://backend.example/ekyc/done?order=42';

let gw: GatewayFixture;
beforeAll(async () => {
  gw = await startGatewayFixture();
});
afterAll(() => gw?.close());

function expectProblem(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
}

const WEB_OPTIONS = {
  web: (finalUrl?: string) => ({ web: finalUrl ? { finalUrl } : {} }),
  'web-legacy': (finalUrl?: string) => ({
    webLegacy: {
      ...(finalUrl ? { finalUrl } : {}),
      CompareImageUrl: 'https://sandbox-bucket.cos.ap-singapore.myqcloud.com/compare.jpg',
      CompareImageMd5: '0123456789abcdef0123456789abcdef',
    },
  }),
};

function startWeb(flow: 'web' | 'web-legacy', finalUrl?: string): Promise<Answer> {
  return gw.call('POST', '/v1/journeys', {
    bearer: API_KEY,
    json: {
      reference: gw.harness.reference(`gw-${flow}`),
      flow,
      region: 'ap-singapore',
      ...WEB_OPTIONS[flow](finalUrl),
      timers: { ...FAST_TIMERS, startWindowMs: 60_000 },
    },
  });
}

/** Plays the browser on the emulator's page: submits a scenario and answers where FaceID sends the browser. */
async function submitOnPage(token: string, scenario: string): Promise<URL> {
  const response = await fetch(`${gw.harness.emulatorUrl}/web/verify/complete`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, scenario }).toString(),
  });
  expect(response.status).toBe(303);
  return new URL(response.headers.get('location') ?? '');
}

describe('GET /v1/web/return', () => {
  it.each(['web', 'web-legacy'] as const)(
    '%s: FaceID returns the browser to the gateway, which signals the journey and redirects to the final URL',
    async (flow) => {
      const started = await startWeb(flow, FINAL_URL);
      expect(started.status).toBe(201);
      const { journeyId, token, verificationUrl } = started.body;
      expect(verificationUrl).toContain('/web/verify?token=');

      const returnUrl = await submitOnPage(token, 'pass');
      expect(`${returnUrl.origin}${returnUrl.pathname}`).toBe(`${gw.url}/v1/web/return`);
      expect(returnUrl.searchParams.get('journey')).toBe(journeyId);
      expect(returnUrl.searchParams.get('token')).toBe(token);

      const back = await gw.call('GET', `${returnUrl.pathname}${returnUrl.search}`);
      expect(back.status).toBe(303);
      expect(back.headers.get('location')).toBe(FINAL_URL);
      expect(back.headers.get('referrer-policy')).toBe('no-referrer');
      // The start window is a minute long: only the return's signal can have ended the journey this soon.
      expect((await resultOf(gw, journeyId)).body.outcome).toBe('approved');
    },
  );

  it('refuses a token that is not the journey’s, and signals nothing', async () => {
    const { journeyId, token } = (await startWeb('web', FINAL_URL)).body;
    const forged = `/v1/web/return?journey=${encodeURIComponent(journeyId)}&token=${encodeURIComponent(`${token}x`)}`;
    expectProblem(await gw.call('GET', forged), 400, 'invalid_web_return');
    const status = await gw.call('GET', gw.path(journeyId), { bearer: API_KEY });
    expect(status.body).toMatchObject({ stage: 'awaiting_user', fetchAttempts: 0 });
  });

  it('refuses an unknown journey or a missing token with 400', async () => {
    expectProblem(
      await gw.call('GET', '/v1/web/return?journey=ekyc%3Anever-started&token=abc'),
      400,
      'invalid_web_return',
    );
    expectProblem(await gw.call('GET', '/v1/web/return?journey=ekyc%3Anever-started'), 400, 'validation_failed');
    expectProblem(await gw.call('GET', '/v1/web/return?journey=not-a-journey&token=abc'), 400, 'validation_failed');
  });
});

describe('web start bodies', () => {
  it('require a final URL when the gateway has no default', async () => {
    const answer = await startWeb('web');
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([
      { path: 'web.finalUrl', message: expect.stringContaining('required') as string },
    ]);
  });

  it('refuse plain http outside loopback, and a RedirectURL of the backend’s own', async () => {
    const insecure = await startWeb('web', 'http://backend.example/done');
    expectProblem(insecure, 400, 'validation_failed');
    expect(insecure.body.errors[0]?.path).toBe('web.finalUrl');

    const own = await gw.call('POST', '/v1/journeys', {
      bearer: API_KEY,
      json: {
        reference: gw.harness.reference('gw-own-redirect'),
        flow: 'web',
        region: 'ap-singapore',
        web: { finalUrl: FINAL_URL, RedirectURL: 'https://backend.example/return' },
      },
    });
    expectProblem(own, 400, 'validation_failed');
    expect(own.body.errors[0]?.path).toBe('web.RedirectURL');
  });

  it('accept http on loopback in sandbox mode', async () => {
    expect((await startWeb('web', 'http://127.0.0.1:3000/done')).status).toBe(201);
  });
});
