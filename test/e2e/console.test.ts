import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { EkycClient } from '../../src/client/ekyc-client';
import { consoleRoutes } from '../../src/console/console-routes';
import { SANDBOX_CONSOLE_CLIENT_ID, SANDBOX_CONSOLE_CLIENT_SECRET } from '../../src/console/sandbox-accounts';
import { createGateway } from '../../src/gateway/server';
import { AuditLog } from '../../src/review/audit-log';
import { ReviewService } from '../../src/review/review-service';
import { freePorts } from '../../scripts/lib/free-port';
import { startWebhookReceiver, type WebhookReceiver } from '../../scripts/lib/webhook-receiver';
import { eventually } from '../support/eventually';
import { FAST_TIMERS, inputFor } from '../support/journeys';
import {
  API_KEY,
  CLIENT_SECRET_KEY,
  OPERATOR_ID,
  OPERATOR_KEY,
  startGatewayFixture,
  waitForStage,
  type GatewayFixture,
} from '../integration/gateway/gateway-fixture';
import { CHROMIUM, launchChromiumBrowser } from './chromium';
import { startSandboxOidc, type SandboxOidcProcess } from './sandbox-oidc-process';

const ROOT = resolve(__dirname, '..', '..');
const SCREENSHOT = resolve(ROOT, 'test-results', 'console-queue.png');
/** The case view as docs/console.md shows it. */
const CASE_SCREENSHOT = resolve(ROOT, 'test-results', 'console-case.png');
const WEBHOOK_SECRETS = ['console-test-webhook-secret-01'];
/** An operator key acting as reviewer-1, for the JSON route's decision on a case reviewer-1 holds. */
const REVIEWER_1_OPERATOR_KEY = 'console-test-reviewer-1-key-01';

let gw: GatewayFixture;
let provider: SandboxOidcProcess | undefined;
let consoles: FastifyInstance[] = [];
let consoleUrl: string;
/** A second console whose sessions end 4 s after sign-in. */
let shortConsoleUrl: string;
let browser: Browser;
let receiver: WebhookReceiver;

/** A gateway with the console on a fixed port (the sandbox provider knows its redirect URI before it listens). */
async function startConsole(port: number, maxSeconds: number): Promise<string> {
  const { client, taskQueue, archive } = gw.harness;
  const ekyc = new EkycClient(client, taskQueue, { archive, clientSecretKey: CLIENT_SECRET_KEY });
  const publicUrl = `http://127.0.0.1:${port}`;
  const audit = new AuditLog(archive);
  const app = createGateway({
    client,
    ekyc,
    archive,
    settings: {
      apiKeys: [API_KEY],
      operatorKeys: [{ id: OPERATOR_ID, key: OPERATOR_KEY }],
      clientSecretKey: CLIENT_SECRET_KEY,
      sandbox: true,
    },
    plugins: [
      consoleRoutes({
        review: new ReviewService({ journeys: ekyc, client, audit }),
        store: archive,
        signInSecret: CLIENT_SECRET_KEY,
        audit,
        oidc: {
          issuer: issuerUrl,
          clientId: SANDBOX_CONSOLE_CLIENT_ID,
          clientSecret: SANDBOX_CONSOLE_CLIENT_SECRET,
          rolesClaim: 'ekyc_roles',
        },
        idleSeconds: Math.min(600, maxSeconds),
        maxSeconds,
        publicUrl,
      }),
    ],
  });
  consoles.push(app);
  await app.listen({ host: '127.0.0.1', port });
  expect((app.server.address() as AddressInfo).port).toBe(port);
  return publicUrl;
}

let issuerUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`npm test\` as root (its pretest installs it) or apt-get install chromium`,
    );
  }
  receiver = await startWebhookReceiver({ host: '127.0.0.1', port: 0, path: '/hooks', secrets: WEBHOOK_SECRETS });
  gw = await startGatewayFixture({
    webhook: { url: receiver.url, secrets: WEBHOOK_SECRETS },
    operatorKeys: [{ id: 'reviewer-1', key: REVIEWER_1_OPERATOR_KEY }],
  });
  const [providerPort, consolePort, shortPort] = (await freePorts(3)) as [number, number, number];
  provider = await startSandboxOidc(providerPort, `http://127.0.0.1:${consolePort}`, [
    `http://127.0.0.1:${shortPort}/console/callback`,
  ]);
  issuerUrl = provider.issuerUrl;
  consoleUrl = await startConsole(consolePort, 3600);
  shortConsoleUrl = await startConsole(shortPort, 4);
  browser = await launchChromiumBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const app of consoles) await app.close();
  consoles = [];
  provider?.stop();
  await gw?.close();
  await receiver?.close();
});

