/**
 * `npm run bench`: runs every benchmark in turn (they would skew each other in parallel on a small machine) and
 * writes docs/benchmarks.md with the command, the machine and the figures.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { benchArchive } from './bench/archive';
import { benchEmulator } from './bench/emulator';
import { benchJourneys } from './bench/journeys';

const benches: Array<[string, () => Promise<string>]> = [
  ['emulator', benchEmulator],
  ['archive', benchArchive],
  ['journeys', benchJourneys],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const sections: string[] = [];
  for (const [name, bench] of benches) {
    if (only.length > 0 && !only.includes(name)) continue;
    process.stdout.write(`running ${name} benchmark…\n`);
    const section = await bench();
    process.stdout.write(`${section}\n`);
    sections.push(section);
  }
  const header = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (one section alone: `npm run bench -- <name>`); every figure below is from the run',
    `on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}),`,
    `${Math.round(totalmem() / 1024 ** 3)} GiB memory, Node ${process.version}. Benchmarks measure speed and memory; tests`,
    'check behaviour and never time.',
    '',
  ];
  if (only.length === 0)
    writeFileSync(resolve(__dirname, '..', 'docs', 'benchmarks.md'), [...header, ...sections].join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
