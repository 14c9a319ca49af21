// Plain functions shared by the workflow bundle, the client and the gateway: nothing from Temporal, Node or zod.

/** Workflow id of a journey: the backend's reference, namespaced so other workflows can share the namespace. */
export function journeyWorkflowId(reference: string): string {
  return `ekyc:${reference}`;
}
