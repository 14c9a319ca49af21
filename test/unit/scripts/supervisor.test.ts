import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor } from '../../../scripts/lib/supervisor';
import { eventually } from '../../support/eventually';

/** A child that runs until stopped, and sends `message` over its IPC channel after `afterMs` (if given). */
function child(message: string | undefined, afterMs = 0) {
  const send = message ? `setTimeout(() => process.send({ type: ${JSON.stringify(message)} }), ${afterMs});` : '';
  return { name: 'child', command: process.execPath, args: ['-e', `${send} setInterval(() => {}, 1000);`] };
}

describe('Supervisor readiness by message', () => {
  let supervisor: Supervisor;
  beforeEach(() => {
    supervisor = new Supervisor(() => undefined);
  });
  afterEach(() => supervisor.stop(2_000));

  it('treats a child as ready when it sends the ready message, whatever it logs', async () => {
    await expect(supervisor.start({ ...child('test:ready', 50), readyMessage: 'test:ready' })).resolves.toBeUndefined();
  });

  it('does not take another message for readiness: a child that exits after one was never ready', async () => {
    const other = {
      name: 'child',
      command: process.execPath,
      args: ['-e', "process.send({ type: 'test:other' }, () => process.exit(3));"],
    };
    await expect(supervisor.start({ ...other, readyMessage: 'test:ready' })).rejects.toThrow(
      'child exited with 3 before it was ready',
    );
  });
});

describe('Supervisor.replace', () => {
  it('stops a child with the signal and starts it again with the changed environment, as an expected exit', async () => {
    const unexpected: string[] = [];
    const lines: string[] = [];
    const supervisor = new Supervisor((name) => unexpected.push(name));
    const spec = {
      name: 'child',
      command: process.execPath,
      args: ['-e', "console.log('ready ' + (process.env.GENERATION ?? '1')); setInterval(() => {}, 1000);"],
      readyLine: /^ready /,
      output: (line: string) => lines.push(line),
    };
    try {
      await supervisor.start(spec);
      const first = supervisor.pids().child;
      await supervisor.replace('child', { signal: 'SIGKILL', env: { GENERATION: '2' } });
      expect(supervisor.pids().child).not.toBe(first);
      expect(lines).toEqual(['ready 1', 'ready 2']);
      await expect(supervisor.replace('nobody', { signal: 'SIGTERM' })).rejects.toThrow(
        'no running child named nobody',
      );
    } finally {
      await supervisor.stop(2_000);
    }
    expect(unexpected).toEqual([]);
  });
});

describe('Supervisor.replace when the successor dies before it is ready', () => {
  // Restarts a second apart (the supervisor's pause between starts) take about 4 s: too close to jest's default 5 s.
  it('starts it again, up to three times, then gives up with its exit', async () => {
    const supervisor = new Supervisor(() => undefined);
    const dir = mkdtempSync(join(tmpdir(), 'ekyc-supervisor-'));
    const tries = join(dir, 'tries');
    // Ready at once the first time; a successor fails its first start (a port still taken), then comes up.
    const script = [
      "const fs = require('fs');",
      `const file = ${JSON.stringify(tries)};`,
      "const n = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) + 1 : 0;",
      'fs.writeFileSync(file, String(n));',
      'if (n === 1) process.exit(1);',
      "console.log('ready'); setInterval(() => {}, 1000);",
    ].join(' ');
    const spec = {
      name: 'child',
      command: process.execPath,
      args: ['-e', script],
      readyLine: /^ready$/,
      output: () => {},
    };
    try {
      await supervisor.start(spec);
      await supervisor.replace('child', { signal: 'SIGKILL' });
      expect(readFileSync(tries, 'utf8')).toBe('2');
      // A successor that never comes up: three starts, then the last exit is the error.
      const once = join(dir, 'once');
      const flaky = [
        "const fs = require('fs');",
        `if (fs.existsSync(${JSON.stringify(once)})) process.exit(3);`,
        `fs.writeFileSync(${JSON.stringify(once)}, '');`,
        "console.log('ready'); setInterval(() => {}, 1000);",
      ].join(' ');
      await supervisor.start({ ...spec, name: 'flaky', args: ['-e', flaky] });
      await expect(supervisor.replace('flaky', { signal: 'SIGKILL' })).rejects.toThrow(
        'flaky exited with 3 before it was ready',
      );
    } finally {
      await supervisor.stop(2_000);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('Supervisor with a restart child that dies on its own', () => {
  it('starts it again and tells the caller, but not of an exit it asked for', async () => {
    const unexpected: string[] = [];
    const restarted: Array<[string, number | null]> = [];
    const supervisor = new Supervisor(
      (name) => unexpected.push(name),
      (name, code) => restarted.push([name, code]),
    );
    const lines: string[] = [];
    const spec = {
      name: 'child',
      command: process.execPath,
      args: ['-e', "console.log('ready'); setInterval(() => {}, 1000);"],
      readyLine: /^ready$/,
      output: (line: string) => lines.push(line),
      restart: true,
    };
    try {
      await supervisor.start(spec);
      await supervisor.replace('child', { signal: 'SIGTERM' });
      expect(restarted).toEqual([]);
      process.kill(supervisor.pids().child as number, 'SIGKILL');
      // The supervisor waits a second before the successor; its first line says it runs.
      await eventually(() => expect(lines).toHaveLength(3), { what: 'the successor running', timeoutMs: 10_000 });
      expect(restarted).toEqual([['child', null]]);
      expect(lines).toEqual(['ready', 'ready', 'ready']);
    } finally {
      await supervisor.stop(2_000);
    }
    expect(unexpected).toEqual([]);
  }, 20_000);
});
