import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { canonicalJson, DEFAULT_POLICY_DOCUMENT, type PinnedPolicy } from '../../src/contracts/policy-document';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrations';
import { backtest, BACKTEST_READ_BATCH, type BacktestReport } from '../../src/policy/backtest';
import { decisionRecordSource } from '../../src/policy/backtest-records';
import { policySha256 } from '../../src/policy/policy-hash';
import { freePorts } from '../lib/free-port';
import { startDevPostgres } from '../lib/dev-postgres';
import { Supervisor } from '../lib/supervisor';
import { startStack } from './journeys/stack';
import { syntheticRecords, type SyntheticRecord } from './backtest-records';

/** The goal: a year of a busy bank's journeys, 100,000 records, back-tested within 30 s on this machine. */
const RECORDS = 100_000;
const GOAL_MS = 30_000;
const INSERT_BATCH = 5_000;
const DAY = 24 * 3600 * 1000;
/** The period: 365 days up to a fixed end, so every run inserts and reads the same records. */
const TO = Date.parse('2026-12-01T00:00:00.000Z');
const FROM = TO - 365 * DAY;

/** The heading of this bench's section of docs/benchmarks.md. */
export const BACKTEST_HEADING = '## Policy back-test';

const STRICTER = {
  ...DEFAULT_POLICY_DOCUMENT,
  rules: {
    ...DEFAULT_POLICY_DOCUMENT.rules,
    similarityThreshold: 80,
    deviceRisk: { review: ['2', '3'], reject: ['4'] },
  },
} satisfies PinnedPolicy['document'];

// One statement per batch: the rows travel as one JSON parameter and PostgreSQL unpacks them.
const INSERT_SQL = `
  INSERT INTO decision_records (journey_id, reference, flow, region, policy_version, policy_sha256, ending, outcome,
                                policy_decision, reasons, inputs, stages, started_at, ended_at)
  SELECT journey_id, reference, flow, region, policy_version, policy_sha256, ending, outcome, policy_decision, reasons,
         inputs, stages, started_at, ended_at
    FROM jsonb_to_recordset($1::jsonb) AS r(journey_id text, reference text, flow text, region text,
         policy_version int, policy_sha256 text, ending text, outcome text, policy_decision text, reasons text[],
         inputs jsonb, stages jsonb, started_at timestamptz, ended_at timestamptz)`;

async function insertRecords(db: Database, sha256: string): Promise<number> {
  const started = performance.now();
  let batch: SyntheticRecord[] = [];
  const flush = async () => {
    if (batch.length > 0) await db.query(INSERT_SQL, [JSON.stringify(batch)]);
    batch = [];
  };
  for (const record of syntheticRecords(RECORDS, FROM, TO, sha256)) {
    batch.push(record);
    if (batch.length === INSERT_BATCH) await flush();
  }
  await flush();
  await db.query('ANALYZE decision_records');
  return performance.now() - started;
}

async function insertVersion(db: Database, pinned: PinnedPolicy, state: 'published' | 'draft'): Promise<void> {
  await db.query(
    `INSERT INTO policy_versions (version, sha256, document, state, is_current, created_by, published_at, published_by)
     VALUES ($1, $2, $3, $4, $5, 'bench', CASE WHEN $5 THEN now() END, CASE WHEN $5 THEN 'bench' END)`,
    [pinned.version, pinned.sha256, canonicalJson(pinned.document), state, state === 'published'],
  );
}

/** The largest resident set `sample` sees while `work` runs, sampled every 20 ms. */
async function withPeakRss<T>(
  sample: () => number,
  work: () => Promise<T>,
): Promise<{ value: T; beforeBytes: number; peakBytes: number }> {
  const beforeBytes = sample();
  let peakBytes = beforeBytes;
  const timer = setInterval(() => (peakBytes = Math.max(peakBytes, sample())), 20);
  try {
    const value = await work();
    return { value, beforeBytes, peakBytes: Math.max(peakBytes, sample()) };
  } finally {
    clearInterval(timer);
  }
}

