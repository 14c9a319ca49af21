import { FACEID_SCHEMAS } from '../../../src/faceid/schemas';
import {
  documentedCodes,
  failingCode,
  SDK_FAILING_CODES,
  WEB_FAILING_CODES,
  type ResultAction,
} from '../../../src/faceid/result-codes';
import {
  normaliseEkyc,
  normaliseLiveness,
  normaliseSelfie,
  normaliseWebIntl,
  normaliseWebLegacy,
} from '../../../src/activities/normalize';
import { DEFAULT_POLICY_DOCUMENT } from '../../../src/contracts/policy-document';
import { decide, type DecisionOutcome } from '../../../src/workflows/decision';
import type { VerificationResult } from '../../../src/workflows/types';

const DEFAULT_POLICY = DEFAULT_POLICY_DOCUMENT.rules;

// Every documented code of every result action, in every mode the reference allows it, played as FaceID would answer
// it (parsed by the FaceID layer's schemas, normalised by the activity's code), then decided: success approves, each
// failing code ends the journey the way the code table says, and anything the table cannot vouch for is reviewed.

const TAG = 'journey-tag';
const REQUEST_ID = 'request-1';

interface Session {
  flow: 'selfie' | 'ekyc' | 'liveness' | 'web' | 'web-legacy';
  action: ResultAction;
  compare: boolean;
  /** The flow's own OCR step ran. */
  document: boolean;
  extra: boolean;
}

const SESSIONS: Array<Session & { name: string }> = [
  {
    name: 'selfie, liveness mode',
    flow: 'selfie',
    action: 'GetFaceIdResultIntl',
    compare: false,
    document: false,
    extra: true,
  },
  {
    name: 'selfie, compare mode',
    flow: 'selfie',
    action: 'GetFaceIdResultIntl',
    compare: true,
    document: false,
    extra: true,
  },
  { name: 'liveness', flow: 'liveness', action: 'GetLivenessResult', compare: false, document: false, extra: false },
  {
    name: 'eKYC CheckMode 1',
    flow: 'ekyc',
    action: 'GetSdkVerificationResult',
    compare: true,
    document: true,
    extra: true,
  },
  {
    name: 'eKYC CheckMode 2',
    flow: 'ekyc',
    action: 'GetSdkVerificationResult',
    compare: true,
    document: false,
    extra: true,
  },
  {
    name: 'eKYC CheckMode 3',
    flow: 'ekyc',
    action: 'GetSdkVerificationResult',
    compare: false,
    document: false,
    extra: true,
  },
  {
    name: 'web CheckMode 1',
    flow: 'web',
    action: 'GetWebVerificationResultIntl',
    compare: true,
    document: true,
    extra: true,
  },
  {
    name: 'web CheckMode 2',
    flow: 'web',
    action: 'GetWebVerificationResultIntl',
    compare: true,
    document: false,
    extra: true,
  },
  {
    name: 'web CheckMode 3',
    flow: 'web',
    action: 'GetWebVerificationResultIntl',
    compare: false,
    document: false,
    extra: true,
  },
  {
    name: 'web legacy',
    flow: 'web-legacy',
    action: 'GetWebVerificationResult',
    compare: true,
    document: false,
    extra: false,
  },
];

/** Detail codes of a consistent final attempt: 1xxx fails liveness (compare not run), 2xxx fails the comparison. */
function consistentDetails(code: string, compare: boolean): { liveness: string | null; compare: string | null } {
  if (code === '0') return { liveness: '0', compare: compare ? '0' : null };
  if (code.startsWith('1') && code.length === 4) return { liveness: code, compare: null };
  return { liveness: '0', compare: code };
}

interface Play {
  overall: string | null;
  /** Detail codes; `undefined` plays the consistent ones. */
  details?: { liveness: string | null; compare: string | null } | 'none';
  similarity?: number | null;
  extra?: string | null;
  card?: { isPass: boolean | null; warnings?: number[]; edited?: boolean } | 'none';
}

type Card = Exclude<Play['card'], 'none' | undefined>;
const passingCard: Card = { isPass: true, warnings: [] };

