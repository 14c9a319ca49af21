/**
 * `npm run capture-histories`: runs real journeys of every flow (and the review, expiry and cancel paths) on a
 * throwaway dev server against the emulator, and stores their histories under test/fixtures/histories/, where the
 * replay tests check that today's workflow code still replays them. Their payloads are encrypted under the sandbox
 * key ring (the harness's data converter), as `npm start` stores them, and the replay tests decode them the same way:
 * a journey's payloads under its own data key, which is kept beside the histories (`data-keys/`).
 *
 * `npm run capture-histories -- --suffix <name>` stores `<capture>-<name>.json` beside the earlier ones instead of
 * replacing them: after a versioned change (`patched`), keep the old histories and add the new command sequence.
 * `--only <name,...>` captures just those.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Scenario } from '../../src/emulator/scenarios';
import { FLOWS, type Flow } from '../../src/workflows/types';
import { eventually } from '../support/eventually';
import { historyToJson } from '../support/history-json';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { FAST_TIMERS, inputFor, waitForStage } from '../support/journeys';
import { startTestDevServer } from '../support/dev-server';

const outDir = resolve(__dirname, '..', 'fixtures', 'histories');

interface Capture {
  name: string;
  flow: Flow;
  run: (harness: JourneyHarness, journeyId: string, token: string) => Promise<void>;
  overrides?: Record<string, unknown>;
}

const finish = (scenario: Scenario) => async (harness: JourneyHarness, journeyId: string, token: string) => {
  await harness.sandbox.complete(token, scenario);
  await harness.ekyc.userFinished(journeyId);
};

const captures: Capture[] = [
  ...FLOWS.map((flow): Capture => ({ name: `${flow}-approved`, flow, run: finish('pass') })),
  { name: 'selfie-spoof-rejected', flow: 'selfie', run: finish('spoof') },
  {
    name: 'ekyc-review-approved',
    flow: 'ekyc',
    run: async (harness, journeyId, token) => {
      await finish('document_warning')(harness, journeyId, token);
      await waitForStage(harness, journeyId, 'in_review', 20_000);
      await harness.ekyc.review(journeyId, { decision: 'approved', reviewer: 'op-1', reason: 'glare only' });
    },
  },
  {
    name: 'liveness-reconciled-approved',
    flow: 'liveness',
    overrides: { timers: { ...FAST_TIMERS, startWindowMs: 1_000 } },
    run: async (harness, _journeyId, token) => {
      await harness.sandbox.complete(token, 'pass');
    },
  },
  {
    name: 'liveness-expired',
    flow: 'liveness',
    overrides: { timers: { ...FAST_TIMERS, startWindowMs: 500, completionDeadlineMs: 2_000 } },
    run: () => Promise.resolve(),
  },
  {
    name: 'selfie-renewed-cancelled',
    flow: 'selfie',
    overrides: { timers: { ...FAST_TIMERS, startWindowMs: 60_000 } },
    run: async (harness, journeyId) => {
      await harness.ekyc.renewToken(journeyId);
      await harness.ekyc.cancel(journeyId);
    },
  },
  {
    // Claims, a lapsed claim and a four-eyes rejection: the review queue's commands (search attributes, claim timers).
    name: 'ekyc-review-claimed-rejected',
    flow: 'ekyc',
    overrides: { policy: { fourEyesRejection: true }, timers: { ...FAST_TIMERS, reviewClaimMs: 1_000 } },
    run: async (harness, journeyId, token) => {
      await finish('document_warning')(harness, journeyId, token);
      await waitForStage(harness, journeyId, 'in_review');
      await harness.ekyc.claimReview(journeyId, { reviewer: 'op-1' });
      // The 1 s claim lapses on the journey's own timer.
      await eventually(
        async () => {
          if ((await harness.ekyc.status(journeyId)).review?.claimedBy) throw new Error('still claimed');
        },
        { what: 'the claim to lapse' },
      );
      await harness.ekyc.claimReview(journeyId, { reviewer: 'op-2' });
      await harness.ekyc.releaseReview(journeyId, { reviewer: 'op-2' });
      await harness.ekyc.review(journeyId, {
        decision: 'rejected',
        reviewer: 'op-1',
        reason: 'edited',
        reasonCode: 'tampering',
      });
      await harness.ekyc.review(journeyId, { decision: 'rejected', reviewer: 'op-2', reason: 'agreed' });
    },
  },
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { suffix: { type: 'string' }, only: { type: 'string' } } });
  const only = values.only?.split(',');
  const suffix = values.suffix ? `-${values.suffix.replace(/[^a-z0-9-]/gi, '')}` : '';
  const env = await startTestDevServer();
  process.env.EKYC_TEST_TEMPORAL_ADDRESS = env.address;
  const harness = await startJourneyHarness();
  mkdirSync(outDir, { recursive: true });
  try {
    for (const capture of captures.filter((entry) => !only || only.includes(entry.name))) {
      const name = `${capture.name}${suffix}`;
      // The replay test derives the workflow id from the file name: keep the two in step.
      const reference = `capture-${name}`;
      const input = { ...(await inputFor(harness, capture.flow, reference)), ...capture.overrides };
      const started = await harness.ekyc.startJourney(input);
      await capture.run(harness, started.journeyId, started.token);
      const result = await harness.ekyc.result(started.journeyId);
      const history = await harness.client.workflow.getHandle(started.journeyId).fetchHistory();
      writeFileSync(join(outDir, `${name}.json`), historyToJson(history));
      // Its data key, wrapped by the published sandbox key, so that replay can decrypt its payloads.
      const dataKey = await harness.archive.readVersioned(`data-keys/${started.journeyId}.json`);
      if (!dataKey) throw new Error(`${name}: no data key was stored for ${started.journeyId}`);
      mkdirSync(join(outDir, 'data-keys'), { recursive: true });
      writeFileSync(join(outDir, 'data-keys', `${started.journeyId}.json`), dataKey.body);
      console.log(`${name}: ${result.outcome} (${history.events?.length ?? 0} events)`);
    }
  } finally {
    await harness.close();
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
