import { isGrpcServiceError, ServiceError } from '@temporalio/client';

/** gRPC status codes Temporal answers a workflow operation with, when it does not carry it out. */
export const GRPC_STATUS = {
  deadlineExceeded: 4,
  notFound: 5,
  resourceExhausted: 8,
  failedPrecondition: 9,
  aborted: 10,
  unavailable: 14,
} as const;

/**
 * The gRPC status code of a refusal from Temporal. An update-with-start rethrows its failed operation's own status as
 * a bare gRPC error; the client's other calls wrap the status in a `ServiceError`.
 */
export function grpcStatusOf(error: unknown): number | undefined {
  if (isGrpcServiceError(error)) return error.code;
  if (error instanceof ServiceError && isGrpcServiceError(error.cause)) return error.cause.code;
  return undefined;
}

/**
 * Temporal refuses updates to a workflow whose task has failed several times in a row (its "workflow not ready"), and
 * aborts the updates that task carried, until a task succeeds: a worker crashed mid-task, or a release fails it.
 */
export function isWorkflowNotReady(error: unknown): boolean {
  return grpcStatusOf(error) === GRPC_STATUS.failedPrecondition;
}
