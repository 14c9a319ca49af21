import type { Client } from '@temporalio/client';
import { EkycClient } from '../../../src/client/ekyc-client';
import { JourneyClosedError, JourneyNotReadyError } from '../../../src/client/errors';
import { parseJourneyStart } from '../../../src/client/journey-input';

// One layer: how `startJourney` names Temporal's refusals of an update-with-start. The refusals themselves are real
// server behaviour, reproduced end to end in test/integration/gateway/journey-not-ready.test.ts; here the client under
// the EkycClient is a fake that answers with the bare gRPC errors update-with-start rethrows.

/** An error shaped as the gRPC library raises it for a failed call (code, details, metadata). */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

/** A Temporal client whose update-with-start fails with `error`, and whose journey has the given status. */
function clientRefusing(error: Error, status: 'RUNNING' | 'COMPLETED'): Client {
  return {
    workflow: {
      executeUpdateWithStart: () => Promise.reject(error),
      getHandle: () => ({ describe: () => Promise.resolve({ status: { name: status } }) }),
    },
  } as unknown as Client;
}

const input = parseJourneyStart({
  reference: 'order-2001',
  region: 'ap-singapore',
  flow: 'liveness',
  liveness: { SecureLevel: '4' },
});

describe('startJourney, refused by Temporal', () => {
  it('a journey whose workflow task keeps failing: JourneyNotReadyError, to retry shortly', async () => {
    const refused = grpcError(9, 'Unable to perform workflow execution update due to Workflow Task in failed state.');
    const ekyc = new EkycClient(clientRefusing(refused, 'RUNNING'), 'journeys');
    await expect(ekyc.startJourney(input)).rejects.toBeInstanceOf(JourneyNotReadyError);
  });

  it('the running journey it joined ended before the token update: JourneyClosedError', async () => {
    const gone = grpcError(5, 'workflow execution already completed');
    const ekyc = new EkycClient(clientRefusing(gone, 'COMPLETED'), 'journeys');
    await expect(ekyc.startJourney(input)).rejects.toBeInstanceOf(JourneyClosedError);
  });

  it('a not-found for a journey still running is passed on as it came', async () => {
    const gone = grpcError(5, 'update not found');
    const ekyc = new EkycClient(clientRefusing(gone, 'RUNNING'), 'journeys');
    await expect(ekyc.startJourney(input)).rejects.toBe(gone);
  });
});
