/** Workflow functions the worker registers, by name. */
export { ekycJourney } from './ekyc-journey';
