import { FLOWS } from '../../src/workflows/types';
import { forbiddenInHistory, historyText, payloadsOf, stagesShown } from '../support/history-scan';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { eventually } from '../support/eventually';
import { inputFor } from '../support/journeys';

let harness: JourneyHarness;
beforeAll(async () => {
  harness = await startJourneyHarness();
});
afterAll(() => harness?.close());

describe('history budget of a happy journey', () => {
  it.each(FLOWS)('%s: at most 40 events, no payload over 2.5 KB, no media, Base64 or credentials', async (flow) => {
    const reference = harness.reference(`history-${flow}`);
    const started = await harness.ekyc.startJourney(await inputFor(harness, flow, reference));
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);
    expect((await harness.ekyc.result(started.journeyId)).outcome).toBe('approved');

    const history = await harness.client.workflow.getHandle(started.journeyId).fetchHistory();
    const events = history.events ?? [];
    // A journey of today's code asks no `patched()`: no marker, no upsert of `TemporalChangeVersion`. A versioned
    // change adds both to every new journey until the patch is removed (docs/architecture.md, "Versioning").
    const patchEvents = events.filter(
      (event) =>
        event.markerRecordedEventAttributes?.markerName === 'core_patch' ||
        'TemporalChangeVersion' in
          (event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
    );
    expect(patchEvents).toEqual([]);
    expect(events.length).toBeLessThanOrEqual(40);
    // Stages that begin and end inside one workflow task cost no upsert: the media were archived by the result pull,
    // and an inline pull (no activity task) leaves nothing to wait for in `fetching_result` either.
    const shown = stagesShown(events).map(({ stage }) => stage);
    expect(shown).not.toContain('archiving_media');
    if (!events.some((event) => event.activityTaskScheduledEventAttributes)) {
      expect(shown).not.toContain('fetching_result');
    }
    expect(shown.at(-1)).toBe('completed');
    const sizes = payloadsOf(history).map((payload) => payload.length);
    expect(sizes.length).toBeGreaterThan(5);
    // No payload over 2.5 KiB; a failure shows the ones that are. The largest is an eKYC journey's returned value, its
    // result with the OCR fields and the final status facts that let an ended journey be read without a replay.
    const oversize = payloadsOf(history).filter((payload) => payload.length > 2560);
    expect(oversize.map((payload) => payload.toString('utf8'))).toEqual([]);
    expect(forbiddenInHistory(historyText(history))).toEqual([]);
  });
});

describe('operator view', () => {
  it('search attributes carry stage, outcome, flow, region and reason, and filter journeys', async () => {
    const reference = harness.reference('visibility');
    const started = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', reference));
    await harness.sandbox.complete(started.token, 'spoof');
    await harness.ekyc.userFinished(started.journeyId);
    await harness.ekyc.result(started.journeyId);

    const description = await harness.client.workflow.getHandle(started.journeyId).describe();
    const attributes = Object.fromEntries(
      description.typedSearchAttributes
        .getAll()
        .filter((pair) => pair.key.name.startsWith('Ekyc'))
        .map((pair) => [pair.key.name, pair.value]),
    );
    expect(attributes).toEqual({
      EkycStage: 'completed',
      EkycOutcome: 'rejected',
      EkycFlow: 'liveness',
      EkycRegion: 'ap-singapore',
      EkycReason: 'liveness_spoof',
    });
    expect(await description.staticSummary()).toBe('eKYC liveness journey in ap-singapore');

    const query = `WorkflowId = "${started.journeyId}" AND EkycOutcome = "rejected" AND EkycReason = "liveness_spoof"`;
    await eventually(
      async () => {
        const ids: string[] = [];
        for await (const execution of harness.client.workflow.list({ query })) ids.push(execution.workflowId);
        expect(ids).toEqual([started.journeyId]);
      },
      { what: 'the rejected journey in visibility by outcome and reason' },
    );
  });
});
