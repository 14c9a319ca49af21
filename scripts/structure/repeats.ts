import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How many significant lines in a row make a repeat. */
const REPEAT_LINES = 6;

/** One place a run of lines stands: its file and its first and last line (1-based). */
interface Place {
  file: string;
  from: number;
  to: number;
}

/** A run of identical significant lines standing in two places. */
export interface Repeat {
  first: Place;
  second: Place;
  lines: number;
}

/**
 * A line that carries no logic of its own: a comment, lone punctuation, or one literal of a list (the reference's
 * tables of codes and document types list the same values where FaceID does).
 */
const INSIGNIFICANT = /^(?:\/\/|\/\*|\*|[\s{}()[\];,.]*$|(?:'[^']*'|"[^"]*"|-?\d[\d_.]*),?$)/;

/**
 * A file's significant lines, with white space folded: blank lines, comments, lone punctuation and imports say nothing
 * about repeated logic, so they neither make nor break a run.
 */
function significantLines(text: string): Array<{ line: number; text: string }> {
  const kept: Array<{ line: number; text: string }> = [];
  let inImport = false;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim().replace(/\s+/g, ' ');
    if (inImport) {
      inImport = !/;$/.test(line);
      return;
    }
    if (/^(?:import|export \* from|export \{[^}]*\} from)\b/.test(line) || /^import\b/.test(line)) {
      inImport = !/;$/.test(line);
      return;
    }
    if (line === '' || INSIGNIFICANT.test(line)) return;
    kept.push({ line: index + 1, text: line });
  });
  return kept;
}

/** Runs of `REPEAT_LINES` or more identical significant lines that stand in two places of `files` (paths from `root`). */
export function findRepeats(root: string, files: readonly string[], minLines = REPEAT_LINES): Repeat[] {
  const lines = new Map(files.map((file) => [file, significantLines(readFileSync(join(root, file), 'utf8'))]));
  const windows = new Map<string, Array<{ file: string; index: number }>>();
  for (const [file, kept] of lines)
    for (let index = 0; index + minLines <= kept.length; index += 1) {
      const key = kept
        .slice(index, index + minLines)
        .map((entry) => entry.text)
        .join('\n');
      const at = windows.get(key) ?? [];
      at.push({ file, index });
      windows.set(key, at);
    }
  // Pairs of window starts, then runs: a pair whose predecessor pair also matched extends that run.
  const pairs = new Set<string>();
  const pairKey = (a: { file: string; index: number }, b: { file: string; index: number }) =>
    `${a.file}\0${a.index}\0${b.file}\0${b.index}`;
  const starts: Array<[{ file: string; index: number }, { file: string; index: number }]> = [];
  for (const at of windows.values())
    for (let i = 0; i < at.length; i += 1)
      for (let j = i + 1; j < at.length; j += 1) {
        const [a, b] = [at[i]!, at[j]!];
        if (a.file === b.file && Math.abs(a.index - b.index) < minLines) continue;
        pairs.add(pairKey(a, b));
        starts.push([a, b]);
      }
  const repeats: Repeat[] = [];
  for (const [a, b] of starts) {
    if (pairs.has(pairKey({ file: a.file, index: a.index - 1 }, { file: b.file, index: b.index - 1 }))) continue;
    let length = minLines;
    while (
      pairs.has(
        pairKey(
          { file: a.file, index: a.index + length - minLines + 1 },
          { file: b.file, index: b.index + length - minLines + 1 },
        ),
      )
    )
      length += 1;
    const place = (at: { file: string; index: number }): Place => {
      const kept = lines.get(at.file)!;
      return { file: at.file, from: kept[at.index]!.line, to: kept[at.index + length - 1]!.line };
    };
    repeats.push({ first: place(a), second: place(b), lines: length });
  }
  return repeats.sort((x, y) => y.lines - x.lines);
}
