import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { replaceSection } from './lib/markdown-section';
import { CLUSTER_SOAK_RESULTS_HEADING, rowFailed, soakSection, soakTable, SOAK_RESULTS_HEADING } from './soak/report';
import { CLUSTER_FAULTS } from './soak/cluster-faults';
import { FAULTS } from './soak/faults';
import { runSoak } from './soak/run';

/** How many times each cluster fault acts by default. */
const CLUSTER_REPEAT = 20;

/** Journeys per cluster fault by default, for each time it acts: journeys are in flight at every restart. */
const CLUSTER_JOURNEYS_PER_REPEAT = 3;

const USAGE = `npm run soak [-- options]
  --short            the short matrix (a few faults, 3 journeys each), as npm test runs it
  --cluster          on the topology of npm run cluster (PostgreSQL, the Temporal server with mutual TLS, MinIO,
                     two workers, two gateways), with the cluster's faults
  --repeat N         with --cluster: times each fault acts (default ${CLUSTER_REPEAT})
  --journeys N       journeys per fault (default 20; 3 with --short; ${CLUSTER_JOURNEYS_PER_REPEAT} per repeat with --cluster)
  --only a,b         these faults only (names as printed)
  --report FILE      also write the rows as JSON
Faults: ${FAULTS.map((fault) => fault.name).join(', ')}
Cluster faults: ${CLUSTER_FAULTS.map((fault) => fault.name).join(', ')}
A full run (no --short, no --only) writes its table into docs/operations.md.`;

/** A whole number from 1, or the fallback when the option is absent. */
function count(option: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${option} takes a whole number from 1`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      cluster: { type: 'boolean', default: false },
      repeat: { type: 'string' },
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
  const { cluster } = values;
  if (cluster && values.short) throw new Error("--short is the dev stack's matrix; on the cluster use --repeat");
  // On the dev stack a fault acts once per journey, so its repeats are its journeys.
  if (!cluster && values.repeat) throw new Error('--repeat goes with --cluster; on the dev stack use --journeys');
  const matrix = cluster ? CLUSTER_FAULTS : FAULTS;
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !matrix.some((fault) => fault.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown faults: ${unknown.join(', ')}\n${USAGE}`);
  const repeat = cluster ? count('--repeat', values.repeat, CLUSTER_REPEAT) : undefined;
  const journeys = count(
    '--journeys',
    values.journeys,
    repeat ? repeat * CLUSTER_JOURNEYS_PER_REPEAT : values.short ? 3 : 20,
  );
  const faults = matrix.filter((fault) => (only ? only.includes(fault.name) : !values.short || fault.short));

  const result = await runSoak({
    target: cluster ? 'cluster' : 'dev-server',
    faults,
    journeys,
    repeat: repeat ?? journeys,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${soakTable(result.rows)}\n`);
  if (values.report) writeFileSync(values.report, `${JSON.stringify(result, null, 2)}\n`);
  if (!values.short && !only) {
    const page = resolve(__dirname, '..', 'docs', 'operations.md');
    const args = [
      ...(cluster ? ['--cluster'] : []),
      ...(values.repeat ? [`--repeat ${repeat}`] : []),
      ...(values.journeys ? [`--journeys ${journeys}`] : []),
    ];
    const command = `npm run soak${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
    const heading = cluster ? CLUSTER_SOAK_RESULTS_HEADING : SOAK_RESULTS_HEADING;
    const updated = replaceSection(readFileSync(page, 'utf8'), heading, soakSection(result, command, heading));
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
