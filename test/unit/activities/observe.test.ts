import { ApplicationFailure, type MetricMeter, type MetricTags, noopMetricMeter } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ACTIVITY_METRICS, observeActivities } from '../../../src/activities/observe';

/** A metric meter that keeps every counter increment, by metric name. */
function recordingMeter(): { meter: MetricMeter; counted: Array<{ name: string; value: number; tags: MetricTags }> } {
  const counted: Array<{ name: string; value: number; tags: MetricTags }> = [];
  const meter = {
    ...noopMetricMeter,
    createCounter: (name: string) => ({
      name,
      unit: undefined,
      description: undefined,
      kind: 'counter',
      valueType: 'int',
      add: (value: number, tags: MetricTags = {}) => counted.push({ name, value, tags }),
      withTags: () => {
        throw new Error('not used');
      },
    }),
    withTags: (): MetricMeter => meter,
  } as unknown as MetricMeter;
  return { meter, counted };
}

function failingWith(kind: string) {
  return observeActivities({
    getLivenessResult: (): Promise<never> =>
      Promise.reject(ApplicationFailure.create({ type: kind, message: `${kind} for the test`, nonRetryable: true })),
  }).getLivenessResult;
}

const quiet = new DefaultLogger('ERROR');

test.each(['FaceIdAuthFailure', 'FaceIdServiceUnavailable', 'FaceIdOperationDenied'])(
  'a %s counts on the account-error metric an operator pages on',
  async (kind) => {
    const { meter, counted } = recordingMeter();
    const environment = new MockActivityEnvironment({}, { logger: quiet, metricMeter: meter });
    await expect(environment.run(failingWith(kind))).rejects.toThrow(kind);
    expect(counted).toContainEqual({
      name: ACTIVITY_METRICS.faceIdAccountErrors,
      value: 1,
      // The SDK adds its own tags (namespace, task queue, activity type).
      tags: expect.objectContaining({ action: 'GetLivenessResult', kind }) as MetricTags,
    });
  },
);

test('a transient failure does not', async () => {
  const { meter, counted } = recordingMeter();
  const environment = new MockActivityEnvironment({}, { logger: quiet, metricMeter: meter });
  await expect(environment.run(failingWith('FaceIdTransient'))).rejects.toThrow();
  expect(counted.map((entry) => entry.name)).toEqual([ACTIVITY_METRICS.faceIdCalls]);
});

function issuing() {
  return observeActivities({
    applyLivenessToken: (): Promise<{ sdkToken: string }> => Promise.resolve({ sdkToken: 'synthetic-token' }),
  }).applyLivenessToken;
}

test('a token issued on a retry counts as a possible duplicate; a first attempt does not', async () => {
  const { meter, counted } = recordingMeter();
  await new MockActivityEnvironment({ attempt: 1 }, { logger: quiet, metricMeter: meter }).run(issuing());
  expect(counted.some((entry) => entry.name === ACTIVITY_METRICS.faceIdTokenRetries)).toBe(false);
  await new MockActivityEnvironment({ attempt: 2 }, { logger: quiet, metricMeter: meter }).run(issuing());
  expect(counted).toContainEqual({
    name: ACTIVITY_METRICS.faceIdTokenRetries,
    value: 1,
    tags: expect.objectContaining({ action: 'ApplyLivenessToken' }) as MetricTags,
  });
});
