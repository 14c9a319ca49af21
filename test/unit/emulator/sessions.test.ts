import { ApiError } from '../../../src/emulator/envelope';
import { resolveCompletion } from '../../../src/emulator/completion';
import type { Scenario } from '../../../src/emulator/scenarios';
import { FLOW_WINDOWS, type Flow, type Session, SessionStore } from '../../../src/emulator/sessions';

const caller = { secretId: 'AKID', region: 'ap-singapore' };
const caps = { liveness: true, compare: true, document: true };
const options = { warningChecks: { enabled: false, selected: [] } };
const play = (scenario: Scenario) => (session: Session) => resolveCompletion(session, { scenario });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('token lifecycle', () => {
  const create = (store: SessionStore, flow: Flow) => store.create({ flow, ...caller, caps, options }, 0);

  it.each(Object.entries(FLOW_WINDOWS))(
    '%s: never started within the start window means BizTokenExpired',
    (flow, windows) => {
      const store = new SessionStore();
      const session = create(store, flow as Flow);
      expect(store.forResult(session.token, flow as Flow, caller, windows.startSeconds * 1000).token).toBe(
        session.token,
      );
      expect(codeOf(() => store.forResult(session.token, flow as Flow, caller, windows.startSeconds * 1000 + 1))).toBe(
        'InvalidParameterValue.BizTokenExpired',
      );
      expect(store.complete(session.token, play('pass'), windows.startSeconds * 1000 + 1)).toMatchObject({
        status: 410,
      });
    },
  );

  it.each(Object.entries(FLOW_WINDOWS))(
    '%s: a finished result is readable until the result window closes',
    (flow, windows) => {
      const store = new SessionStore();
      const session = create(store, flow as Flow);
      store.complete(session.token, play('pass'), 1000);
      expect(store.forResult(session.token, flow as Flow, caller, windows.resultSeconds * 1000).outcome?.scenario).toBe(
        'pass',
      );
      expect(codeOf(() => store.forResult(session.token, flow as Flow, caller, windows.resultSeconds * 1000 + 1))).toBe(
        'InvalidParameterValue.BizTokenExpired',
      );
    },
  );

  it('serves one process: a finished token cannot be completed again', () => {
    const store = new SessionStore();
    const session = create(store, 'ekyc');
    expect(store.complete(session.token, play('pass'), 1)).toBe(session);
    expect(store.complete(session.token, play('spoof'), 2)).toMatchObject({ status: 409 });
  });

  it('an abandoned (started) session stays unfinished past the start window and may still finish', () => {
    const store = new SessionStore();
    const session = create(store, 'selfie');
    store.complete(session.token, play('abandon'), 1000);
    const late = FLOW_WINDOWS.selfie.startSeconds * 1000 + 5000;
    expect(store.state(session, late)).toBe('started');
    expect(store.forResult(session.token, 'selfie', caller, late).outcome).toBeUndefined();
    store.complete(session.token, play('pass'), late);
    expect(store.state(session, late)).toBe('finished');
  });

  it('unknown tokens, other flows, accounts and regions are BizTokenIllegal', () => {
    const store = new SessionStore();
    const session = create(store, 'liveness');
    expect(codeOf(() => store.forResult('NOPE', 'liveness', caller, 0))).toBe('InvalidParameterValue.BizTokenIllegal');
    expect(codeOf(() => store.forResult(session.token, 'selfie', caller, 0))).toBe(
      'InvalidParameterValue.BizTokenIllegal',
    );
    expect(codeOf(() => store.forResult(session.token, 'liveness', { ...caller, secretId: 'other' }, 0))).toBe(
      'InvalidParameterValue.BizTokenIllegal',
    );
    expect(codeOf(() => store.forResult(session.token, 'liveness', { ...caller, region: 'ap-jakarta' }, 0))).toBe(
      'InvalidParameterValue.BizTokenIllegal',
    );
  });

  it('refuses scenarios the session does not run', () => {
    const store = new SessionStore();
    const session = store.create(
      { flow: 'liveness', ...caller, caps: { liveness: true, compare: false, document: false }, options: {} },
      0,
    );
    expect(store.complete(session.token, play('low_similarity'), 1)).toMatchObject({
      status: 400,
    });
  });
});
