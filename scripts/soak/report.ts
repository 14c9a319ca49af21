import { cpus, totalmem } from 'node:os';
import { LOSS_COLUMNS, type SoakRow } from './audit';
import type { SoakResult } from './run';

/** The heading of the generated results section in docs/operations.md, for the dev stack. */
export const SOAK_RESULTS_HEADING = '## Soak results';

/** The heading of the cluster's results section in docs/operations.md. */
export const CLUSTER_SOAK_RESULTS_HEADING = '## Cluster soak results';

const COLUMNS: Array<[keyof SoakRow, string]> = [
  ['journeys', 'journeys'],
  ['events', 'events'],
  ['lost', 'lost'],
  ['stuck', 'stuck'],
  ['endedTwice', 'twice'],
  ['wrongOutcome', 'wrong'],
  ['webhooksMissing', 'no-webhook'],
  ['md5Mismatches', 'md5'],
  ['duplicateDeliveries', 'dup-deliveries'],
  ['reissuedTokens', 'reissued-tokens'],
];

/** Whether a row lost anything, or its fault acted fewer times than it had to (or failed itself). */
export function rowFailed(row: SoakRow): boolean {
  return !row.skipped && (LOSS_COLUMNS.some((column) => row[column] > 0) || row.events < row.repeat);
}

/** One line per fault, aligned, for the terminal; problems under the line that has them. */
export function soakTable(rows: readonly SoakRow[]): string {
  const width = Math.max(5, ...rows.map((row) => row.fault.length));
  const head = ['fault'.padEnd(width), ...COLUMNS.map(([, label]) => label)].join('  ');
  const lines = rows.map((row) => {
    const cells = COLUMNS.map(([key, label]) => (row.skipped ? '-' : String(row[key])).padStart(label.length));
    const mark = row.skipped ? '  skipped' : rowFailed(row) ? '  FAILED' : '';
    const problems = row.problems.map((problem) => `\n    ${problem}`).join('');
    return `${[row.fault.padEnd(width), ...cells].join('  ')}${mark}${problems}`;
  });
  return [head, ...lines].join('\n');
}

/** The docs/operations.md section of a full run under `heading`: command, machine, then one row per fault. */
export function soakSection(result: SoakResult, command: string, heading: string): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const machine =
    `${new Date().toISOString().slice(0, 10)}: ${cpus().length} CPUs (${model}), ` +
    `${Math.round(totalmem() / 1024 ** 3)} GiB memory`;
  const header = `| fault | what was done | ${COLUMNS.map(([, label]) => label).join(' | ')} |`;
  const rule = `| --- | --- | ${COLUMNS.map(() => '---:').join(' | ')} |`;
  const body = result.rows.map(
    (row) =>
      `| \`${row.fault}\` | ${row.did} | ${COLUMNS.map(([key]) => (row.skipped ? '—' : String(row[key]))).join(' | ')} |`,
  );
  const totals = COLUMNS.map(([key]) => String(result.rows.reduce((sum, row) => sum + (row[key] as number), 0)));
  return [
    heading,
    '',
    `Written by \`${command}\` (the last full run); ${machine}.`,
    ...(result.diskUnavailable ? ['', `The archive ran on the stack's folder: ${result.diskUnavailable}.`] : []),
    '',
    header,
    rule,
    ...body,
    `| **all** | | ${totals.join(' | ')} |`,
    '',
  ].join('\n');
}
