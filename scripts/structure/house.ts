import { importsOf, sourceFiles } from './imports';
import { checkFloors, type FloorFindings } from './floors';
import { findRepeats, type Repeat } from './repeats';

/** What the structure check finds in `src/` of the checkout at `root`. */
export interface HouseFindings extends FloorFindings {
  repeats: Repeat[];
  files: number;
  imports: number;
}

/** The floors and the repeats of `src/`: what `npm test` and `npm run check:structure` hold the code to. */
export function inspectHouse(root: string): HouseFindings {
  const files = sourceFiles(root, 'src');
  const imports = importsOf(root, files);
  return {
    ...checkFloors(files, imports),
    repeats: findRepeats(root, files),
    files: files.length,
    imports: imports.length,
  };
}

/** The findings in words, one line each; empty when the house is in order. */
export function describeFindings(findings: HouseFindings): string[] {
  return [
    ...findings.unplaced.map(
      (file) => `${file}: on no floor (add its folder to FLOORS in scripts/structure/floors.ts)`,
    ),
    ...findings.upImports.map(
      (entry) =>
        `${entry.from}:${entry.line} imports ${entry.to}${entry.typeOnly ? ' (types)' : ''}: ` +
        `floor ${entry.fromFloor} up to floor ${entry.toFloor}`,
    ),
    ...findings.repeats.map(
      (repeat) =>
        `${repeat.first.file}:${repeat.first.from}-${repeat.first.to} repeats at ` +
        `${repeat.second.file}:${repeat.second.from}-${repeat.second.to} (${repeat.lines} lines)`,
    ),
  ];
}
