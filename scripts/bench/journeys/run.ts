import type { HeadroomDetail } from './headroom';
import type { LatencyDetail } from './latency';
import type { OpenJourneysDetail } from './open-journeys';
import type { QuotaBoundDetail } from './quota-bound';
import type { ReadsDetail } from './reads';
import type { ReviewQueueDetail } from './review-queue';

/** Everything one run measured, part by part; a part that did not run (or failed) is absent. */
export interface JourneysRun {
  quotaBound: QuotaBoundDetail[];
  /** One run per backend mode. */
  headroom: HeadroomDetail[];
  openJourneys?: OpenJourneysDetail;
  latency?: LatencyDetail;
  reviewQueue?: ReviewQueueDetail;
  reads?: ReadsDetail;
  /** Parts that failed, with the reason. */
  failures: string[];
}