/** FaceID's answer for `session`, as the real schemas parse it, normalised as the activity does. */
function answer(session: Session, play: Play): VerificationResult {
  const extra = play.extra === undefined ? (session.extra ? TAG : null) : play.extra;
  const overall = play.overall;
  const details = play.details ?? (overall === null ? 'none' : consistentDetails(overall, session.compare));
  const similarity = play.similarity === undefined ? (overall === '0' && session.compare ? 92.5 : 0) : play.similarity;
  const card = play.card ?? (session.document ? passingCard : 'none');
  const finish = (normalised: {
    result: Omit<VerificationResult, 'archived' | 'remoteMedia'>;
  }): VerificationResult => ({
    ...normalised.result,
    archived: [],
    remoteMedia: [],
  });
  switch (session.action) {
    case 'GetFaceIdResultIntl':
      return finish(
        normaliseSelfie(
          FACEID_SCHEMAS.GetFaceIdResultIntl.response.parse({
            Result: overall,
            Similarity: similarity,
            Extra: extra,
            DeviceInfoLevel: '',
            RequestId: REQUEST_ID,
          }),
          session.compare,
        ),
      );
    case 'GetLivenessResult':
      return finish(
        normaliseLiveness(FACEID_SCHEMAS.GetLivenessResult.response.parse({ Result: overall, RequestId: REQUEST_ID })),
      );
    case 'GetSdkVerificationResult':
      return finish(
        normaliseEkyc(
          FACEID_SCHEMAS.GetSdkVerificationResult.response.parse({
            Result: overall,
            CardVerifyResults:
              card === 'none'
                ? []
                : [{ IsPass: card.isPass, WarnCardInfos: card.warnings ?? [], IsEdit: card.edited ?? false }],
            CompareResults:
              details === 'none'
                ? []
                : [
                    {
                      ErrorCode: overall,
                      LiveErrorCode: details.liveness,
                      CompareErrorCode: details.compare ?? '',
                      Sim: similarity,
                    },
                  ],
            Extra: extra,
            RequestId: REQUEST_ID,
          }),
        ),
      );
    case 'GetWebVerificationResultIntl':
    case 'GetWebVerificationResult': {
      const number = (code: string | null) => (code === null ? null : Number(code));
      const list =
        details === 'none' || (overall !== null && failingCode(session.action, overall)?.scope === 'process')
          ? []
          : [
              {
                ErrorCode: number(overall),
                LivenessErrorCode: number(details.liveness),
                CompareErrorCode: number(details.compare),
                Similarity: similarity,
              },
            ];
      if (session.action === 'GetWebVerificationResult') {
        return finish(
          normaliseWebLegacy(
            FACEID_SCHEMAS.GetWebVerificationResult.response.parse({
              ErrorCode: number(overall),
              VerificationDetailList: list,
              RequestId: REQUEST_ID,
            }),
          ),
        );
      }
      return finish(
        normaliseWebIntl(
          FACEID_SCHEMAS.GetWebVerificationResultIntl.response.parse({
            ErrorCode: number(overall),
            VerificationDetailList: list,
            OCRResult: card === 'none' ? [] : [{ IsPass: card.isPass, WarnCardInfos: card.warnings ?? [] }],
            Extra: extra,
            RequestId: REQUEST_ID,
          }),
        ),
      );
    }
  }
}

function decideSession(session: Session, play: Play): DecisionOutcome {
  const result = answer(session, play);
  expect(result.finished).toBe(true);
  return decide(result, undefined, DEFAULT_POLICY, {
    compare: session.compare,
    document: session.document,
    ...(session.extra ? { extra: TAG } : {}),
  });
}

const OUTCOME_OF_ACTION = { reject: 'rejected', review: 'review', expire: 'expired' } as const;

describe('every documented code in every mode the reference allows it', () => {
  const rows = SESSIONS.flatMap((session) =>
    documentedCodes(session.action, 'overall', { compare: session.compare })
      .filter((code): code is string => code !== null)
      .map((code) => ({ ...session, code })),
  );

  it('covers every code of both tables', () => {
    const played = new Set(rows.map((row) => `${row.action}:${row.code}`));
    for (const code of Object.keys(SDK_FAILING_CODES)) expect(played).toContain(`GetSdkVerificationResult:${code}`);
    for (const code of Object.keys(WEB_FAILING_CODES)) {
      expect(played).toContain(`GetWebVerificationResultIntl:${code}`);
      expect(played).toContain(`GetWebVerificationResult:${code}`);
    }
    expect(played).toContain('GetFaceIdResultIntl:2012');
  });

  it.each(rows)('$name, code $code', (row) => {
    const outcome = decideSession(row, { overall: row.code });
    const meaning = failingCode(row.action, row.code);
    if (row.code === '0') {
      expect(outcome).toEqual({ decision: 'approved', reasons: ['all_checks_passed'] });
    } else {
      expect(meaning).toBeDefined();
      expect(outcome).toEqual({ decision: OUTCOME_OF_ACTION[meaning!.action], reasons: [meaning!.reason] });
    }
  });
});

