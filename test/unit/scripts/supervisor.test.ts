import { Supervisor } from '../../../scripts/lib/supervisor';

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
