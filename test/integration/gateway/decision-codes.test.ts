import type { CompletionBody } from '../../../src/emulator/completion';
import { FAST_TIMERS } from '../../support/journeys';
import {
  API_KEY,
  jpegBase64,
  resultOf,
  startGatewayFixture,
  type Answer,
  type GatewayFixture,
} from './gateway-fixture';

// Journeys end to end as a backend and a client app run them: started through the gateway, finished in the sandbox
// with one of FaceID's documented answers (or an inconsistent one), told `finished` with the client secret, and read
// back from the result route. A review here times out at once, so the policy's default (reject) shows behind it.

let gw: GatewayFixture;
beforeAll(async () => {
  gw = await startGatewayFixture();
});
afterAll(() => gw?.close());

const timers = { ...FAST_TIMERS, startWindowMs: 60_000, reviewDeadlineMs: 1_000 };

const FINAL_URL = 'https://backend.example/ekyc/done';

const bodies = {
  'selfie liveness': () => ({ flow: 'selfie', selfie: { CheckMode: 'liveness' } }),
  'selfie compare': (reference: string) => ({
    flow: 'selfie',
    selfie: { CheckMode: 'compare' },
    compareImage: jpegBase64(reference),
  }),
  liveness: () => ({ flow: 'liveness', liveness: { SecureLevel: '4' } }),
  ekyc: () => ({ flow: 'ekyc', ekyc: { CheckMode: 1, IdCardType: 'HK' } }),
  'ekyc blocking -9103': () => ({
    flow: 'ekyc',
    ekyc: { CheckMode: 1, IdCardType: 'HK', SelectedWarningCodes: [-9103] },
  }),
  web: () => ({ flow: 'web', web: { finalUrl: FINAL_URL } }),
  'web with OCR': () => ({
    flow: 'web',
    web: { finalUrl: FINAL_URL, Config: { CheckMode: 1, IDCardType: 'HKIDCard' } },
  }),
  'web-legacy': () => ({
    flow: 'web-legacy',
    webLegacy: {
      finalUrl: FINAL_URL,
      CompareImageUrl: 'https://sandbox-bucket.cos.ap-singapore.myqcloud.com/compare.jpg',
      CompareImageMd5: '0123456789abcdef0123456789abcdef',
    },
  }),
} as const;

type Session = keyof typeof bodies;

async function journey(session: Session, completion: CompletionBody): Promise<Answer> {
  const reference = gw.harness.reference(`codes-${session.replace(/ /g, '-')}`);
  const started = await gw.call('POST', '/v1/journeys', {
    bearer: API_KEY,
    json: { reference, region: 'ap-singapore', timers, ...bodies[session](reference) },
  });
  expect([started.status, started.status === 201 ? '' : started.text]).toEqual([201, '']);
  const { journeyId, token } = started.body;
  await gw.harness.sandbox.completeWith(token, completion);
  const finished = await gw.call('POST', gw.path(journeyId, '/finished'), { bearer: gw.secretOf(journeyId) });
  expect(finished.status).toBe(202);
  const result = await resultOf(gw, journeyId);
  expect(result.status).toBe(200);
  return result;
}

describe('documented failing codes end the journey with their own reason', () => {
  it.each([
    ['selfie liveness', { resultCode: '2012' }, 'rejected', ['multiple_faces']],
    ['selfie liveness', { resultCode: '2017' }, 'rejected', ['face_occluded']],
    ['selfie compare', { resultCode: '2016' }, 'rejected', ['similarity_below_threshold']],
    ['liveness', { resultCode: '1201' }, 'rejected', ['lighting_poor']],
    ['ekyc', { resultCode: '2015' }, 'rejected', ['compare_failed']],
    ['web', { resultCode: 1303 }, 'rejected', ['video_too_short']],
    ['web', { resultCode: 15 }, 'expired', ['token_expired']],
    ['web', { resultCode: 16 }, 'rejected', ['too_many_attempts']],
    ['web-legacy', { resultCode: 2011 }, 'rejected', ['real_person_compare_failed']],
  ] as const)('%s, %j → %s %j', async (session, completion, outcome, reasons) => {
    const result = await journey(session, completion);
    expect(result.body).toMatchObject({ outcome, reasons });
    expect(result.body.codes).toMatchObject({ overall: String(completion.resultCode) });
  });

  it.each(['selfie liveness', 'selfie compare', 'liveness', 'ekyc', 'web', 'web-legacy'] as const)(
    '%s: documented success is approved, with the codes FaceID gave in the result',
    async (session) => {
      const result = await journey(session, { scenario: 'pass' });
      expect(result.body).toMatchObject({ outcome: 'approved', reasons: ['all_checks_passed'] });
      expect(result.body.codes).toMatchObject({ overall: '0' });
    },
  );
});

describe('inconsistent answers are reviewed, never approved', () => {
  it.each([
    ['ekyc', { resultCode: '1002', codes: { liveness: '', compare: null } }, []],
    ['ekyc', { resultCode: '0', codes: { liveness: '1005', compare: '' } }, ['compare_missing']],
    ['web', { resultCode: 0, codes: { liveness: 1005 } }, ['compare_missing']],
    ['web', { resultCode: 1002, codes: { liveness: 0, compare: 0 } }, []],
    ['web with OCR', { scenario: 'pass', ocr: { isPass: null } }, ['document_unverified']],
  ] as const)('%s, %j', async (session, completion, missing) => {
    const result = await journey(session, completion);
    expect(result.body).toMatchObject({
      outcome: 'rejected',
      reasons: ['inconsistent_result', ...missing, 'review_timeout'],
    });
  });
});

describe('what the rest of FaceID’s answer says', () => {
  it('a blocked OCR warning stops the eKYC session: rejected as document_rejected, not left to expire', async () => {
    const result = await journey('ekyc blocking -9103', { scenario: 'document_warning' });
    expect(result.body).toMatchObject({ outcome: 'rejected', reasons: ['document_rejected'] });
    expect(result.body.document).toMatchObject({ status: 'REJECTED', warnings: ['-9103'] });
  });

  it('-9109 (capability not enabled) fails the journey as an account fault, not a document review', async () => {
    const result = await journey('ekyc', { scenario: 'pass', ocr: { warnings: [-9109] } });
    expect(result.body).toMatchObject({ outcome: 'failed', reasons: ['document_capability_not_enabled'] });
  });

  it('OCR fields the user edited go to review as ocr_fields_edited', async () => {
    const result = await journey('ekyc', { scenario: 'pass', ocr: { edited: true } });
    expect(result.body).toMatchObject({ outcome: 'rejected', reasons: ['ocr_fields_edited', 'review_timeout'] });
    expect(result.body.document).toMatchObject({ edited: true });
  });

  it('a result whose Extra is not the journey’s tag is rejected as result_mismatch', async () => {
    const result = await journey('selfie liveness', { scenario: 'pass', extra: 'another-journey' });
    expect(result.body).toMatchObject({ outcome: 'rejected', reasons: ['result_mismatch'] });
  });
});
