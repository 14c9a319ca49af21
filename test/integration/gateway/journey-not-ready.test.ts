import { journeyWorkflowId } from '../../../src/contracts/workflow-ids';
import { eventually } from '../../support/eventually';
import {
  API_KEY,
  expectProblem,
  livenessBody,
  OPERATOR_KEY,
  startGatewayFixture,
  type GatewayFixture,
} from './gateway-fixture';

// Workers whose every journey task fails: the state a crash-looping worker or a broken release leaves a journey in.
let gw: GatewayFixture;
beforeAll(async () => {
  gw = await startGatewayFixture({ workflowsPath: require.resolve('./failing-journey-workflows') });
});
afterAll(() => gw?.close());

it('requests to a journey whose workflow task keeps failing answer 503 journey_not_ready', async () => {
  const reference = gw.harness.reference('gw-not-ready');
  const journeyId = journeyWorkflowId(reference);
  const start = () => gw.call('POST', '/v1/journeys', { bearer: API_KEY, json: livenessBody(reference) });
  const first = start();
  const handle = gw.harness.client.workflow.getHandle(journeyId);
  await eventually(
    async () => expect((await handle.describe()).raw.pendingWorkflowTask?.attempt).toBeGreaterThanOrEqual(3),
    { what: 'the journey task to fail three times in a row', timeoutMs: 60_000 },
  );
  try {
    // The waiting start's update is aborted with the task; the retry is refused until a task succeeds.
    expectProblem(await first, 503, 'journey_not_ready');
    expectProblem(await start(), 503, 'journey_not_ready');
    // Every other update is refused the same way.
    expectProblem(
      await gw.call('POST', gw.path(journeyId, '/token'), { bearer: gw.secretOf(journeyId) }),
      503,
      'journey_not_ready',
    );
    expectProblem(
      await gw.call('POST', gw.path(journeyId, '/review/claim'), {
        bearer: OPERATOR_KEY,
        json: { reviewer: 'op-a' },
      }),
      503,
      'journey_not_ready',
    );
    // Nothing was lost: the journey still runs, waiting for a task to succeed.
    expect((await handle.describe()).status.name).toBe('RUNNING');
  } finally {
    await handle.terminate('test over');
  }
}, 120_000);
