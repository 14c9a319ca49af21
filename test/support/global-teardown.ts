import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** Stops the shared dev server started by global-setup. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { ekycTemporalEnv?: TestWorkflowEnvironment }).ekycTemporalEnv?.teardown();
}
