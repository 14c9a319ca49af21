import { ProblemError } from '../../../src/gateway/problems';
import { parseWith, startJourneyBodySchema } from '../../../src/gateway/schemas';

// A 1x1 JPEG's first bytes are enough here: the body schema checks Base64, the client checks the bytes.
const image = { contentType: 'image/jpeg', base64: '/9j/4AAQSkZJRgABAQAAAQABAAD' };
const base = { reference: 'order-1001', region: 'ap-singapore' };

/** The field issues the gateway answers 400 `validation_failed` with for a start body. */
function issuesOf(body: unknown): { path: string; message: string }[] {
  try {
    parseWith(startJourneyBodySchema, body);
  } catch (error) {
    if (error instanceof ProblemError && error.code === 'validation_failed') return error.errors ?? [];
    throw error;
  }
  throw new Error('the body was accepted');
}

describe('the start body checks every flow option at the edge', () => {
  it.each([
    ['selfie', { selfie: { SecureLevel: '9' } }, 'selfie.SecureLevel'],
    ['selfie', { selfie: { CheckMode: 'compare' } }, 'compareImage'],
    ['ekyc', { ekyc: { SecurityLevel: 7 } }, 'ekyc.SecurityLevel'],
    ['ekyc', { ekyc: { CompareImage: 'aGk=' } }, 'ekyc.CompareImage'],
    ['liveness', { liveness: { SecureLevel: '4', Extra: 'x' } }, 'liveness.Extra'],
    ['web', { web: { Config: { Language: 'fr' } } }, 'web.Config.Language'],
    ['web', { web: { CompareImageBase64: 'aGk=' } }, 'web.CompareImageBase64'],
    [
      'web-legacy',
      { webLegacy: { CompareImageUrl: 'https://b.example/x.jpg', CompareImageMd5: 'no' } },
      'webLegacy.CompareImageMd5',
    ],
  ])('a bad %s option %j answers validation_failed naming %s', (flow, own, path) => {
    expect(issuesOf({ ...base, flow, ...own }).map((issue) => issue.path)).toEqual([path]);
  });

  it.each([
    ['selfie', { selfie: { Extra: 'tag' } }, 'selfie.Extra'],
    ['ekyc', { ekyc: { Extra: 'tag' } }, 'ekyc.Extra'],
    ['web', { web: { Extra: 'tag' } }, 'web.Extra'],
  ])('refuses Extra in %s options: the journey sends its own', (flow, own, path) => {
    expect(issuesOf({ ...base, flow, ...own })).toEqual([
      { path, message: "set by the journey (its own tag in FaceID's results), never by the caller" },
    ]);
  });

  it('refuses web CheckMode 4, OCR only, because no liveness check would be made', () => {
    expect(issuesOf({ ...base, flow: 'web', web: { Config: { CheckMode: 4 } } })).toEqual([
      {
        path: 'web.Config.CheckMode',
        message: 'OCR-only web verification (4) is not offered: every journey makes a liveness check',
      },
    ]);
  });

  it('still refuses the redirect the gateway sets itself', () => {
    expect(issuesOf({ ...base, flow: 'web', web: { RedirectURL: 'https://e.example/cb' } })).toEqual([
      { path: 'web.RedirectURL', message: 'set by the gateway; give web.finalUrl instead' },
    ]);
  });

  it('refuses an ID card of Hong Kong without its back image, and takes a Philippine one with both sides', () => {
    const document = { nationality: 'HKG', cardType: 'ID_CARD', front: image };
    expect(issuesOf({ ...base, flow: 'liveness', document })).toEqual([
      { path: 'document.back', message: 'required for this document: FaceID reads both of its sides' },
    ]);
    const philippine = { nationality: 'PHL', cardType: 'ID_CARD', front: image, back: image };
    expect(parseWith(startJourneyBodySchema, { ...base, flow: 'liveness', document: philippine })).toMatchObject({
      document: { nationality: 'PHL' },
    });
  });

  it('takes every flow with its documented options', () => {
    const bodies = [
      { flow: 'selfie', selfie: { CheckMode: 'compare', SdkVersion: 'PLUS', SecureLevel: '4' }, compareImage: image },
      { flow: 'ekyc', ekyc: { CheckMode: 1, AllowExpiredDocument: false, SdkVersion: 'ENHANCED' } },
      { flow: 'liveness', liveness: { SecureLevel: '1' } },
      { flow: 'web', web: { finalUrl: 'https://shop.example.org/done', Config: { CheckMode: 3, Language: 'th' } } },
      {
        flow: 'web-legacy',
        webLegacy: {
          CompareImageUrl: 'https://bucket.cos.ap-singapore.myqcloud.com/compare.jpg',
          CompareImageMd5: '0123456789abcdef0123456789abcdef',
        },
      },
    ];
    for (const body of bodies)
      expect(parseWith(startJourneyBodySchema, { ...base, ...body })).toEqual({ ...base, ...body });
  });
});
