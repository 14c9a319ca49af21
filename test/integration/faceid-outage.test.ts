import { FACEID_UNAVAILABLE_REASON } from '../../src/contracts/failure-types';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { inputFor, startPassedLiveness } from '../support/journeys';

// A FaceID outage (every call failing with InternalError) is ridden out for as long as the result window lasts, and
// only then does the journey end, with a documented reason rather than a failed workflow.

let harness: JourneyHarness;
beforeAll(async () => {
  harness = await startJourneyHarness();
});
afterAll(() => harness?.close());
afterEach(() => harness.sandbox.clearFaults());

test('the result pull retries for the rest of the result window, not a fixed number of attempts', async () => {
  await harness.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'InternalError', count: 3 });
  const started = await startPassedLiveness(harness, 'outage-short', { resultWindowMs: 90_000 });
  await harness.ekyc.userFinished(started.journeyId);
  expect(await harness.ekyc.result(started.journeyId)).toMatchObject({ outcome: 'approved' });

  // As the server scheduled it: no attempt limit, and a deadline at the end of the result window.
  const history = await harness.client.workflow.getHandle(started.journeyId).fetchHistory();
  const pull = history.events?.find(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'getLivenessResult',
  )?.activityTaskScheduledEventAttributes;
  expect(pull?.retryPolicy?.maximumAttempts ?? 0).toBe(0);
  const deadlineSeconds = Number(pull?.scheduleToCloseTimeout?.seconds ?? 0);
  expect(deadlineSeconds).toBeGreaterThan(60);
  expect(deadlineSeconds).toBeLessThanOrEqual(90);
});

test('an outage that outlasts the result window ends the journey failed with faceid_unavailable', async () => {
  await harness.sandbox.injectFault({ action: 'GetLivenessResult', fault: 'InternalError', rate: 1 });
  const started = await startPassedLiveness(harness, 'outage-long', { resultWindowMs: 6_000 });
  await harness.ekyc.userFinished(started.journeyId);
  expect(await harness.ekyc.result(started.journeyId)).toMatchObject({
    outcome: 'failed',
    reasons: [FACEID_UNAVAILABLE_REASON],
  });
});

test.each([
  ['UnauthorizedOperation.Arrears', 'faceid_service_unavailable'],
  ['LimitExceeded', 'faceid_service_unavailable'],
  ['OperationDenied', 'faceid_operation_denied'],
])('an account error (%s) fails the journey at once with the documented reason %s', async (code, reason) => {
  await harness.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'error_code', code, count: 1 });
  const reference = harness.reference('account-error');
  const input = await inputFor(harness, 'liveness', reference);
  await expect(harness.ekyc.startJourney(input)).rejects.toThrow();
  expect(await harness.ekyc.result(`ekyc:${reference}`)).toMatchObject({ outcome: 'failed', reasons: [reason] });
});
