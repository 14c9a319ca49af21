import { MediaDownloader, type MediaDownloaderOptions } from '../archive/download';
import type { ObjectStore } from '../store/object-store';
import type { Database } from '../db/database';
import type { EgressSettings } from '../egress/dispatchers';
import type { FaceIdAction } from '../faceid/actions';
import type { FaceIdApi } from '../faceid/client';
import { createFaceIdActivities } from './faceid-activities';
import { inlineFaceIdCalls } from './inline-calls';
import { createMediaActivities } from './media-activities';
import { observeActivities } from './observe';
import { createRetentionActivities } from './retention-activities';
import { createWebhookActivities, type WebhookSettings } from './webhook-activities';
import type { SettleJourneyInput } from '../workflows/retention-types';
import type { WebhookDeliveryResult } from '../workflows/types';

/** Everything the activities need, injected by the worker (and by tests). */
export interface ActivityDeps {
  faceid: FaceIdApi;
  archive: ObjectStore;
  /** The media download guard and limits; production defaults (Tencent hosts, https) when absent. */
  media?: MediaDownloaderOptions;
  /** Where journey events are delivered; without a URL, deliveries report `{ delivered: false }`. */
  webhook?: WebhookSettings;
  /** Whether Temporal knows a journey for a reference; the retention sweep's removal of orphaned inputs needs it. */
  journeyExists?: (reference: string) => Promise<boolean>;
  /** Age below which input images are never taken for orphans (default one hour; tests shorten it). */
  orphanInputAgeMs?: number;
  /** How webhooks and media downloads leave the worker (proxy, extra CAs); direct when absent. */
  egress?: EgressSettings;
  /**
   * How long a FaceID call asked now would wait for this process's quota slot (`QuotaPacer.expectedWaitMs`); the
   * journey's token and result calls are made inline only while it is short. Absent: no wait is expected.
   */
  faceIdSlotWaitMs?: (action: FaceIdAction) => number;
  /** The policy and decision database, migrated; absent when the worker runs without one (`DATABASE_URL` unset). */
  database?: Database;
}

/** Every activity of the service, built from injected dependencies; each logs its outcome (see `observe.ts`). */
export function createActivities(deps: ActivityDeps) {
  const retention = createRetentionActivities({
    archive: deps.archive,
    journeyExists: deps.journeyExists,
    orphanInputAgeMs: deps.orphanInputAgeMs,
  });
  const egress = deps.egress ? { egress: deps.egress } : {};
  const webhooks = createWebhookActivities({ webhook: deps.webhook ?? { secrets: [] }, ...egress });
  // One downloader (one connection pool, one URL guard) for result activities and the media queue alike.
  const downloader = new MediaDownloader({ ...deps.media, ...egress });
  const activities = observeActivities({
    ...createFaceIdActivities({ faceid: deps.faceid, archive: deps.archive, downloader }),
    ...createMediaActivities({ archive: deps.archive, downloader }),
    ...retention,
    ...webhooks,
    /**
     * An ended journey's last step, run by the journey as a local activity: files what it stored for retention, then
     * tells the backend once. A failure leaves both to the detached `deliverJourneyEvent`, which retries them.
     */
    settleJourney: async ({ event, retention: record }: SettleJourneyInput): Promise<WebhookDeliveryResult> => {
      if (record) await retention.recordRetention(record);
      return webhooks.deliverWebhook(event);
    },
  });
  // Not observed themselves: the FaceID activity each calls logs and counts the call under its own name.
  return { ...activities, ...inlineFaceIdCalls(activities, deps.faceIdSlotWaitMs ?? (() => 0)) };
}