/** A process's resident set from /proc, in bytes. */
function procRss(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

interface Timed {
  wallMs: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  report: BacktestReport;
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
const perSecond = (ms: number) => Math.round((RECORDS * 1000) / ms).toLocaleString('en-US');

function row(name: string, timed: Timed): string {
  const rss = `${mib(timed.rssBeforeBytes)} → ${mib(timed.peakRssBytes)}`;
  return `| ${name} | ${(timed.wallMs / 1000).toFixed(2)} s | ${perSecond(timed.wallMs)} | ${rss} | ${(timed.wallMs / GOAL_MS).toFixed(2)} |`;
}

/**
 * Back-tests a stricter version over 100,000 synthetic decision records in a PostgreSQL 15 of its own: once with the
 * engine in this process, once through `POST /v1/policies/{version}/backtest` of a gateway started as `npm start` starts
 * it. Returns the docs/benchmarks.md section.
 */
export async function benchBacktest(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ekyc-bench-backtest-'));
  // PostgreSQL runs as its own user, who must reach its folder: a temporary folder is its creator's alone.
  chmodSync(dataDir, 0o755);
  const supervisor = new Supervisor((name, code) => {
    process.stderr.write(`[backtest] ${name} exited unexpectedly (code ${code})\n`);
  });
  let db: Database | undefined;
  try {
    const [port] = (await freePorts(1)) as [number];
    const url = await startDevPostgres(supervisor, dataDir, port);
    db = openDatabase({ url, applicationName: 'ekyc-bench' });
    await migrate(db);
    const first: PinnedPolicy = {
      version: 1,
      sha256: policySha256(DEFAULT_POLICY_DOCUMENT),
      document: DEFAULT_POLICY_DOCUMENT,
    };
    const candidate: PinnedPolicy = { version: 2, sha256: policySha256(STRICTER), document: STRICTER };
    await insertVersion(db, first, 'published');
    await insertVersion(db, candidate, 'draft');
    const insertMs = await insertRecords(db, first.sha256);
    process.stdout.write(`[backtest] inserted ${RECORDS} records in ${(insertMs / 1000).toFixed(1)} s\n`);
    const period = { from: new Date(FROM).toISOString(), to: new Date(TO).toISOString() };

    const source = decisionRecordSource(db);
    let started = performance.now();
    const inProcess = await withPeakRss(
      () => process.memoryUsage.rss(),
      () => backtest(source, candidate, period),
    );
    const engine: Timed = {
      wallMs: performance.now() - started,
      rssBeforeBytes: inProcess.beforeBytes,
      peakRssBytes: inProcess.peakBytes,
      report: inProcess.value,
    };

    const stack = await startStack({ quotaPerSecond: 20, workers: 0, webhooks: false, env: { DATABASE_URL: url } });
    let gateway: Timed;
    try {
      const pid = stack.pids.gateways[0] as number;
      started = performance.now();
      const answered = await withPeakRss(
        () => procRss(pid, 'VmRSS'),
        async () => {
          const response = await fetch(`${stack.gatewayUrl}/v1/policies/${candidate.version}/backtest`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.operatorKey}` },
            body: JSON.stringify(period),
          });
          if (response.status !== 200)
            throw new Error(`the gateway answered ${response.status}: ${await response.text()}`);
          return (await response.json()) as BacktestReport;
        },
      );
      gateway = {
        wallMs: performance.now() - started,
        rssBeforeBytes: answered.beforeBytes,
        peakRssBytes: answered.peakBytes,
        report: answered.value,
      };
    } finally {
      await stack.stop();
    }
    if (JSON.stringify(gateway.report) !== JSON.stringify(engine.report)) {
      throw new Error('the gateway and the engine answered differently');
    }
    return section(engine, gateway, insertMs);
  } finally {
    await db?.close();
    await supervisor.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function section(engine: Timed, gateway: Timed, insertMs: number): string {
  const { report } = engine;
  const own = report.outcomes.own;
  const candidate = report.outcomes.candidate;
  const outcomes = [...new Set([...Object.keys(own), ...Object.keys(candidate)])].sort();
  const met = Math.max(engine.wallMs, gateway.wallMs) <= GOAL_MS;
  const count = (n: number) => n.toLocaleString('en-US');
  const machine =
    `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 1024 ** 3)} GiB, ` +
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  return [
    BACKTEST_HEADING,
    '',
    `\`npm run bench -- backtest\` on ${machine}: ${count(RECORDS)} synthetic decision records (made-up ids; the`,
    'flows, regions and FaceID answers of a busy year, decided by the first policy version) in a PostgreSQL 15 of the',
    `bench (inserted in ${(insertMs / 1000).toFixed(1)} s, ${count(INSERT_BATCH)} rows per statement), back-tested over`,
    'the whole 365 days under a stricter draft (similarity 80, device risk 2 reviewed), read in keyset batches of',
    `${count(BACKTEST_READ_BATCH)}: once by the engine in the bench process, once through the gateway's route (a gateway`,
    `process started as \`npm start\` starts it). Goal: ≤ ${GOAL_MS / 1000} s for ${count(RECORDS)} records; ${met ? 'met' : 'missed'}.`,
    '',
    '| back-test | wall | records/s | RSS before → peak | of the goal |',
    '| --- | --- | --- | --- | --- |',
    row('engine, in the bench process', engine),
    row('`POST /v1/policies/2/backtest`, the gateway process', gateway),
    '',
    `Both answers are the same (checked): ${count(report.decided)} of ${count(report.total)} records had decision`,
    'inputs; the outcomes under their own version and under the draft:',
    '',
    '| outcome | own version | stricter draft |',
    '| --- | --- | --- |',
    ...outcomes.map((outcome) => `| ${outcome} | ${count(own[outcome] ?? 0)} | ${count(candidate[outcome] ?? 0)} |`),
    '',
  ].join('\n');
}
