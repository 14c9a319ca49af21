/**
 * The short fault-matrix soak (`npm run soak -- --short`), run as an operator runs it: its own stack of separate
 * processes, a few faults with a few journeys each, and not one journey lost, stuck, ended twice or wrong.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOSS_COLUMNS, type SoakRow } from '../../scripts/soak/audit';
import { FAULTS } from '../../scripts/soak/faults';

jest.setTimeout(15 * 60_000);

const ROOT = resolve(__dirname, '..', '..');

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ekyc-soak-test-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function soak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/soak.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, FACEID_SECRET_ID: '', FACEID_SECRET_KEY: '' },
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 14 * 60_000);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

test('the short matrix acts every fault and loses nothing', async () => {
  const reportPath = join(dir, 'soak.json');
  const run = await soak(['--short', '--report', reportPath]);
  if (run.code !== 0) process.stderr.write(`${run.stdout}\n${run.stderr.split('\n').slice(-60).join('\n')}\n`);
  expect(run.code).toBe(0);
  const { rows } = JSON.parse(readFileSync(reportPath, 'utf8')) as { rows: SoakRow[] };
  expect(rows.map((row) => row.fault)).toEqual(FAULTS.filter((fault) => fault.short).map((fault) => fault.name));
  for (const row of rows) {
    expect({ fault: row.fault, journeys: row.journeys }).toEqual({ fault: row.fault, journeys: 3 });
    for (const column of LOSS_COLUMNS)
      expect({ fault: row.fault, [column]: row[column] }).toEqual({ fault: row.fault, [column]: 0 });
    // Each fault acted at least once per journey: kills, restarts, faulty answers.
    expect(row.events).toBeGreaterThanOrEqual(3);
    expect(row.did).toMatch(/^[1-9]\d* /);
  }
  // The table a user reads has one line per fault.
  for (const row of rows)
    expect(run.stdout).toMatch(new RegExp(`^${row.fault}\\s+3\\s+\\d+\\s+0\\s+0\\s+0\\s+0\\s+0\\s+0\\s`, 'm'));
});
