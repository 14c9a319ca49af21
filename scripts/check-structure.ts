/**
 * `npm run check:structure`: the floors of `src/` (no import runs up a floor, bar the allowed one) and no logic
 * repeated over six lines or more. `npm test` runs the same check (test/unit/structure/house.test.ts).
 */
import { join } from 'node:path';
import { describeFindings, inspectHouse } from './structure/house';

const findings = inspectHouse(join(__dirname, '..'));
const problems = describeFindings(findings);
for (const line of problems) process.stdout.write(`${line}\n`);
process.stdout.write(
  `${findings.files} files, ${findings.imports} imports of our own: ${findings.upImports.length} up a floor, ` +
    `${findings.unplaced.length} on no floor, ${findings.repeats.length} repeats\n`,
);
process.exitCode = problems.length === 0 ? 0 : 1;
