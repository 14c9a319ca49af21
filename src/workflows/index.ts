/** Workflow functions the worker registers, by name. */
export { ekycJourney } from './ekyc-journey';
export { deliverJourneyEvent } from './deliver-journey-event';
export { retentionSweep } from './retention-sweep';
