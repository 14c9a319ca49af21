import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dispatchRateFor } from '../../src/workers/journey-workers';
import { startJourneyHarness } from '../../test/support/journey-harness';
import { inputFor } from '../../test/support/journeys';
import { startTestDevServer } from '../../test/support/dev-server';

const JOURNEYS = 200;
const QUOTA = 20;

/**
 * Journey throughput on the real dev server against the emulator: 200 selfie journeys at once, every FaceID action
 * capped at 20 calls per second by the server-side task-queue limit. The emulator's per-second peak per action shows
 * whether the quota held; the journeys' wall time shows what the quota allows.
 */
export async function benchJourneys(): Promise<string> {
  const env = await startTestDevServer();
  process.env.EKYC_TEST_TEMPORAL_ADDRESS = env.address;
  const harness = await startJourneyHarness({ rateLimit: QUOTA });
  try {
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: JOURNEYS }, async (_, index) => {
        const reference = `bench-${index}-${Date.now().toString(36)}`;
        const input = {
          ...(await inputFor(harness, 'liveness', reference)),
          timers: { pollInitialMs: 500, pollMaxMs: 2_000 },
        };
        const journey = await harness.ekyc.startJourney(input);
        await harness.sandbox.complete(journey.token, 'pass');
        await harness.ekyc.userFinished(journey.journeyId);
        return (await harness.ekyc.result(journey.journeyId)).outcome;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rssGrowthMiB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    const stats = await harness.sandbox.stats();
    const peaks = Object.entries(stats.actions)
      .filter(([, action]) => action.calls > 0)
      .map(
        ([name, action]) =>
          `${name} ${action.peakPerSecond}/s (${action.calls} calls, ${action.rateLimited ?? 0} refused)`,
      );
    const approved = outcomes.filter((outcome) => outcome === 'approved').length;
    const peakMax = Math.max(...Object.values(stats.actions).map((action) => action.peakPerSecond));
    return [
      '## Journeys end to end (quota enforcement)',
      '',
      `Command: \`npm run bench\` (section \`benchJourneys\`, also \`npx tsx scripts/bench/journeys.ts\`). ${JOURNEYS} liveness journeys started at once through the client (update-with-start), the user played through the emulator, media archived to the filesystem store, workers in the same process, each FaceID action's quota ${QUOTA}/s, so its queue dispatches at ${dispatchRateFor(QUOTA)}/s (\`maxTaskQueueActivitiesPerSecond\`, enforced by the server; see \`dispatchRateFor\`). The emulator refuses any call beyond ${QUOTA} in a sliding one-second window.`,
      '',
      '| machine | node | journeys | approved | seconds | journeys/s | highest FaceID calls in one second, any action | process RSS growth |',
      '|---|---|---|---|---|---|---|---|',
      `| ${cpus().length} CPU (nproc), ${cpus()[0]?.model.trim() ?? 'unknown'} | ${process.version} | ${JOURNEYS} | ${approved} | ${seconds.toFixed(1)} | ${(JOURNEYS / seconds).toFixed(1)} | ${peakMax} (quota ${QUOTA}: ${peakMax <= QUOTA ? 'held' : 'EXCEEDED'}) | ${rssGrowthMiB.toFixed(0)} MiB |`,
      '',
      `Per action, as the emulator counted: ${peaks.join('; ')}.`,
      '',
    ].join('\n');
  } finally {
    await harness.close();
    await env.teardown();
  }
}

if (require.main === module) {
  benchJourneys().then(
    (section) => process.stdout.write(`${section}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
