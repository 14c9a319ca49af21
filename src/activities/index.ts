import type { ArchiveStore } from '../archive/store';
import type { FaceIdApi } from '../faceid/client';
import { createFaceIdActivities } from './faceid-activities';
import { createMediaActivities } from './media-activities';

/** Everything the activities need, injected by the worker (and by tests). */
export interface ActivityDeps {
  faceid: FaceIdApi;
  archive: ArchiveStore;
}

/** Every activity of the service, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return { ...createFaceIdActivities(deps), ...createMediaActivities({ archive: deps.archive }) };
}
