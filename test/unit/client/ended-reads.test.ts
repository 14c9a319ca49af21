import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { JourneyErasedError } from '../../../src/archive/erasure-record';
import { EkycClient } from '../../../src/client/ekyc-client';
import { JourneyNotFoundError, JourneyRunningError } from '../../../src/client/errors';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import type { JourneyEnd, JourneyStatus } from '../../../src/workflows/types';

// The read path of status and result: an ended journey is answered from its close event (one history read, no worker)
// and kept; a running one is queried live. The Temporal client is a fake that counts each kind of call.

const JOURNEY = 'ekyc:order-3001';

const liveStatus: JourneyStatus = {
  reference: 'order-3001',
  flow: 'liveness',
  region: 'ap-singapore',
  stage: 'awaiting_user',
  renewalsLeft: 2,
  fetchAttempts: 0,
  reasons: [],
  policyVersion: 3,
  policyOverridden: false,
};

const finalStatus: JourneyStatus = {
  ...liveStatus,
  stage: 'completed',
  fetchAttempts: 1,
  outcome: 'approved',
  reasons: ['all_checks_passed'],
};

const ended: JourneyEnd = {
  reference: 'order-3001',
  flow: 'liveness',
  region: 'ap-singapore',
  outcome: 'approved',
  reasons: ['all_checks_passed'],
  media: [],
  requestIds: ['req-1'],
  completedAt: '2026-01-01T00:00:00.000Z',
  policyVersion: 3,
  policyOverridden: false,
  // What the run returns: the status facts the result does not carry itself.
  finalStatus: { stage: 'completed', renewalsLeft: 2, fetchAttempts: 1 },
};

/** What the fake journey is: running, completed with a value, terminated, or unknown to Temporal. */
type Run =
  { state: 'running' } | { state: 'completed'; returned: unknown } | { state: 'terminated' } | { state: 'none' };

/**
 * A Temporal client over one journey whose run is `run.current`, counting history reads (the last event, read
 * backwards), queries and result calls.
 */
function fakeTemporal(run: { current: Run }) {
  const calls = { history: 0, queries: 0, results: 0 };
  const lastEvent = () => {
    const current = run.current;
    if (current.state === 'completed') {
      const payload = defaultPayloadConverter.toPayload(current.returned);
      return [{ workflowExecutionCompletedEventAttributes: { result: { payloads: [payload] } } }];
    }
    if (current.state === 'terminated') return [{ workflowExecutionTerminatedEventAttributes: { reason: 'test' } }];
    return [{ workflowTaskCompletedEventAttributes: {} }];
  };
  const client = {
    options: { namespace: 'default', loadedDataConverter: loadDataConverter() },
    workflowService: {
      getWorkflowExecutionHistoryReverse: () => {
        calls.history += 1;
        if (run.current.state === 'none') {
          return Promise.reject(
            Object.assign(new Error('5 NOT_FOUND: workflow not found'), {
              code: 5,
              details: 'workflow not found',
              metadata: {},
            }),
          );
        }
        return Promise.resolve({ history: { events: lastEvent() } });
      },
    },
    workflow: {
      getHandle: () => ({
        query: () => {
          calls.queries += 1;
          return Promise.resolve(
            run.current.state === 'running' ? liveStatus : { ...liveStatus, stage: 'issuing_token' },
          );
        },
        result: () => {
          calls.results += 1;
          return Promise.reject(new Error('Workflow execution terminated'));
        },
      }),
    },
  } as unknown as Client;
  return { client, calls };
}

let dir: string;
let store: FilesystemStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ended-reads-'));
  store = new FilesystemStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the journey's erasure record as an erasure on another process would. */
async function eraseElsewhere(journeyId: string): Promise<void> {
  const record = { journeyId, requestedBy: 'op-a', reason: 'data_subject_request', requestedAt: '', state: 'erased' };
  await store.putIfVersion(
    `erasures/${journeyId}.json`,
    Buffer.from(JSON.stringify(record)),
    'application/json',
    undefined,
  );
}