describe('codes the reference does not document for the action and mode are reviewed, never approved', () => {
  const cases: Array<[string, Session, Play]> = [
    ['2016 in a liveness-only selfie', SESSIONS[0]!, { overall: '2016' }],
    ['2015 in a liveness-only selfie', SESSIONS[0]!, { overall: '2015' }],
    ['2012 in a liveness result', SESSIONS[2]!, { overall: '2012' }],
    ['an unknown SDK code', SESSIONS[1]!, { overall: '3001' }],
    ['an unknown liveness code', SESSIONS[2]!, { overall: '1999' }],
    [
      'a compare code as eKYC liveness detail',
      SESSIONS[3]!,
      { overall: '2016', details: { liveness: '2016', compare: '2016' } },
    ],
    ['an unknown web code', SESSIONS[7]!, { overall: '5' }],
    ['an unknown web detail code', SESSIONS[7]!, { overall: '1005', details: { liveness: '77', compare: null } }],
  ];
  it.each(cases)('%s', (_name, session, play) => {
    expect(decideSession(session, play)).toEqual({ decision: 'review', reasons: ['inconsistent_result'] });
  });
});

describe('inconsistent answers are reviewed as inconsistent_result, never approved', () => {
  const [, selfieCompare, , ekyc1, ekyc2, , web1, web2, , legacy] = SESSIONS;
  const cases: Array<[string, Session, Play, string[]]> = [
    [
      'eKYC: overall failing, details empty',
      ekyc2!,
      { overall: '1002', details: { liveness: null, compare: null } },
      [],
    ],
    [
      'eKYC: overall failing, details passing',
      ekyc2!,
      { overall: '2016', details: { liveness: '0', compare: '0' } },
      [],
    ],
    [
      'eKYC: overall 0, liveness detail failing',
      ekyc2!,
      { overall: '0', details: { liveness: '1005', compare: null } },
      ['compare_missing'],
    ],
    [
      'eKYC: overall 0, compare detail failing',
      ekyc2!,
      { overall: '0', details: { liveness: '0', compare: '2015' } },
      [],
    ],
    [
      'eKYC: overall 0, liveness detail empty',
      ekyc2!,
      { overall: '0', details: { liveness: null, compare: '0' } },
      ['liveness_missing'],
    ],
    [
      'eKYC: compare expected, not run',
      ekyc2!,
      { overall: '0', details: { liveness: '0', compare: null } },
      ['compare_missing'],
    ],
    ['eKYC: OCR expected, no attempt', ekyc1!, { overall: '0', card: 'none' }, ['document_missing']],
    ['eKYC: OCR verdict null', ekyc1!, { overall: '0', card: { isPass: null } }, ['document_unverified']],
    [
      'web: overall 0, liveness detail failing',
      web2!,
      { overall: '0', details: { liveness: '1005', compare: '0' } },
      [],
    ],
    ['web: overall failing, details passing', web2!, { overall: '1002', details: { liveness: '0', compare: '0' } }, []],
    ['web: overall failing, details null', web2!, { overall: '2016', details: { liveness: null, compare: null } }, []],
    [
      'web: overall 0, liveness detail null',
      web2!,
      { overall: '0', details: { liveness: null, compare: '0' } },
      ['liveness_missing'],
    ],
    [
      'web: overall 0, compare expected, null',
      web2!,
      { overall: '0', details: { liveness: '0', compare: null } },
      ['compare_missing'],
    ],
    ['web: OCR expected, none', web1!, { overall: '0', card: 'none' }, ['document_missing']],
    ['web: OCR verdict null', web1!, { overall: '0', card: { isPass: null } }, ['document_unverified']],
    [
      'web legacy: overall 0, compare detail failing',
      legacy!,
      { overall: '0', details: { liveness: '0', compare: '2016' } },
      [],
    ],
    [
      'selfie: compare passed without a similarity',
      selfieCompare!,
      { overall: '0', similarity: null },
      ['similarity_missing'],
    ],
  ];
  it.each(cases)('%s', (_name, session, play, missing) => {
    expect(decideSession(session, play)).toEqual({ decision: 'review', reasons: ['inconsistent_result', ...missing] });
  });
});

