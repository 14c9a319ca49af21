// Integration tests drive a real server and real timers: a journey takes seconds, not milliseconds.
jest.setTimeout(120_000);
