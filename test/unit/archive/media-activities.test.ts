import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { createMediaActivities } from '../../../src/activities/media-activities';
import { storeMediaClaim } from '../../../src/activities/inline-media';
import type { RemoteMedia } from '../../../src/workflows/types';

const journeyId = 'ekyc:activity-test';

describe('media activities', () => {
  let root: string;
  let store: FilesystemStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ekyc-activities-'));
    store = new FilesystemStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function archiveFailure(media: RemoteMedia[], maxBytes?: number): Promise<ApplicationFailure> {
    const activities = createMediaActivities({ archive: store, media: maxBytes ? { maxBytes } : {} });
    const mediaClaim = (await storeMediaClaim(store, journeyId, 'req-1', media)) as string;
    const descriptors = media.map(({ kind, md5, size }) => ({ kind, md5, size }));
    const error = await new MockActivityEnvironment()
      .run(activities.archiveMedia, { journeyId, mediaClaim, media: descriptors })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }

  it('types a URL aimed at the cloud metadata service as MediaUnsafeUrl, not retryable', async () => {
    const failure = await archiveFailure([
      { kind: 'video', url: 'https://169.254.169.254/latest/meta-data/', md5: 'a'.repeat(32), size: 10 },
    ]);
    expect(failure).toMatchObject({ type: 'MediaUnsafeUrl', nonRetryable: true });
    expect(failure.message).not.toContain('meta-data');
  });

  it('types a file FaceID states as larger than the cap as MediaTooLarge before any request', async () => {
    const failure = await archiveFailure(
      [{ kind: 'video', url: 'https://b.cos.ap-singapore.myqcloud.com/v.mp4', md5: 'b'.repeat(32), size: 5_000 }],
      4_096,
    );
    expect(failure).toMatchObject({ type: 'MediaTooLarge', nonRetryable: true });
  });

  it('types a vanished claim as MediaUrlExpired so the workflow fetches fresh URLs', async () => {
    const activities = createMediaActivities({ archive: store });
    const error = await new MockActivityEnvironment()
      .run(activities.archiveMedia, {
        journeyId,
        mediaClaim: `journeys/${journeyId}/claims/media-gone.json`,
        media: [{ kind: 'video' as const, md5: 'c'.repeat(32), size: 1 }],
      })
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({ type: 'MediaUrlExpired', nonRetryable: true });
  });

  it('a retry removes the partial copy an earlier attempt left when its worker died mid-write', async () => {
    const partial = join(root, 'journeys', journeyId, `video-${'d'.repeat(32)}.mp4.crashed-attempt.partial`);
    await mkdir(join(root, 'journeys', journeyId), { recursive: true });
    await writeFile(partial, 'half of a face video');
    const activities = createMediaActivities({ archive: store });
    const input = {
      journeyId,
      mediaClaim: `journeys/${journeyId}/claims/media-gone.json`,
      media: [{ kind: 'video' as const, md5: 'd'.repeat(32), size: 1 }],
    };
    await new MockActivityEnvironment({ attempt: 1 }).run(activities.archiveMedia, input).catch(() => undefined);
    expect(await readdir(join(root, 'journeys', journeyId))).toContain(
      `video-${'d'.repeat(32)}.mp4.crashed-attempt.partial`,
    );
    await new MockActivityEnvironment({ attempt: 2 }).run(activities.archiveMedia, input).catch(() => undefined);
    expect(await readdir(join(root, 'journeys', journeyId))).toEqual([]);
  });
});
