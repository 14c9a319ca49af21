import { FLOWS } from '../../../src/workflows/types';
import type { S3Store } from '../../../src/store/s3-store';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';
import { expectCompleteArchive, passJourney } from './journey-checks';
import { startMinio, type MinioServer } from './minio';

let minio: MinioServer;
let store: S3Store;
let harness: JourneyHarness;
beforeAll(async () => {
  minio = await startMinio();
  store = minio.openStore('ekyc');
  harness = await startJourneyHarness({ archive: store });
});
afterAll(async () => {
  await harness?.close();
  await store?.close();
  await minio?.stop();
});

describe('journeys archive their evidence in an S3-compatible store (MinIO)', () => {
  it('every flow: all media archived with matching MD5 and listed in the manifest', async () => {
    const journeys = await Promise.all(FLOWS.map((flow) => passJourney(harness, flow)));
    for (const { journeyId, result } of journeys) {
      expect(result.outcome).toBe('approved');
      await expectCompleteArchive(store, journeyId, result);
    }
  });
});
