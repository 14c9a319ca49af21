/**
 * The Temporal UI of the dev server, as an operator uses it in Chromium: its codec endpoint set to the gateway's, a
 * completed journey's input and result encrypted until the browser signs in at the codec endpoint, then decoded; and
 * the journey list filtered by outcome. Screenshots land in test-results/.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium';
import { parseKeyRing, SANDBOX_CODEC_KEYS } from '../../src/codec';
import { codecRoutes } from '../../src/gateway/codec-routes';
import { CODEC_SESSION_COOKIE } from '../../src/gateway/codec-session';
import { createGateway } from '../../src/gateway/server';
import { createLogger } from '../../src/logging';
import { TEMPORAL_CLI_PATH } from '../../src/temporal/dev-server';
import { EKYC_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { eventually } from '../support/eventually';
import { inputFor } from '../support/journeys';

const RESULTS = resolve(__dirname, '..', '..', 'test-results');
const CODEC_TOKEN = 'e2e-codec-token-0000000001';
// "binary/encrypted" in Base64, as the UI prints metadata of a payload it could not decode.
const ENCRYPTED_MARK = Buffer.from('binary/encrypted').toString('base64');

let env: TestWorkflowEnvironment;
let harness: JourneyHarness;
let gateway: FastifyInstance;
let browser: BrowserContext;
let profileDir: string;
let uiUrl: string;
let gatewayUrl: string;
const auditLines: Record<string, unknown>[] = [];
let approved: { journeyId: string; reference: string };
let rejectedId: string;

/** A port free right now on loopback (the dev server's UI and the gateway must know each other's before starting). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function waitForUi(url: string): Promise<void> {
  await eventually(
    async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`UI answered ${response.status}`);
    },
    { what: `the Temporal UI at ${url}`, timeoutMs: 30_000 },
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`npm test\` as root (its pretest installs it) or apt-get install chromium`,
    );
  }
  const [uiPort, gatewayPort] = [await freePort(), await freePort()];
  uiUrl = `http://127.0.0.1:${uiPort}`;
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  // A dev server of this file's own: the shared one runs without its UI.
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI_PATH },
      ip: '127.0.0.1',
      ui: true,
      uiPort,
      searchAttributes: EKYC_SEARCH_ATTRIBUTES,
      extraArgs: ['--ui-codec-endpoint', `${gatewayUrl}/codec`],
      log: { format: 'pretty', level: 'error' },
    },
  });
  harness = await startJourneyHarness({ temporalAddress: env.address });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (typeof entry.codec === 'string') auditLines.push(entry);
      }
      done();
    },
  });
  gateway = createGateway({
    client: harness.client,
    ekyc: harness.ekyc,
    settings: { apiKeys: [], operatorKeys: [], clientSecretKey: 'e2e-client-secret-key-0000000000001', sandbox: true },
    logger: createLogger({ component: 'gateway', level: 'info', destination }),
    plugins: [
      codecRoutes({
        keyRing: parseKeyRing(SANDBOX_CODEC_KEYS),
        dataKeys: harness.dataKeys,
        tokens: [CODEC_TOKEN],
        uiOrigins: [uiUrl],
        namespace: 'default',
        endpointUrl: `${gatewayUrl}/codec`,
      }),
    ],
  });
  await gateway.listen({ host: '127.0.0.1', port: gatewayPort });

  // One approved journey and one rejected, so the outcome filter has something to leave out.
  const reference = harness.reference('e2e-ui');
  const started = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', reference));
  await harness.sandbox.complete(started.token, 'pass');
  await harness.ekyc.userFinished(started.journeyId);
  expect((await harness.ekyc.result(started.journeyId)).outcome).toBe('approved');
  approved = { journeyId: started.journeyId, reference };
  const other = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', harness.reference('e2e-ui-no')));
  await harness.sandbox.complete(other.token, 'spoof');
  await harness.ekyc.userFinished(other.journeyId);
  expect((await harness.ekyc.result(other.journeyId)).outcome).toBe('rejected');
  rejectedId = other.journeyId;

  await waitForUi(uiUrl);
  profileDir = await mkdtemp(join(tmpdir(), 'ekyc-chromium-'));
  browser = await launchChromium(profileDir, { width: 1440, height: 1000 });
  await mkdir(RESULTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await harness?.close();
  await env?.teardown();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

const workflowPage = () => `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(approved.journeyId)}`;

/** The Input and Result panel of the journey's page, once it shows `expected` (the codec round trip comes first). */
async function inputAndResult(page: Page, expected: RegExp): Promise<string> {
  await page.goto(workflowPage());
  const panel = page.locator('[data-testid="input-and-result"]');
  await panel.waitFor({ timeout: 30_000 });
  return eventually(
    async () => {
      const text = await panel.innerText();
      if (!expected.test(text)) throw new Error(`the panel does not show ${String(expected)} yet:\n${text}`);
      return text;
    },
    { what: `the panel to show ${String(expected)}`, timeoutMs: 30_000 },
  );
}