describe('what the rest of the answer says', () => {
  const [selfie, , , ekyc1, , , web1, web2] = SESSIONS;
  it('a result without the journey tag is not the journey’s: rejected', () => {
    expect(decideSession(selfie!, { overall: '0', extra: 'another-journey' })).toEqual({
      decision: 'rejected',
      reasons: ['result_mismatch'],
    });
    expect(decideSession(web2!, { overall: '0', extra: null })).toEqual({
      decision: 'rejected',
      reasons: ['result_mismatch'],
    });
  });

  it('a process code stands whatever the attempts before it show: 16 after failed attempts is too_many_attempts', () => {
    const response = FACEID_SCHEMAS.GetWebVerificationResultIntl.response.parse({
      ErrorCode: 16,
      VerificationDetailList: [{ ErrorCode: 1201, LivenessErrorCode: 1201, CompareErrorCode: null }],
      Extra: TAG,
      RequestId: REQUEST_ID,
    });
    const result = { ...normaliseWebIntl(response).result, archived: [], remoteMedia: [] };
    expect(decide(result, undefined, DEFAULT_POLICY, { compare: true, document: false, extra: TAG })).toEqual({
      decision: 'rejected',
      reasons: ['too_many_attempts'],
    });
  });

  it('a blocked OCR warning stops the eKYC session there: rejected as document_rejected', () => {
    const outcome = decideSession(ekyc1!, {
      overall: '0',
      details: 'none',
      card: { isPass: false, warnings: [-9103] },
    });
    expect(outcome).toEqual({ decision: 'rejected', reasons: ['document_rejected'] });
  });

  it('a blocked OCR warning stops the web session there: rejected as document_rejected', () => {
    const outcome = decideSession(web1!, { overall: '0', details: 'none', card: { isPass: false, warnings: [-9101] } });
    expect(outcome).toEqual({ decision: 'rejected', reasons: ['document_rejected'] });
  });

  it('-9109 is the account lacking the capability: the journey fails, it is not a document review', () => {
    expect(decideSession(ekyc1!, { overall: '0', card: { isPass: true, warnings: [-9109] } })).toEqual({
      decision: 'failed',
      reasons: ['document_capability_not_enabled'],
    });
    expect(decideSession(ekyc1!, { overall: '0', card: { isPass: false, warnings: [-9109] } })).toEqual({
      decision: 'failed',
      reasons: ['document_capability_not_enabled'],
    });
  });

  it('OCR fields the user edited go to review', () => {
    expect(decideSession(ekyc1!, { overall: '0', card: { isPass: true, edited: true } })).toEqual({
      decision: 'review',
      reasons: ['ocr_fields_edited'],
    });
  });

  it('a document warning goes to review by default', () => {
    expect(decideSession(ekyc1!, { overall: '0', card: { isPass: true, warnings: [-9103] } })).toEqual({
      decision: 'review',
      reasons: ['document_warning'],
    });
  });

  it('FaceID’s pass with a similarity under the policy’s threshold rejects', () => {
    expect(decideSession(web2!, { overall: '0', similarity: 69.9 })).toEqual({
      decision: 'rejected',
      reasons: ['similarity_below_threshold'],
    });
  });

  it('a result without codes (an old activity answering a new journey) is reviewed', () => {
    const result = { ...answer(selfie!, { overall: '0' }), codes: undefined };
    expect(decide(result, undefined, DEFAULT_POLICY, { compare: false, document: false, extra: TAG })).toEqual({
      decision: 'review',
      reasons: ['inconsistent_result', 'codes_missing'],
    });
  });

  it('the separate document step’s timeout is reviewed', () => {
    const result = answer(selfie!, { overall: '0' });
    expect(decide(result, 'timed_out', DEFAULT_POLICY, { compare: false, document: false, extra: TAG })).toEqual({
      decision: 'review',
      reasons: ['document_timeout'],
    });
  });
});