describe('status and result of an ended journey', () => {
  it('come from the close event without a query, once: later reads are served from memory', async () => {
    const { client, calls } = fakeTemporal({ current: { state: 'completed', returned: ended } });
    const ekyc = new EkycClient(client, 'journeys', { archive: store });

    expect(await ekyc.status(JOURNEY)).toEqual(finalStatus);
    const result = await ekyc.result(JOURNEY, { wait: false });
    expect(result).toMatchObject({ outcome: 'approved', reasons: ['all_checks_passed'], requestIds: ['req-1'] });
    expect(result).not.toHaveProperty('finalStatus');
    for (let i = 0; i < 5; i += 1) await ekyc.status(JOURNEY);
    expect(calls).toEqual({ history: 1, queries: 0, results: 0 });
  });

  it('a run that returned no final status is queried once for it, then kept', async () => {
    const older: JourneyEnd = { ...ended };
    delete older.finalStatus;
    const { client, calls } = fakeTemporal({ current: { state: 'completed', returned: older } });
    const ekyc = new EkycClient(client, 'journeys');
    await ekyc.status(JOURNEY);
    await ekyc.status(JOURNEY);
    expect(await ekyc.result(JOURNEY)).toMatchObject({ outcome: 'approved' });
    expect(calls).toEqual({ history: 1, queries: 1, results: 0 });
  });

  it('a terminated run: its status is replayed once and kept; its result still answers how it closed', async () => {
    const { client, calls } = fakeTemporal({ current: { state: 'terminated' } });
    const ekyc = new EkycClient(client, 'journeys');
    expect((await ekyc.status(JOURNEY)).stage).toBe('issuing_token');
    expect((await ekyc.status(JOURNEY)).stage).toBe('issuing_token');
    await expect(ekyc.result(JOURNEY, { wait: false })).rejects.toThrow('Workflow execution terminated');
    expect(calls).toEqual({ history: 2, queries: 1, results: 1 });
  });

  it('an unknown journey is JourneyNotFoundError for both', async () => {
    const { client } = fakeTemporal({ current: { state: 'none' } });
    const ekyc = new EkycClient(client, 'journeys');
    await expect(ekyc.status(JOURNEY)).rejects.toBeInstanceOf(JourneyNotFoundError);
    await expect(ekyc.result(JOURNEY, { wait: false })).rejects.toBeInstanceOf(JourneyNotFoundError);
  });
});

describe('status and result of a running journey', () => {
  it('status is a live query every time, the result is JourneyRunningError; once it ends, the close event answers', async () => {
    const run: { current: Run } = { current: { state: 'running' } };
    const { client, calls } = fakeTemporal(run);
    const ekyc = new EkycClient(client, 'journeys');
    expect(await ekyc.status(JOURNEY)).toEqual(liveStatus);
    expect(await ekyc.status(JOURNEY)).toEqual(liveStatus);
    await expect(ekyc.result(JOURNEY, { wait: false })).rejects.toBeInstanceOf(JourneyRunningError);
    expect(calls.queries).toBe(2);

    run.current = { state: 'completed', returned: ended };
    expect(await ekyc.status(JOURNEY)).toEqual(finalStatus);
    expect(calls.queries).toBe(2);
  });
});

describe('erasure wins over what is kept', () => {
  it('an erasure this process made is refused at once, though the ended journey was kept', async () => {
    const { client } = fakeTemporal({ current: { state: 'completed', returned: ended } });
    const ekyc = new EkycClient(client, 'journeys', { archive: store });
    await ekyc.status(JOURNEY);
    await eraseElsewhere(JOURNEY);
    ekyc.erasures?.remember({ journeyId: JOURNEY, requestedBy: 'op-a', reason: 'x', requestedAt: '', state: 'erased' });
    await expect(ekyc.status(JOURNEY)).rejects.toBeInstanceOf(JourneyErasedError);
    await expect(ekyc.result(JOURNEY)).rejects.toBeInstanceOf(JourneyErasedError);
  });

  it('an erasure made elsewhere is refused once the "not erased" answer is older than its TTL', async () => {
    const { client } = fakeTemporal({ current: { state: 'completed', returned: ended } });
    const ekyc = new EkycClient(client, 'journeys', { archive: store, readCache: { erasureTtlMs: 50 } });
    await ekyc.result(JOURNEY);
    await eraseElsewhere(JOURNEY);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await expect(ekyc.result(JOURNEY)).rejects.toBeInstanceOf(JourneyErasedError);
  });

  it('a close event whose data key is gone is refused with the erasure record, however fresh the cache', async () => {
    const { client } = fakeTemporal({ current: { state: 'completed', returned: { erased: 'the data was erased' } } });
    const ekyc = new EkycClient(client, 'journeys', { archive: store });
    await ekyc.erasures?.refuseIfErased(JOURNEY);
    await eraseElsewhere(JOURNEY);
    await expect(ekyc.status(JOURNEY)).rejects.toBeInstanceOf(JourneyErasedError);
  });
});
