import { applicableDetailCodes, applicableResultCodes, resolveCompletion } from '../../../src/emulator/completion';
import type { Outcome } from '../../../src/emulator/outcome';
import { warningChecks, type Capabilities } from '../../../src/emulator/scenarios';
import { type Flow, SessionStore } from '../../../src/emulator/sessions';
import { documentedCodes, type ResultAction } from '../../../src/faceid/result-codes';

const caller = { secretId: 'AKID', region: 'ap-singapore' };

/** One session configuration per flow and mode, as the token actions create them. */
const SESSIONS: Record<string, { flow: Flow; action: ResultAction; caps: Capabilities; idCard?: boolean }> = {
  'selfie liveness': { flow: 'selfie', action: 'GetFaceIdResultIntl', caps: caps(true, false, false) },
  'selfie compare': { flow: 'selfie', action: 'GetFaceIdResultIntl', caps: caps(true, true, false) },
  'ekyc CheckMode 1': { flow: 'ekyc', action: 'GetSdkVerificationResult', caps: caps(true, true, true) },
  'ekyc CheckMode 3': { flow: 'ekyc', action: 'GetSdkVerificationResult', caps: caps(true, false, false) },
  liveness: { flow: 'liveness', action: 'GetLivenessResult', caps: caps(true, false, false) },
  'web CheckMode 1': { flow: 'web', action: 'GetWebVerificationResultIntl', caps: caps(true, true, true) },
  'web CheckMode 3': { flow: 'web', action: 'GetWebVerificationResultIntl', caps: caps(true, false, false) },
  'web-legacy': { flow: 'web-legacy', action: 'GetWebVerificationResult', caps: caps(true, true, false) },
};

function caps(liveness: boolean, compare: boolean, document: boolean): Capabilities {
  return { liveness, compare, document };
}

/** A fresh session; `checked` puts FaceID's default warning checks on (an HK ID card), otherwise none apply. */
function session(name: keyof typeof SESSIONS, checked = false) {
  const config = SESSIONS[name]!;
  const options = { warningChecks: warningChecks(undefined, undefined, checked), extra: 'journey-7' };
  return new SessionStore().create({ flow: config.flow, ...caller, caps: config.caps, options }, 0);
}

function outcome(name: keyof typeof SESSIONS, body: Record<string, unknown>, checked = false): Outcome {
  const result = resolveCompletion(session(name, checked), body);
  if (result === 'abandon' || 'error' in result) throw new Error(`expected an outcome, got ${JSON.stringify(result)}`);
  return result;
}

function refusal(name: keyof typeof SESSIONS, body: Record<string, unknown>, checked = false): string {
  const result = resolveCompletion(session(name, checked), body);
  if (result === 'abandon' || !('error' in result)) throw new Error('expected a refusal');
  expect(result.status).toBe(400);
  return result.error;
}

const web = (action: ResultAction) => action.startsWith('GetWeb');

describe('resultCode: every code the matrix documents for the action and mode is accepted', () => {
  it.each(Object.keys(SESSIONS))('%s', (name) => {
    const { action, caps: sessionCaps } = SESSIONS[name]!;
    const documented = documentedCodes(action, 'overall', { compare: sessionCaps.compare });
    expect(documented.length).toBeGreaterThan(0);
    for (const code of documented) {
      const given = web(action) ? Number(code) : code;
      expect(outcome(name, { resultCode: given }).resultCode).toBe(code);
    }
    expect(applicableResultCodes(session(name))).toEqual(documented.map((code) => (web(action) ? Number(code) : code)));
  });

  it('a liveness-only selfie plays the 2xxx face codes FaceID documents for it, with Similarity 0', () => {
    for (const code of ['2012', '2013', '2014', '2017']) {
      expect(outcome('selfie liveness', { resultCode: code, similarity: 80 })).toMatchObject({
        resultCode: code,
        similarity: 0,
      });
    }
  });

  it('a scenario whose code FaceID does not document for the action is refused: the web flows have no 2017', () => {
    expect(refusal('web CheckMode 1', { scenario: 'face_occluded' })).toMatch(/scenario/);
    expect(outcome('selfie compare', { scenario: 'face_occluded' }).resultCode).toBe('2017');
  });

  it('the web flows also take a numeric string', () => {
    expect(outcome('web CheckMode 1', { resultCode: '1005' }).resultCode).toBe('1005');
  });
});

