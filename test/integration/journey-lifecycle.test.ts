import { WorkflowUpdateFailedError } from '@temporalio/client';
import { EkycClient } from '../../src/client/ekyc-client';
import { JourneyClosedError } from '../../src/client/errors';
import { JourneyInputError, parseJourneyStart } from '../../src/client/journey-input';
import { startJourneyHarness, type JourneyHarness } from '../support/journey-harness';
import { FAST_TIMERS, inputFor, waitForStage } from '../support/journeys';

let harness: JourneyHarness;
beforeAll(async () => {
  harness = await startJourneyHarness();
});
afterAll(() => harness?.close());

/** The `ApplicationFailure.type` behind a failed update (asserting the type chain, not class names). */
function updateFailureType(error: unknown): string | undefined {
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((error as WorkflowUpdateFailedError).cause as { type?: string } | undefined)?.type;
}

async function start(flow: 'selfie' | 'liveness' | 'ekyc', overrides: Record<string, unknown> = {}) {
  const reference = harness.reference(flow);
  const input = { ...(await inputFor(harness, flow, reference)), ...overrides };
  return { reference, input, started: await harness.ekyc.startJourney(input) };
}

describe('waiting for the user: durable timers and signals', () => {
  it('the signal arrives inside the start window: the result is fetched at once', async () => {
    const { started } = await start('liveness', { timers: { ...FAST_TIMERS, startWindowMs: 60_000 } });
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);
    const result = await harness.ekyc.result(started.journeyId);
    expect(result.outcome).toBe('approved');
    expect((await harness.ekyc.status(started.journeyId)).fetchAttempts).toBe(1);
  });

  it('the start window fires without a signal: the journey reconciles and approves a finished user', async () => {
    const { started } = await start('liveness', { timers: { ...FAST_TIMERS, startWindowMs: 1_000 } });
    await harness.sandbox.complete(started.token, 'pass');
    const result = await harness.ekyc.result(started.journeyId);
    expect(result).toMatchObject({ outcome: 'approved', reasons: ['all_checks_passed'] });
  });

  it('no signal and no finished session: the journey expires at the completion deadline', async () => {
    const { started } = await start('liveness', {
      timers: { ...FAST_TIMERS, startWindowMs: 800, completionDeadlineMs: 2_500 },
    });
    const result = await harness.ekyc.result(started.journeyId);
    expect(result).toMatchObject({ outcome: 'expired', reasons: ['user_did_not_finish'] });
    expect((await harness.ekyc.status(started.journeyId)).fetchAttempts).toBeGreaterThanOrEqual(2);
  });

  it('userCancelled ends the journey as cancelled', async () => {
    const { started } = await start('liveness');
    await harness.ekyc.cancel(started.journeyId);
    expect(await harness.ekyc.result(started.journeyId)).toMatchObject({
      outcome: 'cancelled',
      reasons: ['user_cancelled'],
    });
  });
});

describe('renewToken', () => {
  it('issues a working fresh token and refuses renewals past the limit', async () => {
    const { started } = await start('liveness', { maxRenewals: 1, timers: { ...FAST_TIMERS, startWindowMs: 60_000 } });
    const renewed = await harness.ekyc.renewToken(started.journeyId);
    expect(renewed.token).not.toBe(started.token);
    expect((await harness.ekyc.status(started.journeyId)).renewalsLeft).toBe(0);

    const refused = await harness.ekyc.renewToken(started.journeyId).catch((error: unknown) => error);
    expect(updateFailureType(refused)).toBe('JourneyNoRenewalsLeft');

    await harness.sandbox.complete(renewed.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);
    expect((await harness.ekyc.result(started.journeyId)).outcome).toBe('approved');
  });

  it('is refused once the journey no longer waits for the user', async () => {
    const { started } = await start('liveness');
    await harness.sandbox.complete(started.token, 'pass');
    await harness.ekyc.userFinished(started.journeyId);
    await harness.ekyc.result(started.journeyId);
    await expect(harness.ekyc.renewToken(started.journeyId)).rejects.toBeInstanceOf(JourneyClosedError);
  });
});

