import type { Client } from '@temporalio/client';
import { eventually } from '../../support/eventually';
import { FAST_TIMERS, inputFor } from '../../support/journeys';
import { startJourneyHarness, type JourneyHarness } from '../../support/journey-harness';

/**
 * A deploy with worker versioning, on the dev server: version 1 of the workers runs, journeys start on it and wait for
 * their users; version 2 (different workflow code) is deployed beside it and made current. The journeys in flight
 * finish on version 1, new ones run on version 2, and every one ends approved.
 */
const deploymentName = `ekyc-versioning-${Date.now().toString(36)}`;
const JOURNEYS_PER_VERSION = 3;
// Long enough for version 2 to be bundled and started while version 1's journeys wait for their users.
const TIMERS = { ...FAST_TIMERS, startWindowMs: 120_000, completionDeadlineMs: 120_000 };

let v1: JourneyHarness;
let v2: JourneyHarness | undefined;

beforeAll(async () => {
  v1 = await startJourneyHarness({ deployment: { name: deploymentName, buildId: 'v1' } });
});
afterAll(async () => {
  await v2?.close();
  await v1?.close();
});

/** `temporal worker deployment set-current-version`, retried until the version's pollers have registered it. */
async function makeCurrent(client: Client, buildId: string): Promise<void> {
  await eventually(
    // Each attempt with its own deadline: on a loaded dev server one call can hang in the server's deployment
    // workflow, and a call left running past the test would outlive its connection.
    () =>
      client.withDeadline(Date.now() + 10_000, () =>
        client.workflowService.setWorkerDeploymentCurrentVersion({
          namespace: 'default',
          deploymentName,
          buildId,
          identity: 'worker-versioning-test',
        }),
      ),
    { what: `build ${buildId} accepted as the current version`, timeoutMs: 90_000, intervalMs: 500 },
  );
}

async function startJourneys(harness: JourneyHarness, label: string) {
  return Promise.all(
    Array.from({ length: JOURNEYS_PER_VERSION }, async () => {
      const input = await inputFor(harness, 'liveness', harness.reference(`versioning-${label}`));
      return harness.ekyc.startJourney({ ...input, timers: TIMERS });
    }),
  );
}

async function finish(harness: JourneyHarness, journey: { journeyId: string; token: string }) {
  await harness.sandbox.complete(journey.token, 'pass');
  await harness.ekyc.userFinished(journey.journeyId);
  return (await harness.ekyc.result(journey.journeyId)).outcome;
}

async function versionOf(client: Client, journeyId: string): Promise<{ buildId?: string; journeyCode?: unknown }> {
  const described = await client.workflow.getHandle(journeyId).describe();
  const buildId = described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId ?? undefined;
  const { memo } = described;
  return { ...(buildId ? { buildId } : {}), journeyCode: memo?.journeyCode };
}

it('finishes journeys in flight on the version they started on while new ones run on the new version', async () => {
  await makeCurrent(v1.client, 'v1');
  const before = await startJourneys(v1, 'v1');

  // Version 2: other workflow code, its own worker process, the same task queues.
  v2 = await startJourneyHarness({
    joinTaskQueueOf: v1,
    deployment: { name: deploymentName, buildId: 'v2' },
    workflowsPath: require.resolve('./journey-v2-workflows'),
  });
  await makeCurrent(v1.client, 'v2');
  const after = await startJourneys(v1, 'v2');

  const outcomes = await Promise.all([...before, ...after].map((journey) => finish(v1, journey)));
  expect(outcomes).toEqual(Array(2 * JOURNEYS_PER_VERSION).fill('approved'));
  for (const journey of before) {
    expect(await versionOf(v1.client, journey.journeyId)).toEqual({ buildId: 'v1', journeyCode: undefined });
  }
  for (const journey of after) {
    expect(await versionOf(v1.client, journey.journeyId)).toEqual({ buildId: 'v2', journeyCode: 'v2' });
  }
}, 240_000);
