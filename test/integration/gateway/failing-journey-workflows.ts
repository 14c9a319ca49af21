/**
 * Journey workflow code whose every workflow task fails, as a worker with a broken release leaves a journey: Temporal
 * retries the task without end, and after a few attempts refuses updates to the journey.
 */
export function ekycJourney(): Promise<never> {
  return Promise.reject(new Error('this release fails every journey task'));
}
