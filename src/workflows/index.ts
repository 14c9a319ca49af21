/** Workflow functions the worker registers, by name. */
export { ekycJourney } from './ekyc-journey';
export { deliverJourneyEvent } from './deliver-journey-event';
export { afterJourney } from './after-journey';
export { retentionSweep } from './retention-sweep';
