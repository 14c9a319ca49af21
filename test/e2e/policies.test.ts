import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { EkycClient } from '../../src/client/ekyc-client';
import { consoleRoutes } from '../../src/console/console-routes';
import { SANDBOX_CONSOLE_CLIENT_ID, SANDBOX_CONSOLE_CLIENT_SECRET } from '../../src/console/sandbox-accounts';
import { DEFAULT_POLICY_DOCUMENT, type PolicyDocument } from '../../src/contracts/policy-document';
import { createGateway } from '../../src/gateway/server';
import { decisionRecordSource } from '../../src/policy/backtest-records';
import { PolicyService } from '../../src/policy/policy-service';
import { AuditLog } from '../../src/review/audit-log';
import { ReviewService } from '../../src/review/review-service';
import { FilesystemStore } from '../../src/store/filesystem-store';
import type { DecisionInputs } from '../../src/workflows/decision';
import { freePorts } from '../../scripts/lib/free-port';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { CHROMIUM, launchChromiumBrowser } from './chromium';
import { startSandboxOidc, type SandboxOidcProcess } from './sandbox-oidc-process';

const ROOT = resolve(__dirname, '..', '..');
/** The back-test page as docs/console.md describes it. */
const SCREENSHOT = resolve(ROOT, 'test-results', 'console-policies-backtest.png');
const SECRET = 'policies-test-client-secret-key-000001';

let db: TestDatabase;
let policies: PolicyService;
let audit: AuditLog;
let storeDir: string;
let app: FastifyInstance;
let provider: SandboxOidcProcess | undefined;
let consoleUrl: string;
let issuerUrl: string;
let browser: Browser;
const connection = Connection.lazy({ address: '127.0.0.1:1' });

/** A selfie journey in compare mode whose checks all passed, FaceID's similarity `similarity`. */
function comparedAt(similarity: number): DecisionInputs {
  return {
    result: {
      codes: { action: 'GetFaceIdResultIntl', overall: '0' },
      compare: { passed: true, similarity },
      tagMatched: true,
    },
    expected: { compare: true, document: false, tagged: true },
  };
}

/** One decision record, as the worker writes it at a journey's end, decided by version 1. */
async function insertRecord(
  journeyId: string,
  ending: 'decided' | 'expired',
  outcome: string,
  reasons: string[],
  inputs: DecisionInputs | null,
  endedAt: Date,
): Promise<void> {
  const sha256 = (await policies.get(1)).sha256;
  await db.database.query(
    `INSERT INTO decision_records (journey_id, reference, flow, region, policy_version, policy_sha256, ending, outcome,
       policy_decision, reasons, inputs, stages, started_at, ended_at)
     VALUES ($1, $2, 'selfie', 'ap-singapore', 1, $3, $4, $5, $6, $7, $8, '{}', $9, $10)`,
    [
      journeyId,
      journeyId.slice('ekyc:'.length),
      sha256,
      ending,
      outcome,
      inputs ? outcome : null,
      reasons,
      inputs ? JSON.stringify({ decision: inputs }) : null,
      new Date(endedAt.getTime() - 60_000).toISOString(),
      endedAt.toISOString(),
    ],
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`npm test\` as root (its pretest installs it) or apt-get install chromium`,
    );
  }
  db = await createTestDatabase();
  storeDir = await mkdtemp(join(tmpdir(), 'console-policies-'));
  const store = new FilesystemStore(storeDir);
  audit = new AuditLog(store);
  policies = new PolicyService({ database: db.database, audit, fourEyes: true });
  await policies.ensureFirstVersion();
  // Yesterday's journeys under version 1: two approvals (similarity 78 and 95) and one that expired undecided.
  const yesterday = new Date(Date.now() - 24 * 3600 * 1000);
  await insertRecord('ekyc:policies-78', 'decided', 'approved', ['all_checks_passed'], comparedAt(78), yesterday);
  await insertRecord('ekyc:policies-95', 'decided', 'approved', ['all_checks_passed'], comparedAt(95), yesterday);
  await insertRecord('ekyc:policies-gone', 'expired', 'expired', ['user_did_not_finish'], null, yesterday);

  const [providerPort, consolePort] = (await freePorts(2)) as [number, number];
  consoleUrl = `http://127.0.0.1:${consolePort}`;
  provider = await startSandboxOidc(providerPort, consoleUrl);
  issuerUrl = provider.issuerUrl;

  // The Policies pages need no Temporal: the client never connects.
  const client = new Client({ connection });
  const ekyc = new EkycClient(client, 'unused');
  app = createGateway({
    client,
    ekyc,
    archive: store,
    settings: { apiKeys: [], operatorKeys: [], clientSecretKey: SECRET, sandbox: true },
    plugins: [
      consoleRoutes({
        review: new ReviewService({ journeys: ekyc, client, audit }),
        store,
        signInSecret: SECRET,
        audit,
        oidc: {
          issuer: issuerUrl,
          clientId: SANDBOX_CONSOLE_CLIENT_ID,
          clientSecret: SANDBOX_CONSOLE_CLIENT_SECRET,
          rolesClaim: 'ekyc_roles',
        },
        idleSeconds: 600,
        maxSeconds: 3600,
        publicUrl: consoleUrl,
        policies: { service: policies, records: decisionRecordSource(db.database) },
      }),
    ],
  });
  await app.listen({ host: '127.0.0.1', port: consolePort });
  browser = await launchChromiumBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  provider?.stop();
  await connection.close();
  await db?.drop();
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
});