/** An eKYC journey whose document warning sends it to review. */
async function journeyInReview(overrides: Record<string, unknown> = {}): Promise<string> {
  const reference = gw.harness.reference('console');
  const input = await inputFor(gw.harness, 'ekyc', reference);
  const started = await gw.call('POST', '/v1/journeys', {
    bearer: API_KEY,
    // A review deadline well beyond the test, however slow the machine: the case must stay in the queue throughout.
    json: { ...input, timers: { ...FAST_TIMERS, startWindowMs: 60_000, reviewDeadlineMs: 300_000 }, ...overrides },
  });
  const { journeyId, token, clientSecret } = started.body;
  await gw.harness.sandbox.complete(token, 'document_warning');
  await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: clientSecret });
  await waitForStage(gw, journeyId, 'in_review');
  return journeyId;
}

/** Signs in through the provider's own sign-in page, as a person would: the account id and any password. */
async function signIn(base: string, account: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/console`);
  await page.click('[data-sign-in]');
  await page.waitForURL((url) => url.href.startsWith(issuerUrl));
  await page.fill('input[name="login"]', account);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  await page.waitForURL(`${base}/console`);
  await expect(page.locator('[data-user]').textContent()).resolves.toBe(account);
  return { context, page };
}

/** The queue's row of a journey, once visibility shows it as `claimedBy` (empty: unclaimed). */
async function rowOf(page: Page, journeyId: string, claimedBy: string): Promise<ReturnType<Page['locator']>> {
  const row = page.locator(`tr[data-journey="${journeyId}"]`);
  await eventually(
    async () => {
      await page.reload();
      expect(await row.count()).toBe(1);
      expect((await row.locator('[data-claimed-by]').textContent())?.trim()).toBe(claimedBy);
    },
    { what: `${journeyId} in the queue claimed by "${claimedBy}"`, timeoutMs: 20_000, intervalMs: 500 },
  );
  return row;
}

it('reviewers sign in with OIDC and claim from the queue; a second reviewer is refused; auditors only read; forms need the CSRF token; sessions expire', async () => {
  const since = new Date(Date.now() - 1_000).toISOString();
  const journeyId = await journeyInReview();
  const caseUrl = (base: string, action: string) => `${base}/console/cases/${encodeURIComponent(journeyId)}/${action}`;

  // reviewer-1 claims the case.
  const first = await signIn(consoleUrl, 'reviewer-1');
  const unclaimed = await rowOf(first.page, journeyId, '');
  await unclaimed.locator('button[data-action="claim"]').click();
  await first.page.waitForURL((url) => url.pathname === '/console' && url.searchParams.get('done') === 'claimed');
  await expect(first.page.locator('[data-notice]').textContent()).resolves.toContain(`You hold ${journeyId}`);
  const claimed = await rowOf(first.page, journeyId, 'reviewer-1');
  await expect(claimed.locator('button[data-action="release"]').count()).resolves.toBe(1);
  await mkdir(resolve(SCREENSHOT, '..'), { recursive: true });
  await first.page.screenshot({ path: SCREENSHOT, fullPage: true });

  // reviewer-2 sees it taken, and the journey refuses their claim.
  const second = await signIn(consoleUrl, 'reviewer-2');
  const taken = await rowOf(second.page, journeyId, 'reviewer-1');
  const [refusal] = await Promise.all([
    second.page.waitForResponse((response) => response.url() === caseUrl(consoleUrl, 'claim')),
    taken.locator('button[data-action="claim"]').click(),
  ]);
  expect(refusal.status()).toBe(409);
  expect(refusal.headers()['cache-control']).toBe('no-store');
  await expect(second.page.locator('[data-message]').textContent()).resolves.toContain('held by another reviewer');

  // A form without the session's CSRF token is refused, even from a reviewer's own session.
  const noCsrf = await second.context.request.post(caseUrl(consoleUrl, 'claim'), { form: {}, maxRedirects: 0 });
  expect(noCsrf.status()).toBe(403);
  const wrongCsrf = await second.context.request.post(caseUrl(consoleUrl, 'claim'), {
    form: { csrf: 'not-the-token' },
    maxRedirects: 0,
  });
  expect(wrongCsrf.status()).toBe(403);

  // auditor-1 reads the queue without buttons; a forged claim with the auditor's own valid token is refused.
  const auditor = await signIn(consoleUrl, 'auditor-1');
  const audited = await rowOf(auditor.page, journeyId, 'reviewer-1');
  await expect(audited.locator('button').count()).resolves.toBe(0);
  await expect(auditor.page.locator('button[data-action]').count()).resolves.toBe(0);
  // The filters are a GET form: another flow hides the case, its own flow and reason show it.
  await auditor.page.selectOption('#flow', 'liveness');
  await auditor.page.click('button[type="submit"]:has-text("Filter")');
  await auditor.page.waitForURL((url) => url.searchParams.get('flow') === 'liveness');
  await expect(auditor.page.locator(`tr[data-journey="${journeyId}"]`).count()).resolves.toBe(0);
  await auditor.page.selectOption('#flow', 'ekyc');
  await auditor.page.fill('#reason', 'document_warning');
  await auditor.page.click('button[type="submit"]:has-text("Filter")');
  await auditor.page.waitForURL((url) => url.searchParams.get('reason') === 'document_warning');
  await expect(auditor.page.locator(`tr[data-journey="${journeyId}"]`).count()).resolves.toBe(1);
  const auditorCsrf = await auditor.page.locator('input[name="csrf"]').first().inputValue();
  const forged = await auditor.context.request.post(caseUrl(consoleUrl, 'claim'), {
    form: { csrf: auditorCsrf },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  const status = await gw.call('GET', gw.path(journeyId), { bearer: API_KEY });
  expect(status.body).toMatchObject({ review: { claimedBy: 'reviewer-1' } });

  // The claim is in the audit log under the OIDC account's id; the refused attempts are not.
  const until = new Date(Date.now() + 60_000).toISOString();
  const exported = await gw.call('GET', `/v1/audit?from=${since}&to=${until}`, { bearer: OPERATOR_KEY });
  const entries = exported.text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { actor: string; action: string; journeyId?: string });
  expect(entries.filter((entry) => entry.journeyId === journeyId)).toEqual([
    expect.objectContaining({ actor: 'reviewer-1', action: 'review_claimed', role: 'reviewer' }),
  ]);

  // Sign-out deletes the session: the old cookie no longer opens the queue.
  const cookies = await first.context.cookies(consoleUrl);
  await first.page.click('header button[type="submit"]');
  await first.page.locator('[data-sign-in]').waitFor();
  const replayed = await fetch(`${consoleUrl}/console`, {
    headers: { cookie: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') },
  });
  expect(replayed.status).toBe(401);

  // A session past its absolute expiry sends the browser back to sign-in.
  const short = await signIn(shortConsoleUrl, 'reviewer-2');
  await eventually(
    async () => {
      await short.page.reload();
      expect(await short.page.locator('[data-sign-in]').count()).toBe(1);
    },
    { what: 'the expired session back at sign-in', timeoutMs: 15_000, intervalMs: 500 },
  );

  // The case leaves the shared queue: reviewer-1 decides it through the JSON route.
  const decided = await gw.call('POST', gw.path(journeyId, '/review'), {
    bearer: REVIEWER_1_OPERATOR_KEY,
    json: { decision: 'approved', reason: 'console test done' },
  });
  expect(decided.status).toBe(200);

  for (const context of [first.context, second.context, auditor.context, short.context]) await context.close();
});

/** Waits until every image of the case page has loaded and decoded to a picture. */
async function imagesShown(page: Page, kinds: string[]): Promise<void> {
  for (const kind of kinds) {
    const image = page.locator(`img[data-kind="${kind}"]`);
    await eventually(
      async () =>
        expect(
          await image.evaluate(
            (element: { complete: boolean; naturalWidth: number }) => element.complete && element.naturalWidth,
          ),
        ).toBeGreaterThan(0),
      { what: `the ${kind} image shown`, timeoutMs: 10_000, intervalMs: 200 },
    );
  }
}

/** Fills and sends the case page's decision form; answers the response's status. */
async function decide(
  page: Page,
  decision: 'approved' | 'rejected',
  reasonCode: string,
  note: string,
): Promise<number> {
  await page.check(`input[name="decision"][value="${decision}"]`);
  await page.fill('#reasonCode', reasonCode);
  await page.fill('#note', note);
  const [response] = await Promise.all([
    page.waitForResponse((answer) => answer.url().endsWith('/decide') && answer.request().method() === 'POST'),
    page.click('button[data-action="decide"]'),
  ]);
  await page.waitForLoadState();
  return response.status();
}

it('reviewers see the case (images, checks, OCR fields, timeline) and decide it in the console: a racing reviewer is refused, a rejection needs a second reviewer, the journey ends and tells the backend, and the auditor exports every view', async () => {
  const since = new Date(Date.now() - 1_000).toISOString().slice(0, 10);
  const journeyId = await journeyInReview({ policy: { fourEyesRejection: true } });
  const caseUrl = `${consoleUrl}/console/cases/${encodeURIComponent(journeyId)}`;

  // reviewer-1 opens the case from the queue: the images stream through the gateway, never cached.
  const first = await signIn(consoleUrl, 'reviewer-1');
  const row = await rowOf(first.page, journeyId, '');
  await row.locator('a[data-open-case]').click();
  await first.page.waitForURL(caseUrl);
  await imagesShown(first.page, ['best-frame', 'card-image']);
  const src = await first.page.locator('img[data-kind="best-frame"]').getAttribute('src');
  expect(src).toMatch(/^\/console\/cases\/[^/]+\/media\/best-frame-[0-9a-f]{32}\.jpg$/);
  const image = await first.context.request.get(`${consoleUrl}${src ?? ''}`);
  expect(image.status()).toBe(200);
  expect(image.headers()['cache-control']).toBe('no-store');
  expect(image.headers()['content-type']).toBe('image/jpeg');
  // Without a session the image is refused; a key the journey does not list is not served.
  expect((await fetch(`${consoleUrl}${src ?? ''}`)).status).toBe(401);
  const other = await first.context.request.get(`${caseUrl}/media/video-${'0'.repeat(32)}.jpg`);
  expect(other.status()).toBe(404);
  await expect(first.page.locator('[data-liveness]').textContent()).resolves.toContain('passed');
  await expect(first.page.locator('[data-document]').textContent()).resolves.toContain('WARNING');
  await expect(first.page.locator('[data-codes]').textContent()).resolves.toBe(
    'GetSdkVerificationResult: overall 0, attempt 0, liveness 0, compare 0',
  );
  expect(await first.page.locator('[data-ocr] tr').count()).toBeGreaterThan(0);
  await expect(first.page.locator('[data-timeline] li[data-event="in_review"]').count()).resolves.toBe(1);

  // reviewer-1 claims it from the case page.
  await first.page.click('button[data-action="claim"]');
  await first.page.waitForURL((url) => url.searchParams.get('done') === 'claimed');
  await expect(first.page.locator('[data-claimed-by]').textContent()).resolves.toBe('reviewer-1');
  await imagesShown(first.page, ['best-frame', 'card-image']);
  await mkdir(resolve(CASE_SCREENSHOT, '..'), { recursive: true });
  await first.page.screenshot({ path: CASE_SCREENSHOT, fullPage: true });

  // reviewer-2 races: their decision is refused, naming who holds the case.
  const second = await signIn(consoleUrl, 'reviewer-2');
  await second.page.goto(caseUrl);
  expect(await decide(second.page, 'approved', 'glare_only', 'looks fine to me')).toBe(409);
  await expect(second.page.locator('[data-message]').textContent()).resolves.toContain('reviewer-1');

  // reviewer-1 rejects: under four-eyes that waits for a second reviewer, and reviewer-1 cannot be both.
  expect(await decide(first.page, 'rejected', 'document_tampered', 'the photo looks edited')).toBe(303);
  await first.page.waitForURL((url) => url.searchParams.get('done') === 'first_rejection');
  await expect(first.page.locator('[data-first-rejection]').textContent()).resolves.toContain('the photo looks edited');
  expect(await decide(first.page, 'rejected', 'document_tampered', 'again')).toBe(409);
  await expect(first.page.locator('[data-message]').textContent()).resolves.toContain('second, different reviewer');

  // An auditor reads the case but cannot decide it, even with their own valid CSRF token.
  const auditor = await signIn(consoleUrl, 'auditor-1');
  await auditor.page.goto(caseUrl);
  await imagesShown(auditor.page, ['best-frame']);
  await expect(auditor.page.locator('form[data-decide]').count()).resolves.toBe(0);
  const auditorCsrf = await auditor.page.locator('input[name="csrf"]').first().inputValue();
  const forged = await auditor.context.request.post(`${caseUrl}/decide`, {
    form: { csrf: auditorCsrf, decision: 'approved', note: 'auditor says yes' },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);

  // reviewer-2 gives the second decision: the journey ends approved and the backend's webhook arrives.
  await second.page.goto(caseUrl);
  await expect(second.page.locator('[data-first-rejection]').textContent()).resolves.toContain('reviewer-1');
  expect(await decide(second.page, 'approved', 'glare_only', 'glare on the card, not edits')).toBe(303);
  await second.page.waitForURL((url) => url.searchParams.get('done') === 'decided');
  const result = await gw.harness.ekyc.result(journeyId);
  expect(result).toMatchObject({
    outcome: 'approved',
    reasons: ['document_warning', 'review_approved', 'glare_only'],
    review: { reviewer: 'reviewer-2', firstRejection: { reviewer: 'reviewer-1', reasonCode: 'document_tampered' } },
  });
  const delivered = await receiver.waitFor(
    (received) =>
      received.some((entry) => entry.event.journeyId === journeyId && entry.event.type === 'journey.completed'),
    30_000,
  );
  expect(delivered).toBe(true);
  const completed = receiver.received.find(
    (entry) => entry.event.journeyId === journeyId && entry.event.type === 'journey.completed',
  );
  expect(completed?.event).toMatchObject({ outcome: 'approved' });
  await second.page.reload();
  await expect(second.page.locator('[data-decision]').textContent()).resolves.toContain('approved by reviewer-2');

  // The auditor exports the log from the console: every view and decision of this case, under each account.
  await auditor.page.click('a[data-audit-link]');
  await auditor.page.fill('#from', since);
  const [download] = await Promise.all([
    auditor.page.waitForEvent('download'),
    auditor.page.click('button[data-action="export"]'),
  ]);
  const path = await download.path();
  const lines = (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as { actor: string; action: string; journeyId?: string; detail?: Record<string, string> },
    );
  const ofCase = lines.filter((entry) => entry.journeyId === journeyId);
  const summary = ofCase.map((entry) =>
    `${entry.actor} ${entry.action} ${entry.detail?.kind ?? entry.detail?.decision ?? ''}`.trim(),
  );
  expect(summary).toEqual(
    expect.arrayContaining([
      'reviewer-1 case_viewed',
      'reviewer-1 media_viewed best-frame',
      'reviewer-1 media_viewed card-image',
      'reviewer-1 review_claimed',
      'reviewer-1 review_decided rejected',
      'auditor-1 case_viewed',
      'auditor-1 media_viewed best-frame',
      'reviewer-2 review_decided approved',
    ]),
  );
  // Refused attempts decided nothing and are not in the log as decisions.
  expect(summary.filter((line) => line.includes('review_decided'))).toHaveLength(2);
  // Only auditors export.
  const refusedExport = await first.context.request.get(`${consoleUrl}/console/audit`);
  expect(refusedExport.status()).toBe(403);

  for (const context of [first.context, second.context, auditor.context]) await context.close();
});
