import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium';
import { FAST_TIMERS } from '../support/journeys';
import { API_KEY, resultOf, startGatewayFixture, type GatewayFixture } from '../integration/gateway/gateway-fixture';

const SCREENSHOT = resolve(__dirname, '..', '..', 'test-results', 'web-flow.png');

let gw: GatewayFixture;
let backend: Server;
let finalUrl: string;
const finalRequests: { url: string; referer: string | undefined }[] = [];
let browser: BrowserContext;
let profileDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`npm test\` as root (its pretest installs it) or apt-get install chromium`,
    );
  }
  // The backend's own page, where the browser must land after the verification.
  backend = createServer((request, response) => {
    // Browsers also ask the page's origin for /favicon.ico; only page loads count.
    if (request.url !== '/favicon.ico')
      finalRequests.push({ url: request.url ?? '', referer: request.headers.referer });
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>Backend</title><h1 id="done">Thanks, we are checking your verification</h1>');
  });
  await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
  finalUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/kyc/done`;
  gw = await startGatewayFixture();
  profileDir = await mkdtemp(join(tmpdir(), 'ekyc-chromium-'));
  browser = await launchChromium(profileDir);
});

afterAll(async () => {
  await browser?.close();
  await gw?.close();
  await new Promise<void>((done) => (backend ? backend.close(() => done()) : done()));
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

it('a user passes the web verification in a real browser and lands on the backend’s final URL; the journey is approved', async () => {
  const started = await gw.call('POST', '/v1/journeys', {
    bearer: API_KEY,
    json: {
      reference: gw.harness.reference('e2e-web'),
      flow: 'web',
      region: 'ap-singapore',
      web: { finalUrl },
      // A long start window: only the browser's return through the gateway can end the journey this soon.
      timers: { ...FAST_TIMERS, startWindowMs: 120_000 },
    },
  });
  expect(started.status).toBe(201);
  const { journeyId, token, verificationUrl } = started.body;
  expect(verificationUrl).toBeDefined();

  const page = await browser.newPage();
  // What the browser refused (a CSP violation, a failed request) explains a navigation that never arrives.
  const browserLog: string[] = [];
  page.on('console', (message) => browserLog.push(`console ${message.type()}: ${message.text()}`));
  page.on('requestfailed', (request) => browserLog.push(`failed ${request.failure()?.errorText ?? ''}`));
  await page.goto(verificationUrl as string);
  await page.click('button[data-scenario="pass"]');
  await page
    .waitForURL((url) => url.href.startsWith(finalUrl), { timeout: 15_000 })
    .catch((error: unknown) => {
      throw new Error(`the browser never reached the final URL (at ${page.url()}):\n${browserLog.join('\n')}`, {
        cause: error,
      });
    });
  await page.locator('#done').waitFor();
  await mkdir(resolve(SCREENSHOT, '..'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  expect(page.url()).toBe(finalUrl);
  expect(finalRequests).toHaveLength(1);
  // The BizToken travelled in the return URL; it must not follow the browser to the backend's page.
  expect(finalRequests[0]?.referer ?? '').not.toContain(token);

  const result = await resultOf(gw, journeyId);
  expect(result.body).toMatchObject({ journeyId, flow: 'web', outcome: 'approved', reasons: ['all_checks_passed'] });
});
