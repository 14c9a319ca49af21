import { ApplicationFailure } from '@temporalio/common';
import { createLogger, type Logger } from '../../../src/logging';
import { PinoSdkLogger } from '../../../src/workers/runtime-logger';

function capture(level: 'debug' | 'info' = 'debug'): { log: Logger; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const log = createLogger({ component: 'test', level, destination: { write: (line: string) => written.push(line) } });
  return { log, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes JSON lines with an ISO time, the level as a word and the component', () => {
    const { log, lines } = capture();
    log.info({ journeyId: 'ekyc:order-1' }, 'stage entered');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', component: 'test', journeyId: 'ekyc:order-1', msg: 'stage entered' }),
    ]);
    expect(Date.parse(lines()[0]?.time as string)).not.toBeNaN();
  });

  it('redacts secrets, tokens, media, card fields, URLs and bodies at the top level and nested', () => {
    const { log, lines } = capture();
    log.info(
      {
        SdkToken: 'sdk-token-value',
        clientSecret: 'client-secret-value',
        headers: { authorization: 'Bearer api-key-value' },
        request: { ImageBase64Front: 'front-image', CompareImageBase64: 'compare-image' },
        result: { CardInfo: { FullName: 'SANDBOX TESTER' }, VideoUrl: 'https://cos.example/v.mp4?sign=x' },
        error: { body: 'response body' },
      },
      'call',
    );
    const text = JSON.stringify(lines());
    for (const value of [
      'sdk-token-value',
      'client-secret-value',
      'api-key-value',
      'front-image',
      'compare-image',
      'SANDBOX TESTER',
      'cos.example',
      'response body',
    ]) {
      expect(text).not.toContain(value);
    }
    expect(lines()[0]).toMatchObject({ SdkToken: '[redacted]', request: { ImageBase64Front: '[redacted]' } });
  });

  it('redacts in arrays, two objects deep and in child bindings, and leaves deeper levels and the caller’s object alone', () => {
    const { log, lines } = capture();
    const fields = {
      media: [{ url: 'https://cos.example/a.mp4' }, { kind: 'video' }],
      outer: { inner: { token: 'deep-token', kept: 'visible' } },
    };
    log.child({ secretKey: 'binding-secret' }).info(fields, 'nested');
    const [line] = lines();
    expect(JSON.stringify(line)).not.toContain('cos.example');
    expect(JSON.stringify(line)).not.toContain('deep-token');
    expect(JSON.stringify(line)).not.toContain('binding-secret');
    expect(line).toMatchObject({
      media: [{ url: '[redacted]' }, { kind: 'video' }],
      outer: { inner: { token: '[redacted]', kept: 'visible' } },
    });
    // Redaction copies: the object the caller logged is not changed.
    expect(fields.outer.inner.token).toBe('deep-token');
  });

  it('keeps the name, type, code and message of an error, scrubbed, and nothing else', () => {
    const { log, lines } = capture();
    const failure = ApplicationFailure.create({
      type: 'MediaUrlExpired',
      message: 'video: http://127.0.0.1:9100/media/abc/video.mp4?expires=1&signature=deadbeef answered 403',
      details: [{ body: 'the response body' }],
    });
    log.warn({ err: failure }, 'activity failed');
    log.warn(new Error(`decode failed: ${'QUJD'.repeat(40)}`));
    const [first, second] = lines();
    expect(first?.err).toEqual({
      name: 'ApplicationFailure',
      type: 'MediaUrlExpired',
      message: 'video: [url redacted] answered 403',
    });
    expect(second).toMatchObject({ msg: 'decode failed: [base64 redacted]', err: { name: 'Error' } });
  });
});

describe('PinoSdkLogger', () => {
  it('forwards SDK lines to pino, demotes the SDK’s own INFO lines to debug and drops the expected notices', () => {
    const { log, lines } = capture('info');
    const sdk = new PinoSdkLogger(log);
    sdk.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    sdk.info('No activities registered, not polling for activity tasks', { sdkComponent: 'worker' });
    sdk.info('activity outcome', { sdkComponent: 'activity', journeyId: 'ekyc:a', kind: 'ok', taskToken: 'AAAA' });
    sdk.warn('Activity failed', { sdkComponent: 'worker', error: new Error('boom') });
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', msg: 'activity outcome', journeyId: 'ekyc:a', kind: 'ok' }),
      expect.objectContaining({ level: 'warn', msg: 'Activity failed', error: { name: 'Error', message: 'boom' } }),
    ]);
    // The task token completes the activity: it is dropped, not even shown redacted.
    expect(lines()[0]).not.toHaveProperty('taskToken');
  });

  it('reduces the worker options the SDK dumps at debug to their scalar settings', () => {
    const { log, lines } = capture('debug');
    new PinoSdkLogger(log).debug('Creating worker', {
      sdkComponent: 'worker',
      options: { taskQueue: 'q', maxCachedWorkflows: 10, dataConverter: { payloadCodecs: [{ key: 'secret' }] } },
    });
    expect(lines()[0]?.options).toEqual({ taskQueue: 'q', maxCachedWorkflows: 10 });
  });
});
