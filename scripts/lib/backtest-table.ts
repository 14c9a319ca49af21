import type { BacktestReport } from '../../src/policy/backtest';

/** Outcomes in the order a reader expects them; any other the records hold follows, alphabetically. */
const OUTCOME_ORDER = ['approved', 'review', 'rejected', 'expired', 'cancelled', 'failed'];

/** Columns two spaces apart; with `numbers`, every cell after the first is right-aligned. */
function table(rows: string[][], numbers = true): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 || !numbers ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

function outcomesIn(report: BacktestReport): string[] {
  const seen = new Set([...Object.keys(report.outcomes.own), ...Object.keys(report.outcomes.candidate)]);
  const known = OUTCOME_ORDER.filter((outcome) => seen.has(outcome));
  return [...known, ...[...seen].filter((outcome) => !OUTCOME_ORDER.includes(outcome)).sort()];
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

function reasonLine(label: string, counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([, a], [, b]) => b - a);
  return `${label}${entries.length === 0 ? 'none' : entries.map(([reason, n]) => `${reason} ${n}`).join(', ')}`;
}

/** `npm run policy -- backtest`'s answer as a reader wants it: counts, the matrix, reasons, the changed journeys. */
export function backtestTable(report: BacktestReport): string {
  const { period, candidate } = report;
  const scope = [period.flow ? `flow ${period.flow}` : '', period.region ? `region ${period.region}` : '']
    .filter(Boolean)
    .join(', ');
  const outcomes = outcomesIn(report);
  const own = (outcome: string) => report.outcomes.own[outcome] ?? 0;
  const theirs = (outcome: string) => report.outcomes.candidate[outcome] ?? 0;
  const cell = (from: string, to: string) =>
    String(report.transitions.find((pair) => pair.from === from && pair.to === to)?.count ?? 0);
  const changed = report.changed.journeys;
  return [
    `Back-test of policy version ${candidate.version} (sha256 ${candidate.sha256.slice(0, 12)}…)`,
    `journeys that ended from ${period.from} to ${period.to}${scope ? ` (${scope})` : ''}`,
    `${report.total} records, ${report.decided} with decision inputs (only those can change)`,
    '',
    ...table([
      ['outcome', 'own versions', `version ${candidate.version}`, 'change'],
      ...outcomes.map((outcome) => [
        outcome,
        String(own(outcome)),
        String(theirs(outcome)),
        signed(theirs(outcome) - own(outcome)),
      ]),
    ]),
    '',
    'transitions (rows: own outcome, columns: the candidate)',
    ...table([['', ...outcomes], ...outcomes.map((from) => [from, ...outcomes.map((to) => cell(from, to))])]),
    '',
    reasonLine('reasons added:   ', report.reasons.added),
    reasonLine('reasons removed: ', report.reasons.removed),
    '',
    changed.length === 0
      ? 'no journey would have ended otherwise'
      : `changed journeys${report.changed.next ? ` (first ${changed.length}; next page: --after ${report.changed.next})` : ''}`,
    ...(changed.length === 0
      ? []
      : table(
          [
            ['ended at', 'journey', 'flow', 'region', 'own version', 'own → candidate'],
            ...changed.map((journey) => [
              journey.endedAt,
              journey.journeyId ?? '(erased)',
              journey.flow,
              journey.region,
              journey.ownVersion === null ? '-' : String(journey.ownVersion),
              `${journey.own.decision} → ${journey.candidate.decision} (${journey.candidate.reasons.join(', ')})`,
            ]),
          ],
          false,
        )),
  ].join('\n');
}
