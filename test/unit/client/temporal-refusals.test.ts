import { ServiceError } from '@temporalio/client';
import { grpcStatusOf, isWorkflowNotReady } from '../../../src/client/temporal-refusals';

/** An error shaped as the gRPC library raises it for a failed call (code, details, metadata). */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe('Temporal refusals', () => {
  const notReady = 'Unable to perform workflow execution update due to Workflow Task in failed state.';

  it('reads the status of a bare gRPC error (update-with-start) and of one wrapped in a ServiceError', () => {
    expect(grpcStatusOf(grpcError(9, notReady))).toBe(9);
    expect(grpcStatusOf(new ServiceError('Update failed', { cause: grpcError(9, notReady) }))).toBe(9);
    expect(grpcStatusOf(new ServiceError('Update failed'))).toBeUndefined();
    expect(grpcStatusOf(new Error('not from Temporal'))).toBeUndefined();
  });

  it('knows "workflow not ready" (FAILED_PRECONDITION) from the other refusals', () => {
    expect(isWorkflowNotReady(grpcError(9, notReady))).toBe(true);
    expect(isWorkflowNotReady(new ServiceError('Update failed', { cause: grpcError(9, notReady) }))).toBe(true);
    for (const other of [grpcError(14, 'No connection established'), grpcError(5, 'workflow update was aborted')]) {
      expect(isWorkflowNotReady(other)).toBe(false);
    }
  });
});