/** Signs in on the provider's own page, as a person would; answers the page the console lands on. */
async function signIn(account: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${consoleUrl}/console`);
  await page.click('[data-sign-in]');
  await page.waitForURL((url) => url.href.startsWith(issuerUrl));
  await page.fill('input[name="login"]', account);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => url.href.startsWith(`${consoleUrl}/console`));
  await expect(page.locator('[data-user]').textContent()).resolves.toBe(account);
  return { context, page };
}

/** An attribute of every element a locator finds, in page order. */
async function attributesOf(locator: Locator, name: string): Promise<Array<string | null>> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}

/** Sends the draft form with `text` as the document. */
async function writeDraft(page: Page, text: string, note: string): Promise<number> {
  await page.fill('#document', text);
  await page.fill('#note', note);
  const [response] = await Promise.all([
    page.waitForResponse(
      (answer) => answer.url() === `${consoleUrl}/console/policies` && answer.request().method() === 'POST',
    ),
    page.click('button[data-action="draft"]'),
  ]);
  await page.waitForLoadState();
  return response.status();
}

it('a policy admin drafts a stricter version, compares it, back-tests it with its chart and asks to publish it; a second admin approves; reviewers see none of it', async () => {
  const since = new Date(Date.now() - 1_000);

  // A reviewer has no Policies link, and the pages refuse them.
  const reviewer = await signIn('reviewer-1');
  await expect(reviewer.page.locator('[data-policies-link]').count()).resolves.toBe(0);
  expect((await reviewer.context.request.get(`${consoleUrl}/console/policies`)).status()).toBe(403);
  expect((await reviewer.context.request.get(`${consoleUrl}/console/policies/1/backtest`)).status()).toBe(403);

  // policy-admin-1 lands on the policies, not the queue, and sees version 1 current.
  const first = await signIn('policy-admin-1');
  expect(new URL(first.page.url()).pathname).toBe('/console/policies');
  await expect(first.page.locator('nav a').allTextContents()).resolves.toEqual(['Policies']);
  await expect(first.page.locator('tr[data-version="1"] [data-current]').count()).resolves.toBe(1);
  expect((await first.context.request.get(`${consoleUrl}/console`, { maxRedirects: 0 })).status()).toBe(303);
  expect((await first.context.request.get(`${consoleUrl}/console/cases/ekyc:policies-78`)).status()).toBe(403);
  // The draft starts as the current document.
  expect(JSON.parse(await first.page.inputValue('#document'))).toEqual(DEFAULT_POLICY_DOCUMENT);

  // A document that does not validate comes back with each bad field named, and the text as typed.
  const bad = JSON.stringify({
    ...DEFAULT_POLICY_DOCUMENT,
    rules: { ...DEFAULT_POLICY_DOCUMENT.rules, similarityThreshold: 120, deviceRisk: { review: ['4'], reject: ['4'] } },
  });
  expect(await writeDraft(first.page, bad, 'too strict')).toBe(400);
  await expect(attributesOf(first.page.locator('[data-problem]'), 'data-problem')).resolves.toEqual([
    'rules.similarityThreshold',
    'rules.deviceRisk.reject',
  ]);
  expect(await first.page.inputValue('#document')).toBe(bad);

  // The stricter draft: similarity 85.
  const stricter: PolicyDocument = {
    ...DEFAULT_POLICY_DOCUMENT,
    rules: { ...DEFAULT_POLICY_DOCUMENT.rules, similarityThreshold: 85 },
  };
  expect(await writeDraft(first.page, JSON.stringify(stricter, null, 2), 'stricter face match')).toBe(303);
  await first.page.waitForURL(`${consoleUrl}/console/policies/2?done=drafted`);
  await expect(first.page.locator('[data-state]').textContent()).resolves.toBe('draft');
  expect(JSON.parse((await first.page.locator('[data-document]').textContent()) ?? '')).toEqual(stricter);

  // The diff against the current version names the one field.
  await first.page.click('[data-diff-link]');
  await first.page.waitForURL((url) => url.pathname === '/console/policies/diff');
  const rows = first.page.locator('[data-changes] tbody tr');
  await expect(rows.count()).resolves.toBe(1);
  await expect(rows.first().getAttribute('title')).resolves.toBe('rules.similarityThreshold: 70 → 85');

  // The back-test over the last 30 days: the 78 approval would be rejected, the 95 one and the expired one unchanged.
  await first.page.goto(`${consoleUrl}/console/policies/2`);
  await first.page.click('[data-backtest-link]');
  await first.page.click('button[data-action="backtest"]');
  await first.page.waitForURL((url) => url.searchParams.has('from'));
  await expect(first.page.locator('[data-changed-count]').textContent()).resolves.toBe('1');
  const bar = (series: string, outcome: string) =>
    first.page.locator(`[data-chart] svg rect[data-series="${series}"][data-outcome="${outcome}"]`);
  await expect(bar('before', 'approved').getAttribute('data-value')).resolves.toBe('2');
  await expect(bar('after', 'approved').getAttribute('data-value')).resolves.toBe('1');
  await expect(bar('after', 'rejected').getAttribute('data-value')).resolves.toBe('1');
  await expect(bar('before', 'expired').getAttribute('data-value')).resolves.toBe('1');
  // The chart is drawn: the browser lays the bars out in proportion (2 against 1).
  const heights = await Promise.all(
    [bar('before', 'approved'), bar('after', 'approved')].map((rect) => rect.boundingBox()),
  );
  expect(heights[0]?.height).toBeGreaterThan(0);
  expect((heights[0]?.height ?? 0) / (heights[1]?.height ?? 1)).toBeCloseTo(2, 1);
  await expect(first.page.locator('[data-chart] svg title').first().textContent()).resolves.toContain('version 2');
  await expect(
    first.page.locator('[data-matrix] tr[data-from="approved"] td[data-to="rejected"]').textContent(),
  ).resolves.toBe('1');
  await expect(first.page.locator('[data-reasons] [data-added="similarity_below_threshold"]').count()).resolves.toBe(1);
  await expect(attributesOf(first.page.locator('[data-changed] tbody tr'), 'data-journey')).resolves.toEqual([
    'ekyc:policies-78',
  ]);
  await mkdir(resolve(SCREENSHOT, '..'), { recursive: true });
  await first.page.screenshot({ path: SCREENSHOT, fullPage: true });

  // policy-admin-1 asks to publish it as current: under four-eyes it waits, and they cannot approve it themselves.
  await first.page.goto(`${consoleUrl}/console/policies/2`);
  await first.page.click('button[data-action="publish"]');
  await first.page.waitForURL((url) => url.searchParams.get('done') === 'awaiting_approval');
  await expect(first.page.locator('[data-waiting]').textContent()).resolves.toContain('waiting for a second admin');
  await expect(first.page.locator('button[data-action="publish"]').count()).resolves.toBe(0);
  await expect(policies.current()).resolves.toMatchObject({ version: 1 });

  // policy-admin-2 approves it: version 2 is current, version 1 stays published for the journeys pinned to it.
  const second = await signIn('policy-admin-2');
  await second.page.goto(`${consoleUrl}/console/policies/2`);
  await expect(second.page.locator('button[data-action="publish"]').textContent()).resolves.toBe(
    'Approve the publication as current',
  );
  await second.page.click('button[data-action="publish"]');
  await second.page.waitForURL((url) => url.searchParams.get('done') === 'published');
  await expect(second.page.locator('[data-state]').textContent()).resolves.toBe('published (current)');
  await expect(second.page.locator('[data-published]').textContent()).resolves.toContain(
    'policy-admin-1, approved by policy-admin-2',
  );
  await expect(policies.get(1)).resolves.toMatchObject({ state: 'published', current: false });

  // The current version cannot be retired, even by a forged form with a valid token.
  const csrf = await second.page.locator('input[name="csrf"]').first().inputValue();
  const retired = await second.context.request.post(`${consoleUrl}/console/policies/2/retire`, {
    form: { csrf },
    maxRedirects: 0,
  });
  expect(retired.status()).toBe(409);
  // A reviewer's form with their own valid token is refused before the service is asked.
  const reviewerCsrf = await reviewer.page.locator('input[name="csrf"]').first().inputValue();
  const forged = await reviewer.context.request.post(`${consoleUrl}/console/policies/1/retire`, {
    form: { csrf: reviewerCsrf },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  await expect(policies.get(1)).resolves.toMatchObject({ state: 'published' });

  // The audit log has each step under the admin who took it.
  const lines: string[] = [];
  for await (const line of audit.exportLines(since, new Date(Date.now() + 60_000))) lines.push(line);
  const steps = lines
    .map((line) => JSON.parse(line) as { actor: string; action: string; detail?: Record<string, string> })
    .filter((entry) => entry.action.startsWith('policy_'))
    .map((entry) => `${entry.actor} ${entry.action} ${entry.detail?.policyVersion ?? ''}`);
  expect(steps).toEqual([
    'policy-admin-1 policy_drafted 2',
    'policy-admin-1 policy_publish_requested 2',
    'policy-admin-2 policy_published 2',
  ]);

  for (const context of [reviewer.context, first.context, second.context]) await context.close();
});
