import {
  ApplicationFailure,
  log,
  type Next,
  type SignalInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { isRefusedPayload } from '../contracts/refused-payload';

/** Failure type of a start or an update refused because its input arrived unencrypted. */
export const UNENCRYPTED_PAYLOAD_REFUSED = 'UnencryptedPayloadRefused';

function refused(what: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: UNENCRYPTED_PAYLOAD_REFUSED,
    message: `${what} refused: its input was not encrypted with the service's codec`,
    nonRetryable: true,
  });
}

/**
 * Messages whose payloads arrived unencrypted, so from someone without the codec key (straight over Temporal's API,
 * around the gateway), have no effect: an update is refused by validation (before it is accepted, where it has a
 * validator; otherwise before its handler runs), a signal is ignored and logged, a start fails at once. Never a
 * failed workflow task, which would be retried for ever and stall the journey. The codec has turned each such payload
 * into a stand-in (`src/contracts/refused-payload.ts`). Messages without payloads carry nothing to check: who may send
 * them at all is Temporal's authorization (docs/operations.md, "Reading journeys in the UI").
 */
class UnencryptedGuard implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (input.args.some(isRefusedPayload)) throw refused('the start');
    return next(input);
  }

  async handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    if (input.args.some(isRefusedPayload)) {
      log.warn("signal ignored: its input was not encrypted with the service's codec", { signal: input.signalName });
      return;
    }
    return next(input);
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    if (input.args.some(isRefusedPayload)) throw refused(`update ${input.name}`);
    next(input);
  }

  async handleUpdate(
    input: UpdateInput,
    next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>,
  ): Promise<unknown> {
    if (input.args.some(isRefusedPayload)) throw refused(`update ${input.name}`);
    return next(input);
  }
}

/** Registered on every journey worker (`UNENCRYPTED_GUARD_PATH`). */
export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new UnencryptedGuard()] });
