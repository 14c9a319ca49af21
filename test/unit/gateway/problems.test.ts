import { NamespaceNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { JourneyNotReadyError } from '../../../src/client/errors';
import { ArchiveStoreError } from '../../../src/store/object-store';
import { UnknownCodecKeyError } from '../../../src/codec/aes-gcm-codec';
import { problemFromError } from '../../../src/gateway/problems';
import { DatabaseUnavailableError } from '../../../src/db/database';
import { BacktestRequestError } from '../../../src/policy/backtest';

/** An error shaped as the gRPC library raises it for a failed call (code, details, metadata). */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe('problemFromError', () => {
  it('answers 503 while Temporal is away or restarting, so that backends retry', () => {
    for (const error of [
      grpcError(14, 'No connection established'),
      grpcError(4, 'Deadline exceeded'),
      // A frontend that has just started, before its namespace cache loaded.
      grpcError(5, 'Namespace default is not found.'),
      // The same inside an update-with-start: the operation's text in the message, its details binary.
      Object.assign(new Error('Namespace default is not found.'), {
        code: 5,
        details: '\n\u0007default',
        metadata: {},
      }),
      new NamespaceNotFoundError('default'),
      // Update-with-start's own statuses: busy (a rate limit) and the run moving on; the update call timing out.
      grpcError(8, 'Workflow is busy.'),
      grpcError(10, 'Workflow update was aborted.'),
      new WorkflowUpdateRPCTimeoutOrCancelledError('Workflow update call timeout or cancelled'),
    ]) {
      expect(problemFromError(error)).toMatchObject({ status: 503, code: 'temporal_unavailable' });
    }
  });

  it('answers 503 journey_not_ready while Temporal refuses updates to a journey whose task keeps failing', () => {
    expect(problemFromError(new JourneyNotReadyError('ekyc:ref-1'))).toMatchObject({
      status: 503,
      code: 'journey_not_ready',
    });
  });

  it('answers 503 while the archive refuses writes or a payload key has not reached this gateway', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
    expect(problemFromError(full)).toMatchObject({ status: 503, code: 'archive_unavailable' });
    expect(problemFromError(new ArchiveStoreError('EROFS'))).toMatchObject({
      status: 503,
      code: 'archive_unavailable',
    });
    expect(problemFromError(new UnknownCodecKeyError('k2'))).toMatchObject({ status: 503, code: 'codec_key_missing' });
  });

  it('answers 503 while the policy database is away, and names what a back-test cannot cover', () => {
    expect(problemFromError(new DatabaseUnavailableError('database unavailable: connect ECONNREFUSED'))).toMatchObject({
      status: 503,
      code: 'policies_unavailable',
    });
    expect(problemFromError(new BacktestRequestError('period_too_long', 'at most 366 days'))).toMatchObject({
      status: 400,
      code: 'period_too_long',
    });
    expect(problemFromError(new BacktestRequestError('invalid_cursor', 'not a cursor'))).toMatchObject({
      status: 400,
      code: 'validation_failed',
      detail: 'not a cursor',
    });
  });

  it('keeps anything else it does not know a 500 that says nothing of the cause', () => {
    const answer = problemFromError(grpcError(5, 'Workflow execution not found'));
    expect(answer).toMatchObject({ status: 500, code: 'internal' });
    expect(JSON.stringify(answer)).not.toContain('Workflow execution');
  });
});