describe('review', () => {
  it('is refused while the journey is not in review, and for a malformed review', async () => {
    const { started } = await start('ekyc', { timers: { ...FAST_TIMERS, startWindowMs: 60_000 } });
    const early = await harness.ekyc
      .review(started.journeyId, { decision: 'approved', reviewer: 'op-1', reason: 'too early' })
      .catch((error: unknown) => error);
    expect(updateFailureType(early)).toBe('JourneyNotInReview');

    await harness.sandbox.complete(started.token, 'document_warning');
    await harness.ekyc.userFinished(started.journeyId);
    await waitForStage(harness, started.journeyId, 'in_review');
    const malformed = await harness.ekyc
      .review(started.journeyId, { decision: 'maybe' as never, reviewer: 'Jane Doe <jane@example.com>', reason: '' })
      .catch((error: unknown) => error);
    expect(updateFailureType(malformed)).toBe('JourneyInvalidReview');

    await harness.ekyc.review(started.journeyId, {
      decision: 'rejected',
      reviewer: 'op-2',
      reason: 'recaptured screen',
    });
    expect(await harness.ekyc.result(started.journeyId)).toMatchObject({
      outcome: 'rejected',
      reasons: ['document_warning', 'review_rejected'],
    });
  });

  it('takes the policy default when no reviewer decides before the deadline', async () => {
    const { started } = await start('ekyc', { timers: { ...FAST_TIMERS, reviewDeadlineMs: 1_000 } });
    await harness.sandbox.complete(started.token, 'document_warning');
    await harness.ekyc.userFinished(started.journeyId);
    expect(await harness.ekyc.result(started.journeyId)).toMatchObject({
      outcome: 'rejected',
      reasons: ['document_warning', 'review_timeout'],
    });
  });
});

