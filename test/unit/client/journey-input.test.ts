import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { JourneyInputError, parseJourneyStart, startRegion } from '../../../src/client/journey-input';
import { ArchiveDataKeys, parseKeyRing, SANDBOX_CODEC_KEYS } from '../../../src/codec';
import { AesGcmCodec } from '../../../src/codec/aes-gcm-codec';
import { historyFromJson } from '../../support/history-json';

const base = { reference: 'order-1001', region: 'ap-singapore' };
const image = { key: 'inputs/order-1001/compare-0123.jpg' };

/** The issues a rejected input names, as `path: message`. */
function issuesOf(raw: unknown): { path: string; message: string }[] {
  try {
    parseJourneyStart(raw);
  } catch (error) {
    if (error instanceof JourneyInputError) return error.issues;
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('the journey input, one shape per flow', () => {
  it.each([
    ['selfie', { selfie: { CheckMode: 'compare' }, compareImage: image }],
    ['ekyc', { ekyc: { CheckMode: 2 }, compareImage: image }],
    ['liveness', { liveness: { SecureLevel: '4' } }],
    ['web', { web: { RedirectURL: 'https://backend.example.org/return' }, compareImage: image }],
    [
      'web-legacy',
      {
        webLegacy: {
          RedirectUrl: 'https://backend.example.org/return',
          CompareImageUrl: 'https://bucket.cos.ap-singapore.myqcloud.com/compare.jpg',
          CompareImageMd5: '0123456789abcdef0123456789abcdef',
        },
      },
    ],
  ])('%s takes its own options (and the compare image where FaceID uses one) and the document step', (flow, own) => {
    const document = {
      nationality: 'HKG',
      cardType: 'ID_CARD',
      front: { key: 'inputs/order-1001/front-1.jpg' },
      back: { key: 'inputs/order-1001/back-1.jpg' },
    };
    const input = { ...base, flow, ...own, document, maxRenewals: 1, retentionDays: 7 };
    expect(parseJourneyStart(input)).toEqual(input);
  });

  it('refuses a web field on a liveness journey, naming the field', () => {
    expect(issuesOf({ ...base, flow: 'liveness', web: { Config: {} } })).toEqual([
      { path: 'web', message: 'not used by the liveness flow' },
    ]);
  });

  it('refuses a compare image where the flow takes none, and every stray field at once', () => {
    expect(issuesOf({ ...base, flow: 'liveness', compareImage: image, selfie: {} })).toEqual([
      { path: 'compareImage', message: 'not used by the liveness flow' },
      { path: 'selfie', message: 'not used by the liveness flow' },
    ]);
  });

  it('names each unknown field of a nested object at its own path', () => {
    expect(issuesOf({ ...base, flow: 'liveness', timers: { startWindowMs: 1000, nap: 1, doze: 2 } })).toEqual([
      { path: 'timers.nap', message: 'unknown field' },
      { path: 'timers.doze', message: 'unknown field' },
    ]);
  });

  it('refuses an unknown or missing flow by naming `flow`, never echoing the value', () => {
    for (const flow of ['teleport', undefined]) {
      const issues = issuesOf({ ...base, flow, liveness: {} });
      expect(issues.map((issue) => issue.path)).toEqual(['flow']);
      expect(JSON.stringify(issues)).not.toContain('teleport');
    }
  });

  it('requires the compare image where the options ask FaceID to compare', () => {
    expect(issuesOf({ ...base, flow: 'selfie', selfie: { CheckMode: 'compare' } })).toEqual([
      { path: 'compareImage', message: 'required when CheckMode is compare' },
    ]);
  });
});

describe('the document step', () => {
  const front = { key: 'inputs/order-1001/front-1.jpg' };
  const back = { key: 'inputs/order-1001/back-1.jpg' };
  const withDocument = (nationality: string, cardType: string, sides: Record<string, unknown>) => ({
    ...base,
    flow: 'liveness',
    document: { nationality, cardType, ...sides },
  });

  // The "Y" rows of reference §3.11: FaceID reads the back of these documents too.
  it.each([
    ...['HKG', 'MYS', 'SGP', 'PHL', 'JPN', 'TWN', 'BGD', 'NGA', 'PAK'].map((nationality) => [nationality, 'ID_CARD']),
    ...['THA', 'MYS', 'SGP', 'NGA', 'PAK'].map((nationality) => [nationality, 'DRIVING_LICENSE']),
  ])('refuses a %s %s without its back image, naming document.back', (nationality, cardType) => {
    expect(issuesOf(withDocument(nationality, cardType, { front }))).toEqual([
      { path: 'document.back', message: 'required for this document: FaceID reads both of its sides' },
    ]);
    expect(parseJourneyStart(withDocument(nationality, cardType, { front, back }))).toMatchObject({
      document: { nationality, cardType, back },
    });
  });

  it.each([
    ['IDN', 'ID_CARD'],
    ['IDN', 'DRIVING_LICENSE'],
    ['THA', 'ID_CARD'],
    ['PHL', 'DRIVING_LICENSE'],
    ['JPN', 'DRIVING_LICENSE'],
    ['HKG', 'PASSPORT'],
    ['HKG', 'AUTO'],
    ['AUTO', 'ID_CARD'],
  ])('takes a %s %s with its front alone', (nationality, cardType) => {
    expect(parseJourneyStart(withDocument(nationality, cardType, { front }))).toMatchObject({
      document: { nationality, cardType },
    });
  });
});

describe('options the journey decides itself', () => {
  it.each([
    ['selfie', { selfie: { Extra: 'tag' } }, 'selfie.Extra'],
    ['ekyc', { ekyc: { Extra: 'tag' } }, 'ekyc.Extra'],
    ['web', { web: { RedirectURL: 'https://backend.example.org/return', Extra: 'tag' } }, 'web.Extra'],
  ])('refuses Extra in %s options: every journey sends its own tag', (flow, own, path) => {
    expect(issuesOf({ ...base, flow, ...own })).toEqual([
      { path, message: "set by the journey (its own tag in FaceID's results), never by the caller" },
    ]);
  });

  it('refuses web CheckMode 4 (OCR only): no liveness check would be made', () => {
    const web = { RedirectURL: 'https://backend.example.org/return', Config: { CheckMode: 4 } };
    expect(issuesOf({ ...base, flow: 'web', web })).toEqual([
      {
        path: 'web.Config.CheckMode',
        message: 'OCR-only web verification (4) is not offered: every journey makes a liveness check',
      },
    ]);
  });

  it('checks the options themselves, each at its own path', () => {
    expect(issuesOf({ ...base, flow: 'selfie', selfie: { SecureLevel: '3', ActionList: 'blink' } })).toEqual([
      { path: 'selfie.ActionList', message: 'only allowed with SecureLevel 2 or 4' },
    ]);
    expect(issuesOf({ ...base, flow: 'liveness', liveness: { SecureLevel: '9' } }).map((issue) => issue.path)).toEqual([
      'liveness.SecureLevel',
    ]);
  });
});

describe('journey inputs recorded in the replay histories', () => {
  const dir = join(__dirname, '..', '..', 'fixtures', 'histories');
  // As the replay test decodes them: the sandbox key ring, and the data keys the capture kept beside the histories.
  const ring = parseKeyRing(SANDBOX_CODEC_KEYS);
  const codec = new AesGcmCodec(ring, 'pass', {
    vault: new ArchiveDataKeys(new FilesystemStore(dir), ring),
    erased: 'fail',
  });

  it.each(readdirSync(dir).filter((file) => file.endsWith('.json')))('%s: its input still parses', async (file) => {
    const history = historyFromJson(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const [payload] = await codec.decode(started?.input?.payloads ?? []);
    const input = defaultPayloadConverter.fromPayload(payload as Payload);
    expect(parseJourneyStart(input)).toEqual(input);
  });
});

describe('a start from a backend', () => {
  const jpeg = { bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), contentType: 'image/jpeg' };

  it('takes an image as bytes as well as an archived key', () => {
    const input = { ...base, flow: 'selfie', selfie: { CheckMode: 'compare' }, compareImage: jpeg };
    expect(parseJourneyStart(input)).toEqual(input);
  });

  it('refuses an image that is neither, naming the field', () => {
    expect(issuesOf({ ...base, flow: 'selfie', compareImage: { bytes: 'ffd8ff', contentType: 'image/jpeg' } })).toEqual(
      [
        {
          path: 'compareImage',
          message: 'must be { key } of an archived image, or { bytes, contentType } of a JPEG or PNG',
        },
      ],
    );
  });

  it('may leave the region to the client, which checks its default against the flow', () => {
    const start = parseJourneyStart({ reference: 'order-1001', flow: 'liveness' });
    expect(startRegion(start, 'ap-jakarta')).toEqual({ region: 'ap-jakarta', issues: [] });
    expect(startRegion(start, 'ap-bangkok').issues).toEqual([
      { path: 'region', message: 'ApplyLivenessToken is not offered in ap-bangkok' },
    ]);
    expect(startRegion(start, undefined).issues.map((issue) => issue.path)).toEqual(['region']);
    expect(startRegion({ ...start, region: 'ap-singapore' }, 'ap-jakarta').region).toBe('ap-singapore');
  });
});
