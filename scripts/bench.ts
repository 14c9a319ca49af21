/**
 * `npm run bench`: runs every benchmark in turn (they would skew each other in parallel on a small machine) and
 * writes docs/benchmarks.md with the command, the machine and the figures.
 *
 * `npm run bench -- <name…>` runs some of them (`backtest` alone replaces just its own section); `journeys` takes flags (`--only quota-bound|headroom|open-journeys|
 * latency|review-queue|reads`, `--journeys N`, `--quota N`, `--rate N`, `--cluster`, `--backend webhook|polling`, `--poll-ms N`). A full journeys run (no `--only`) alone replaces just its own
 * section of docs/benchmarks.md; a partial one leaves the page alone. The journey bench's last stdout line is its JSON
 * summary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchArchive } from './bench/archive';
import { BACKTEST_HEADING, benchBacktest } from './bench/backtest';
import { benchCodec } from './bench/codec';
import { benchEmulator } from './bench/emulator';
import { replaceSection, sectionOf } from './lib/markdown-section';
import {
  benchJourneys,
  CLUSTER_HEADING,
  journeysOptions,
  JOURNEYS_HEADING,
  type JourneysOptions,
} from './bench/journeys';

const DOCS = resolve(__dirname, '..', 'docs', 'benchmarks.md');
/** The hand-kept log of what each performance change bought: a full run keeps it at the end of the page. */
const CHANGE_LOG_HEADING = '## What each change bought';
const NAMES = ['emulator', 'archive', 'codec', 'backtest', 'journeys'] as const;
type Name = (typeof NAMES)[number];

interface Outcome {
  section: string;
  /** Printed last, as one JSON line. */
  summary?: Record<string, unknown>;
  /** Whether the section may go into docs/benchmarks.md (a full, successful run of it). */
  complete: boolean;
  failed?: boolean;
}

const benches: Record<Name, (options: JourneysOptions) => Promise<Outcome>> = {
  emulator: async () => ({ section: await benchEmulator(), complete: true }),
  archive: async () => ({ section: await benchArchive(), complete: true }),
  codec: async () => ({ section: await benchCodec(), complete: true }),
  backtest: async () => ({ section: await benchBacktest(), complete: true }),
  journeys: async (options) => {
    const result = await benchJourneys(options);
    return {
      section: result.section,
      summary: result.summary,
      complete: result.full && !result.failed,
      failed: result.failed,
    };
  },
};

function header(): string[] {
  return [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (one section alone: `npm run bench -- <name>`); every figure below is from the run',
    `on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}),`,
    `${Math.round(totalmem() / 1024 ** 3)} GiB memory, Node ${process.version}. Benchmarks measure speed and memory; tests`,
    'check behaviour and never time.',
    '',
  ];
}

function parseCommandLine(): { names: Name[]; options: JourneysOptions } {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      only: { type: 'string', multiple: true },
      journeys: { type: 'string' },
      quota: { type: 'string' },
      rate: { type: 'string' },
      cluster: { type: 'boolean' },
      backend: { type: 'string' },
      'poll-ms': { type: 'string' },
    },
  });
  for (const name of positionals) {
    if (!(NAMES as readonly string[]).includes(name)) throw new Error(`no benchmark "${name}" (${NAMES.join(', ')})`);
  }
  const flagged = Object.values(values).some((value) => value !== undefined);
  // Flags belong to the journey bench: with flags and no name, it is the one meant.
  const names = positionals.length > 0 ? (positionals as Name[]) : flagged ? ['journeys' as const] : [...NAMES];
  if (flagged && !names.includes('journeys'))
    throw new Error('--only, --journeys, --quota, --rate, --cluster, --backend and --poll-ms are journeys flags');
  return { names, options: journeysOptions(values) };
}

async function main(): Promise<number> {
  const { names, options } = parseCommandLine();
  const all = names.length === NAMES.length;
  const outcomes: Array<[Name, Outcome]> = [];
  for (const name of NAMES) {
    if (!names.includes(name)) continue;
    process.stdout.write(`running ${name} benchmark…\n`);
    const outcome = await benches[name](options);
    process.stdout.write(`${outcome.section}\n`);
    outcomes.push([name, outcome]);
  }
  const complete = outcomes.every(([, outcome]) => outcome.complete);
  if (all && complete) {
    // Kept from the page: the cluster's figures (`--cluster` runs write them) and the hand-kept change log.
    const page = readFileSync(DOCS, 'utf8');
    const kept = [sectionOf(page, CLUSTER_HEADING), sectionOf(page, CHANGE_LOG_HEADING)].flatMap((section) =>
      section ? [`${section}\n`] : [],
    );
    const sections = [...outcomes.map(([, outcome]) => outcome.section), ...kept];
    writeFileSync(DOCS, [...header(), ...sections].join('\n'));
    process.stdout.write(`wrote ${DOCS}\n`);
  } else if (names.length === 1 && names[0] === 'journeys' && complete) {
    // A full cluster run has its own section, kept beside the dev server's (and before the hand-kept change log).
    const heading = options.cluster ? CLUSTER_HEADING : JOURNEYS_HEADING;
    const journeys = outcomes[0]?.[1].section ?? '';
    const page = readFileSync(DOCS, 'utf8');
    const updated = sectionOf(page, heading)
      ? replaceSection(page, heading, journeys)
      : replaceSection(
          page,
          CHANGE_LOG_HEADING,
          `${journeys.trimEnd()}\n\n${sectionOf(page, CHANGE_LOG_HEADING) ?? ''}`,
        );
    writeFileSync(DOCS, updated);
    process.stdout.write(`replaced the ${options.cluster ? 'cluster' : 'journeys'} section of ${DOCS}\n`);
  } else if (names.length === 1 && names[0] === 'backtest' && complete) {
    // Its own section, replaced where it stands (on its first run, placed before the journeys').
    const backtest = outcomes[0]?.[1].section ?? '';
    const page = readFileSync(DOCS, 'utf8');
    const updated = sectionOf(page, BACKTEST_HEADING)
      ? replaceSection(page, BACKTEST_HEADING, backtest)
      : replaceSection(page, JOURNEYS_HEADING, `${backtest.trimEnd()}\n\n${sectionOf(page, JOURNEYS_HEADING) ?? ''}`);
    writeFileSync(DOCS, updated);
    process.stdout.write(`replaced the backtest section of ${DOCS}\n`);
  }
  const summary = outcomes.find(([name]) => name === 'journeys')?.[1].summary;
  if (summary) process.stdout.write(`${JSON.stringify(summary)}\n`);
  return outcomes.some(([, outcome]) => outcome.failed) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
