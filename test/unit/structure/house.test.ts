import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFloors, FLOORS, type Floor } from '../../../scripts/structure/floors';
import { describeFindings, inspectHouse } from '../../../scripts/structure/house';
import { findRepeats } from '../../../scripts/structure/repeats';
import { sectionOf } from '../../../scripts/lib/markdown-section';

const root = join(__dirname, '..', '..', '..');

describe('the house', () => {
  it('has every file of src/ on a floor, no import up a floor bar the allowed one, and no repeated logic', () => {
    expect(describeFindings(inspectHouse(root))).toEqual([]);
  });

  it("is drawn in docs/architecture.md's floors table exactly as scripts/structure/floors.ts holds it", () => {
    const section = sectionOf(readFileSync(join(root, 'docs/architecture.md'), 'utf8'), '## Floors') ?? '';
    const rows = section
      .split('\n')
      .filter((line) => /^\| *\d+ *\|/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows.map(([, floor, rooms, holds]) => ({ floor: Number(floor), rooms, holds }))).toEqual(
      FLOORS.map((floor, index) => ({
        floor: index + 1,
        rooms: floor.rooms.map((room) => `\`${room}\``).join(', '),
        holds: floor.holds,
      })).reverse(),
    );
  });
});

describe('the floors check', () => {
  const floors: Floor[] = [
    { rooms: ['src/low/', 'src/top/ground.ts'], holds: 'ground' },
    { rooms: ['src/workflows/'], holds: 'middle' },
    { rooms: ['src/activities/', 'src/top/'], holds: 'top' },
  ];
  const files = ['src/low/a.ts', 'src/workflows/w.ts', 'src/activities/a.ts', 'src/top/t.ts', 'src/top/ground.ts'];
  const up = (from: string, to: string, typeOnly = false) => ({ from, to, typeOnly, line: 1 });

  it('reports an import up a floor, runtime or types, and lets imports down or across a floor pass', () => {
    const findings = checkFloors(
      files,
      [
        up('src/low/a.ts', 'src/workflows/w.ts'),
        up('src/low/a.ts', 'src/top/t.ts', true),
        up('src/top/t.ts', 'src/low/a.ts'),
        up('src/top/t.ts', 'src/activities/a.ts'),
        up('src/low/a.ts', 'src/top/ground.ts'),
      ],
      floors,
    );
    expect(findings.upImports.map(({ from, to }) => `${from} -> ${to}`)).toEqual([
      'src/low/a.ts -> src/workflows/w.ts',
      'src/low/a.ts -> src/top/t.ts',
    ]);
  });

  it("excuses only the workflows' type imports of activities", () => {
    const findings = checkFloors(
      files,
      [up('src/workflows/w.ts', 'src/activities/a.ts', true), up('src/workflows/w.ts', 'src/activities/a.ts')],
      floors,
    );
    expect(findings.upImports).toEqual([expect.objectContaining({ typeOnly: false })]);
  });

  it('reports a file that no floor names', () => {
    expect(checkFloors([...files, 'src/elsewhere/x.ts'], [], floors).unplaced).toEqual(['src/elsewhere/x.ts']);
  });
});

describe('the repeats check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'repeats-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const body = (count: number) =>
    Array.from({ length: count }, (_, i) => `  total = total * ${i + 2} + step(${i});`).join('\n');

  it('finds six identical lines of logic in two files, whatever their indentation, comments and blank lines', () => {
    writeFileSync(join(dir, 'a.ts'), `import { x } from './x';\nfunction a() {\n${body(6)}\n}\n`);
    writeFileSync(join(dir, 'b.ts'), `function b() {\n  // why\n\n${body(6).replace(/^ {2}/gm, '    ')}\n}\n`);
    expect(findRepeats(dir, ['a.ts', 'b.ts'])).toEqual([
      { first: { file: 'a.ts', from: 3, to: 8 }, second: { file: 'b.ts', from: 4, to: 9 }, lines: 6 },
    ]);
  });

  it('lets five lines, list literals and imports repeat', () => {
    const list = Array.from({ length: 8 }, (_, i) => `  'value-${i}',`).join('\n');
    const imports = Array.from({ length: 7 }, (_, i) => `import { v${i} } from './v${i}';`).join('\n');
    writeFileSync(join(dir, 'a.ts'), `${imports}\nconst a = [\n${list}\n];\nfunction a() {\n${body(5)}\n}\n`);
    writeFileSync(join(dir, 'b.ts'), `${imports}\nconst b = [\n${list}\n];\nfunction b() {\n${body(5)}\n}\n`);
    expect(findRepeats(dir, ['a.ts', 'b.ts'])).toEqual([]);
  });
});