describe('identity and bad input', () => {
  it('a duplicate start returns the same running journey and its token', async () => {
    const { input, started } = await start('liveness', { timers: { ...FAST_TIMERS, startWindowMs: 60_000 } });
    const again = await harness.ekyc.startJourney(input);
    expect(again).toEqual(started);
    await harness.ekyc.cancel(started.journeyId);
    await harness.ekyc.result(started.journeyId);
  });

  it('a signal or a start after completion is refused cleanly', async () => {
    const { input, started } = await start('liveness');
    await harness.ekyc.cancel(started.journeyId);
    await harness.ekyc.result(started.journeyId);
    await expect(harness.ekyc.userFinished(started.journeyId)).rejects.toBeInstanceOf(JourneyClosedError);
    await expect(harness.ekyc.startJourney(input)).rejects.toBeInstanceOf(JourneyClosedError);
  });

  it('rejects a malformed input before anything starts, naming the fields', () => {
    const error = (() => {
      try {
        return parseJourneyStart({
          reference: 'jane.doe@example.com',
          flow: 'selfie',
          region: 'ap-mars',
          selfie: { CheckMode: 'compare' },
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(JourneyInputError);
    const paths = (error as JourneyInputError).issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['reference', 'region']));
    expect((error as Error).message).not.toContain('jane');
  });
});

describe('the configured default region (FACEID_REGION)', () => {
  it('applies to a start that names no region, and only to it', async () => {
    const ekyc = new EkycClient(harness.client, harness.taskQueue, { defaultRegion: 'ap-jakarta' });
    const reference = harness.reference('default-region');
    const input = { ...(await inputFor(harness, 'liveness', reference)), region: undefined };
    const started = await ekyc.startJourney(input);
    expect(await ekyc.status(started.journeyId)).toMatchObject({ region: 'ap-jakarta' });
    expect(await harness.sandbox.session(started.token)).toMatchObject({ region: 'ap-jakarta' });
    await ekyc.cancel(started.journeyId);
    const other = harness.reference('named-region');
    const named = await ekyc.startJourney(await inputFor(harness, 'liveness', other));
    expect(await ekyc.status(named.journeyId)).toMatchObject({ region: 'ap-singapore' });
    await ekyc.cancel(named.journeyId);
  });
});

describe('the FaceID call timeout follows FACEID_TIMEOUT_SECONDS', () => {
  /** Start-to-close seconds of the journey's first scheduled activity (its token call). */
  async function tokenCallTimeoutSeconds(journeyId: string): Promise<number> {
    const history = await harness.client.workflow.getHandle(journeyId).fetchHistory();
    const scheduled = history.events?.find((event) => event.activityTaskScheduledEventAttributes);
    return Number(scheduled?.activityTaskScheduledEventAttributes?.startToCloseTimeout?.seconds);
  }

  it('is the configured HTTP timeout plus 15 s, carried in the journey input; 45 s without configuration', async () => {
    // The token is issued inline first; a transient failure of that attempt sends the call to its queue, where the
    // activity's start-to-close shows the timeout.
    const failInlineOnce = () =>
      harness.sandbox.injectFault({ action: 'ApplyLivenessToken', fault: 'InternalError', count: 1 });
    await failInlineOnce();
    const configured = new EkycClient(harness.client, harness.taskQueue, { faceIdTimeoutSeconds: 5 });
    const started = await configured.startJourney(await inputFor(harness, 'liveness', harness.reference('timeout')));
    expect(await tokenCallTimeoutSeconds(started.journeyId)).toBe(20);
    await configured.cancel(started.journeyId);
    await failInlineOnce();
    const plain = await harness.ekyc.startJourney(await inputFor(harness, 'liveness', harness.reference('timeout')));
    expect(await tokenCallTimeoutSeconds(plain.journeyId)).toBe(45);
    await harness.ekyc.cancel(plain.journeyId);
  });
});

describe('FaceID failures', () => {
  it('InternalError and RequestLimitExceeded bursts are retried to success', async () => {
    await harness.sandbox.injectFault({ action: 'GetFaceIdTokenIntl', fault: 'RequestLimitExceeded', count: 3 });
    await harness.sandbox.injectFault({ action: 'GetFaceIdResultIntl', fault: 'InternalError', count: 3 });
    try {
      const reference = harness.reference('faults');
      const started = await harness.ekyc.startJourney(await inputFor(harness, 'selfie', reference));
      await harness.sandbox.complete(started.token, 'pass');
      await harness.ekyc.userFinished(started.journeyId);
      expect((await harness.ekyc.result(started.journeyId)).outcome).toBe('approved');
    } finally {
      await harness.sandbox.clearFaults();
    }
  });

  it('an auth failure fails fast with a typed reason', async () => {
    const wrongKeys = await startJourneyHarness({ faceid: { secretKey: 'not-the-sandbox-key-000000000000' } });
    try {
      const reference = wrongKeys.reference('auth');
      const error = await wrongKeys.ekyc
        .startJourney(await inputFor(wrongKeys, 'liveness', reference))
        .catch((caught: unknown) => caught);
      expect(updateFailureType(error)).toBe('JourneyTokenUnavailable');
      const result = await wrongKeys.ekyc.result(`ekyc:${reference}`);
      expect(result).toMatchObject({ outcome: 'failed', reasons: ['faceid_auth_failure'] });
      // Not retried: the token call ran once, inline, and failed; nothing was asked of the queue.
      const events = (await wrongKeys.client.workflow.getHandle(`ekyc:${reference}`).fetchHistory()).events ?? [];
      // The first local activity is the token call, the other the journey's last step.
      const [tokenCall] = events.filter(
        (event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity',
      );
      const failure = tokenCall?.markerRecordedEventAttributes?.failure;
      expect(failure?.applicationFailureInfo?.type).toBe('FaceIdAuthFailure');
      expect(events.filter((event) => event.activityTaskScheduledEventAttributes)).toHaveLength(0);
    } finally {
      await wrongKeys.close();
    }
  });
});