it('the UI, with credentials included for the codec endpoint but no session, shows input and result encrypted', async () => {
  const page = await browser.newPage();
  await page.goto(workflowPage());
  // Once per browser, as docs/operations.md tells operators: the dev server sets the UI's codec endpoint only, not
  // "Include cross-origin credentials", so the browser setting overrides it.
  await page.locator('[data-testid^="data-encoder-status"]').first().click();
  await page.locator('[data-testid="override-accordion"] > button').click();
  await page.locator('#use-local-endpoint-radio').check();
  await page.locator('#data-encoder-endpoint-input').fill(`${gatewayUrl}/codec`);
  // The panel's lower controls sit under the sticky top bar once scrolled into view: use them from the keyboard.
  await page.locator('#pass-access-credentials').focus();
  await page.keyboard.press('Space');
  expect(await page.locator('#pass-access-credentials').isChecked()).toBe(true);
  await page.locator('[data-testid="confirm-data-encoder-button"]').focus();
  await page.keyboard.press('Enter');

  // Both the input and the result as stored: the UI could not decode them.
  const text = await inputAndResult(page, new RegExp(`${ENCRYPTED_MARK}[^]*${ENCRYPTED_MARK}`));
  await page.screenshot({ path: join(RESULTS, 'temporal-ui-encrypted.png'), fullPage: true });
  expect(text).toContain(ENCRYPTED_MARK);
  expect(text).not.toContain('all_checks_passed');
  expect(text).not.toContain('"flow"');
  await expect(page.locator('[data-testid="data-encoder-status-error"]').count()).resolves.toBe(1);
  await page.close();
});

it('after signing in at the codec endpoint, the UI shows the input and result decoded', async () => {
  const page = await browser.newPage();
  await page.goto(`${gatewayUrl}/codec/login`);
  await page.fill('input[name="token"]', CODEC_TOKEN);
  await page.click('button[type="submit"]');
  await page.locator('[data-state="signed-in"]').waitFor();
  const cookie = (await browser.cookies(`${gatewayUrl}/codec/decode`)).find(
    (entry) => entry.name === CODEC_SESSION_COOKIE,
  );
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/codec' });

  auditLines.length = 0;
  const text = await inputAndResult(page, /all_checks_passed/);
  await page.screenshot({ path: join(RESULTS, 'temporal-ui-decoded.png'), fullPage: true });
  expect(text).toContain('all_checks_passed');
  expect(text).toContain('"outcome": "approved"');
  expect(text).toContain(`"reference": "${approved.reference}"`);
  expect(text).toContain('"flow": "liveness"');
  expect(text).not.toContain(ENCRYPTED_MARK);
  await expect(page.locator('[data-testid="data-encoder-status-success"]').count()).resolves.toBe(1);
  // The gateway logged the UI's decodes as the cookie session's, with payload counts.
  expect(auditLines).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ codec: 'decode', via: 'cookie session', namespace: 'default', outcome: 'ok' }),
    ]),
  );
  await page.close();
});

it('the journey list filtered by EkycOutcome = "approved" lists the journey and not the rejected one', async () => {
  const page = await browser.newPage();
  const query = encodeURIComponent('EkycOutcome="approved"');
  await page.goto(`${uiUrl}/namespaces/default/workflows?query=${query}`);
  await page.getByText(approved.journeyId, { exact: true }).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(RESULTS, 'temporal-ui-approved-list.png'), fullPage: true });
  const listed = await page.locator('main').innerText();
  expect(listed).toContain(approved.journeyId);
  expect(listed).not.toContain(rejectedId);
  await page.close();
});

it('the Temporal CLI decodes the journey through the same endpoint with a bearer token', async () => {
  const show = (auth: string[]) =>
    promisify(execFile)(TEMPORAL_CLI_PATH, [
      'workflow',
      'show',
      '--address',
      env.address,
      '--namespace',
      'default',
      '--workflow-id',
      approved.journeyId,
      '--codec-endpoint',
      `${gatewayUrl}/codec`,
      ...auth,
      '--output',
      'json',
    ]);
  const { stdout } = await show(['--codec-auth', `Bearer ${CODEC_TOKEN}`]);
  type Event = { workflowExecutionCompletedEventAttributes?: { result: { payloads: { data: string }[] } } };
  const completed = (JSON.parse(stdout) as { events: Event[] }).events.find(
    (event) => event.workflowExecutionCompletedEventAttributes,
  );
  const [result] = completed?.workflowExecutionCompletedEventAttributes?.result.payloads ?? [];
  expect(JSON.parse(Buffer.from(result?.data ?? '', 'base64').toString('utf8'))).toMatchObject({
    outcome: 'approved',
    reasons: ['all_checks_passed'],
  });
  // Without the token the endpoint answers 401, and the CLI retries the history page until its deadline.
  const refused = await show(['--command-timeout', '3s']).catch((error: unknown) => error as { stderr: string });
  expect(refused).toHaveProperty('stderr', expect.stringContaining('deadline exceeded'));
  expect(auditLines.filter((line) => line.via === 'bearer token').length).toBeGreaterThan(0);
});
