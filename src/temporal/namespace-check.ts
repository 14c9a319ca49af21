import { ConfigError } from '../config-error';
import { EKYC_SEARCH_ATTRIBUTES, searchAttributeTypeName } from '../workflows/search-attributes';

/** The two calls the check makes, as both the client's and the worker's connections offer them. */
export interface NamespaceServices {
  workflowService: { describeNamespace(request: { namespace: string }): Promise<unknown> };
  operatorService: {
    listSearchAttributes(request: { namespace: string }): Promise<{
      customAttributes?: Record<string, unknown> | null;
      systemAttributes?: Record<string, unknown> | null;
    }>;
  };
}

const GRPC_NOT_FOUND = 5;
const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNIMPLEMENTED = 12;

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return code;
  // The worker's native connection reports the status in its message.
  const message = error instanceof Error ? error.message : '';
  return /code: NotFound/.test(message) ? GRPC_NOT_FOUND : undefined;
}

/**
 * Checks at start-up what journeys need from their namespace, so a process on a wrong or unprepared one stops with
 * what to fix instead of failing journeys later: the namespace exists, and the journey search attributes are
 * registered (a workflow that upserts an unknown one fails its task). A server that does not let this caller list
 * search attributes (Temporal Cloud answers only `tcld` for them) skips that half; `onSkipped` says so.
 */
export async function checkNamespace(
  services: NamespaceServices,
  namespace: string,
  address: string,
  onSkipped: (reason: string) => void = () => undefined,
): Promise<void> {
  try {
    await services.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (grpcCode(error) !== GRPC_NOT_FOUND) throw error;
    throw new ConfigError(
      `Invalid configuration:\n  TEMPORAL_NAMESPACE: namespace "${namespace}" does not exist on the Temporal server at ` +
        `${address}; set the right one, or create it (temporal operator namespace create --namespace ${namespace})`,
    );
  }
  let registered: Set<string>;
  try {
    const listed = await services.operatorService.listSearchAttributes({ namespace });
    registered = new Set([
      ...Object.keys(listed.customAttributes ?? {}),
      ...Object.keys(listed.systemAttributes ?? {}),
    ]);
  } catch (error) {
    const code = grpcCode(error);
    if (code === GRPC_PERMISSION_DENIED || code === GRPC_UNIMPLEMENTED) {
      onSkipped('the server does not let this caller list search attributes');
      return;
    }
    throw error;
  }
  const missing = EKYC_SEARCH_ATTRIBUTES.filter((key) => !registered.has(key.name));
  const [first] = missing;
  if (!first) return;
  throw new ConfigError(
    `Invalid configuration:\n  TEMPORAL_NAMESPACE: namespace "${namespace}" lacks the journey search attributes ` +
      `${missing.map((key) => `${key.name} (${searchAttributeTypeName(key)})`).join(', ')}; register each with its ` +
      `type (temporal operator search-attribute create --namespace ${namespace} --name ${first.name} --type ` +
      `${searchAttributeTypeName(first)}; docs/operations.md)`,
  );
}
