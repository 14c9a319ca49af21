import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { replaceSection } from './lib/markdown-section';
import { rowFailed, soakSection, soakTable, SOAK_RESULTS_HEADING } from './soak/report';
import { FAULTS } from './soak/faults';
import { runSoak } from './soak/run';

const USAGE = `npm run soak [-- options]
  --short            the short matrix (a few faults, 3 journeys each), as npm test runs it
  --journeys N       journeys per fault (default 20; 3 with --short)
  --only a,b         these faults only (names as printed)
  --report FILE      also write the rows as JSON
Faults: ${FAULTS.map((fault) => fault.name).join(', ')}
A full run (no --short, no --only) writes its table into docs/operations.md.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      journeys: { type: 'string' },
      only: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !FAULTS.some((fault) => fault.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown faults: ${unknown.join(', ')}\n${USAGE}`);
  const journeys = values.journeys ? Number(values.journeys) : values.short ? 3 : 20;
  if (!Number.isInteger(journeys) || journeys < 1) throw new Error('--journeys takes a whole number from 1');
  const faults = FAULTS.filter((fault) => (only ? only.includes(fault.name) : !values.short || fault.short));

  const result = await runSoak({ faults, journeys, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${soakTable(result.rows)}\n`);
  if (values.report) writeFileSync(values.report, `${JSON.stringify(result, null, 2)}\n`);
  if (!values.short && !only) {
    const page = resolve(__dirname, '..', 'docs', 'operations.md');
    const command = `npm run soak${values.journeys ? ` -- --journeys ${journeys}` : ''}`;
    const updated = replaceSection(readFileSync(page, 'utf8'), SOAK_RESULTS_HEADING, soakSection(result, command));
    // Formatted as `npm run lint` wants the page (aligned tables).
    writeFileSync(page, await format(updated, { ...(await resolveConfig(page)), filepath: page }));
    process.stderr.write('[soak] results written to docs/operations.md\n');
  }
  const failed = result.rows.filter(rowFailed);
  if (failed.length > 0) process.stderr.write(`[soak] FAILED: ${failed.map((row) => row.fault).join(', ')}\n`);
  return failed.length > 0 ? 1 : 0;
}

// Ctrl-C and SIGTERM end the run through process.exit, so the stack's and the disk's exit handlers clean up.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[soak] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
