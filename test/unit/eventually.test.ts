import { eventually } from '../support/eventually';

describe('eventually', () => {
  it('answers the first value a check returns without throwing, retrying until then', async () => {
    let attempts = 0;
    const value = await eventually(
      () => {
        attempts += 1;
        if (attempts < 3) throw new Error(`attempt ${attempts}`);
        return 'ready';
      },
      { what: 'the third attempt', intervalMs: 1 },
    );
    expect(value).toBe('ready');
    expect(attempts).toBe(3);
  });

  it('fails past its deadline, naming what it waited for and the last error', async () => {
    let attempts = 0;
    const failure = await eventually(
      () => {
        attempts += 1;
        throw new Error(`still ${attempts}`);
      },
      { what: 'something that never happens', timeoutMs: 50, intervalMs: 5 },
    ).catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toBe(`timed out after 50 ms waiting for something that never happens: still ${attempts}`);
    expect(failure.cause).toEqual(new Error(`still ${attempts}`));
  });

  it('does not wait for an attempt that hangs past the deadline', async () => {
    const failure = await eventually(() => new Promise<never>(() => undefined), {
      what: 'a hung check',
      timeoutMs: 50,
    }).catch((error: unknown) => error as Error);
    expect(failure.message).toBe(
      'timed out after 50 ms waiting for a hung check: the last attempt was still running after 50 ms',
    );
  });
});
