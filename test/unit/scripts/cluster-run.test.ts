import { ClusterSetupError, run } from '../../../scripts/cluster/tools';

describe('run (the cluster scripts’ commands)', () => {
  it('returns what the command printed', async () => {
    await expect(run('echo', 'sh', ['-c', 'echo ready'])).resolves.toBe('ready\n');
  });

  it('passes its input on stdin', async () => {
    await expect(run('cat', 'cat', [], { input: 'schema' })).resolves.toBe('schema');
  });

  it('fails with the command’s own words on a non-zero exit', async () => {
    await expect(run('psql', 'sh', ['-c', 'echo "connection refused" >&2; exit 2'])).rejects.toThrow(
      new ClusterSetupError('psql failed (exit 2): connection refused'),
    );
  });

  it('reports the exit of a command that left before reading its input, without an EPIPE crash', async () => {
    // 4 MiB cannot fit the pipe's buffer: the write meets a closed pipe.
    const input = 'x'.repeat(4 * 1024 * 1024);
    await expect(run('psql', 'sh', ['-c', 'exit 2'], { input })).rejects.toThrow(ClusterSetupError);
    await expect(run('true', 'sh', ['-c', 'exit 0'], { input })).resolves.toBe('');
  });
});