describe('resultCode: refused codes answer 400 naming why', () => {
  it('a code the matrix does not document for the mode, with the documented list', () => {
    expect(refusal('selfie liveness', { resultCode: '2016' })).toBe(
      'resultCode 2016 is not documented for GetFaceIdResultIntl in liveness mode (documented: 0, 1001, 1002, 1004, 1005, 1201, 2012, 2013, 2014, 2017)',
    );
    expect(refusal('liveness', { resultCode: '2015' })).toMatch(
      /^resultCode 2015 is not documented for GetLivenessResult/,
    );
    expect(refusal('web CheckMode 1', { resultCode: 5 })).toMatch(
      /^resultCode 5 is not documented for GetWebVerificationResultIntl in compare mode \(documented: 0, 1, 2, 3, 4, 8,/,
    );
    expect(refusal('ekyc CheckMode 1', { resultCode: '1003' })).toMatch(/not documented for GetSdkVerificationResult/);
  });

  it('the unfinished codes: a completed session has a final code', () => {
    expect(refusal('selfie compare', { resultCode: '-999' })).toMatch(
      /^resultCode -999 means the process is not finished/,
    );
    expect(refusal('web CheckMode 1', { resultCode: 17 })).toMatch(/^resultCode 17 means the process is not finished/);
    expect(refusal('web-legacy', { resultCode: '17' })).toMatch(/not finished/);
  });

  it('the type FaceID answers: strings for the SDK flows, numbers for the web flows', () => {
    expect(refusal('ekyc CheckMode 1', { resultCode: 1002 })).toMatch(/must be a string for GetSdkVerificationResult/);
    expect(refusal('web CheckMode 1', { resultCode: 'spoof' })).toMatch(/must be a number/);
  });

  it('scenario and resultCode together, or neither', () => {
    expect(refusal('selfie compare', { scenario: 'pass', resultCode: '0' })).toBe('give either scenario or resultCode');
    expect(refusal('selfie compare', {})).toBe('give either scenario or resultCode');
  });

  it('unknown fields', () => {
    expect(refusal('selfie compare', { resultCode: '0', resultcode: '1' })).toMatch(/unknown field resultcode/);
  });
});

describe('codes: the final attempt detail codes', () => {
  it.each(['selfie liveness', 'selfie compare', 'liveness'])('are refused for %s, which has none', (name) => {
    expect(refusal(name, { resultCode: '0', codes: { liveness: '0' } })).toMatch(/^codes do not apply to Get/);
  });

  it.each(['ekyc CheckMode 1', 'web CheckMode 1', 'web-legacy'])('accept every documented code on %s', (name) => {
    const { action } = SESSIONS[name]!;
    for (const field of ['liveness', 'compare'] as const) {
      for (const code of documentedCodes(action, field, { compare: true })) {
        const given = code === null ? null : web(action) ? Number(code) : code;
        expect(outcome(name, { resultCode: '0', codes: { [field]: given } })[field]).toBe(code);
      }
    }
  });

  it('eKYC takes "" as FaceID shows a step that did not run, and keeps it apart from null', () => {
    expect(outcome('ekyc CheckMode 1', { resultCode: '1002', codes: { liveness: '', compare: null } })).toMatchObject({
      resultCode: '1002',
      liveness: '',
      compare: null,
      similarity: 0,
    });
  });

  it('refuses an undocumented detail code, naming the field', () => {
    expect(refusal('ekyc CheckMode 1', { resultCode: '0', codes: { liveness: '2016' } })).toMatch(
      /^codes.liveness 2016 is not documented for GetSdkVerificationResult in compare mode \(documented: 0, 1001, 1002, 1004, 1005, 1201, null\)/,
    );
    expect(refusal('ekyc CheckMode 1', { resultCode: '0', codes: { compare: '1005' } })).toMatch(/^codes.compare 1005/);
    expect(refusal('web CheckMode 1', { resultCode: 0, codes: { liveness: '1005' } })).toMatch(/must be an integer/);
    expect(refusal('web CheckMode 1', { resultCode: 0, codes: { liveness: 17 } })).toMatch(/^codes.liveness 17/);
  });

  it('go with resultCode, not a scenario', () => {
    expect(refusal('web CheckMode 1', { scenario: 'pass', codes: { liveness: 1005 } })).toMatch(
      /codes go with resultCode/,
    );
  });

  it('lists the applicable detail codes for the session view, none for flows without details', () => {
    expect(applicableDetailCodes(session('ekyc CheckMode 1'))?.liveness).toEqual([
      '0',
      '1001',
      '1002',
      '1004',
      '1005',
      '1201',
      null,
    ]);
    expect(applicableDetailCodes(session('web CheckMode 1'))?.compare).toContain(2016);
    expect(applicableDetailCodes(session('selfie compare'))).toBeNull();
  });
});

describe('the details a code implies without codes', () => {
  it.each([
    ['ekyc CheckMode 1', '1002', '1002', '', 0, true],
    ['ekyc CheckMode 1', '2016', '0', '2016', 55, true],
    ['ekyc CheckMode 1', '2012', '0', '2012', 0, true],
    ['ekyc CheckMode 1', '0', '0', '0', 92.5, true],
    ['ekyc CheckMode 3', '0', '0', '', 0, true],
    ['web CheckMode 1', 1005, '1005', null, 0, true],
    ['web CheckMode 1', 2015, '0', '2015', 12, true],
    ['web CheckMode 1', 15, null, null, 0, false],
    ['web CheckMode 1', 16, null, null, 0, false],
    ['web-legacy', 202, null, null, 0, false],
  ] as const)('%s resultCode %s: liveness %s, compare %s, similarity %s', (name, code, live, compare, sim, final) => {
    expect(outcome(name, { resultCode: code })).toMatchObject({
      liveness: live,
      compare,
      similarity: sim,
      finalAttempt: final,
    });
  });

  it('a failing liveness detail leaves compare not run unless given', () => {
    expect(outcome('web CheckMode 1', { resultCode: 0, codes: { liveness: 1005 } })).toMatchObject({
      resultCode: '0',
      liveness: '1005',
      compare: null,
    });
  });
});

describe('ocr: the final OCR attempt', () => {
  it('is refused for sessions without a document step', () => {
    expect(refusal('ekyc CheckMode 3', { scenario: 'pass', ocr: { isPass: null } })).toMatch(
      /^ocr does not apply: this ekyc session has no document step/,
    );
  });

  it('edited is eKYC only: the web OCRResult has no IsEdit', () => {
    expect(outcome('ekyc CheckMode 1', { scenario: 'pass', ocr: { edited: true } }).document?.edited).toBe(true);
    expect(refusal('web CheckMode 1', { scenario: 'pass', ocr: { edited: true } })).toMatch(/has no IsEdit/);
  });

  it('takes every documented warning code and refuses others', () => {
    for (const code of [-9101, -9102, -9103, -9104, -9107, -9108, -9109, -9901]) {
      expect(outcome('ekyc CheckMode 1', { resultCode: '0', ocr: { warnings: [code] } }).document?.warnings).toEqual([
        code,
      ]);
    }
    expect(refusal('ekyc CheckMode 1', { resultCode: '0', ocr: { warnings: [-9105] } })).toMatch(/^ocr.warnings must/);
  });

  it('a warning the checks block fails the attempt and stops the session; -9109 never blocks', () => {
    expect(outcome('ekyc CheckMode 1', { scenario: 'document_warning' }, true).document).toEqual({
      isPass: false,
      warnings: [-9103],
      edited: false,
      blocked: true,
    });
    expect(outcome('ekyc CheckMode 1', { scenario: 'document_warning' }).document?.blocked).toBe(false);
    expect(outcome('ekyc CheckMode 1', { scenario: 'pass', ocr: { warnings: [-9109] } }, true).document).toMatchObject({
      isPass: true,
      blocked: false,
    });
    expect(refusal('ekyc CheckMode 1', { scenario: 'pass', ocr: { warnings: [-9103], isPass: true } }, true)).toMatch(
      /block under this session's warning checks/,
    );
    expect(
      refusal('ekyc CheckMode 1', { resultCode: '0', codes: { liveness: '0' }, ocr: { warnings: [-9103] } }, true),
    ).toMatch(/stops at the blocked OCR attempt/);
  });

  it('isPass null plays the nullable field; document scenarios play the attempt themselves', () => {
    expect(outcome('web CheckMode 1', { resultCode: 0, ocr: { isPass: null } }).document?.isPass).toBeNull();
    expect(refusal('ekyc CheckMode 1', { scenario: 'document_warning', ocr: { warnings: [] } })).toMatch(
      /does not combine with scenario document_warning/,
    );
  });
});

describe('extra', () => {
  it('overrides Extra where the answer has one, and is refused where it has none', () => {
    expect(outcome('selfie compare', { scenario: 'pass', extra: 'other-journey' }).extra).toBe('other-journey');
    expect(refusal('liveness', { scenario: 'pass', extra: 'x' })).toMatch(/GetLivenessResult: its answer has no Extra/);
    expect(refusal('web-legacy', { scenario: 'pass', extra: 'x' })).toMatch(/has no Extra/);
  });

  it('abandon takes none of the finishing fields', () => {
    expect(resolveCompletion(session('selfie compare'), { scenario: 'abandon' })).toBe('abandon');
    expect(refusal('selfie compare', { scenario: 'abandon', extra: 'x' })).toMatch(/^abandon leaves the session/);
  });
});
