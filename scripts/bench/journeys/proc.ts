import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on every common Linux). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in ms: the process' own CPU and that of children it has reaped. */
  cpuMs: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone in the meantime
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted from the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(rest[n - 3] ?? 0);
  return { pid, ppid: field(4), cpuMs: ((field(14) + field(15) + field(16) + field(17)) * 1000) / TICKS_PER_SECOND };
}

/** The process and every live descendant (a dev server or a runner may fork helpers). */
function processTree(root: number): ProcStat[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
  const tree: ProcStat[] = [];
  const queue = [root];
  for (let i = 0; i < queue.length && i < 10_000; i += 1) {
    const pid = queue[i] as number;
    const stat = all.find((candidate) => candidate.pid === pid);
    if (stat) tree.push(stat);
    for (const child of all) if (child.ppid === pid) queue.push(child.pid);
  }
  return tree;
}

/** CPU time (user + system, ms) used so far by a process and its descendants, live or reaped. */
export function cpuMsOfTree(root: number): number {
  return processTree(root).reduce((sum, stat) => sum + stat.cpuMs, 0);
}

/** Resident set size (VmRSS) of one process, in MiB; 0 when it is gone. */
export function rssMiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** VmRSS of a process and its live descendants, in MiB. */
export function rssMiBOfTree(root: number): number {
  return processTree(root).reduce((sum, stat) => sum + rssMiB(stat.pid), 0);
}
